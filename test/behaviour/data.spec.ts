// Messages over the data channel: every payload type, order at connect, and misuse.
import { expect } from "chai";
import { firstValueFrom, take, toArray } from "rxjs";
import { PeerError, linkPeers, type Peer } from "../../src/index.js";
import { connectedPair, makePeer } from "../support/peers.js";

function nextMessage(peer: Peer): Promise<string | ArrayBuffer> {
  return firstValueFrom(peer.data$);
}

function bytesOf(data: string | ArrayBuffer): number[] {
  expect(data).to.be.instanceOf(ArrayBuffer);
  return Array.from(new Uint8Array(data as ArrayBuffer));
}

describe("data", () => {
  it("delivers text as a string, both ways", async () => {
    const { a, b } = await connectedPair();
    const atB = nextMessage(b);
    a.send("héllo ✓");
    expect(await atB).to.equal("héllo ✓");
    const atA = nextMessage(a);
    b.send("back");
    expect(await atA).to.equal("back");
  });

  it("delivers an ArrayBuffer as an ArrayBuffer of the same bytes", async () => {
    const { a, b } = await connectedPair();
    const received = nextMessage(b);
    a.send(new Uint8Array([0, 1, 2, 253, 254, 255]).buffer);
    expect(bytesOf(await received)).to.deep.equal([0, 1, 2, 253, 254, 255]);
  });

  it("sends only the viewed bytes of a typed array with an offset", async () => {
    const { a, b } = await connectedPair();
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const received = nextMessage(b);
    a.send(backing.subarray(2, 5));
    expect(bytesOf(await received)).to.deep.equal([1, 2, 3]);
  });

  it("sends a wider typed array's bytes and a DataView's window", async () => {
    const { a, b } = await connectedPair();
    const received = firstValueFrom(b.data$.pipe(take(2), toArray()));
    a.send(new Uint16Array([0x0102, 0x0304]));
    const buffer = new Uint8Array([7, 7, 5, 6, 7]).buffer;
    a.send(new DataView(buffer, 2, 2));
    const [wide, view] = await received;
    expect(bytesOf(wide!)).to.deep.equal(Array.from(new Uint8Array(new Uint16Array([0x0102, 0x0304]).buffer)));
    expect(bytesOf(view!)).to.deep.equal([5, 6]);
  });

  it("reads a Blob and keeps it in order with what is sent after it", async () => {
    const { a, b } = await connectedPair();
    const received = firstValueFrom(b.data$.pipe(take(3), toArray()));
    a.send("before");
    a.send(new Blob([new Uint8Array([4, 2]), "!"]));
    a.send("after");
    const [first, blob, last] = await received;
    expect(first).to.equal("before");
    expect(bytesOf(blob!)).to.deep.equal([4, 2, 33]);
    expect(last).to.equal("after");
  });

  it("reports a Blob that cannot be read as ERR_DATA_CHANNEL, and still sends what came after it", async () => {
    const { a, b } = await connectedPair();
    const received = firstValueFrom(b.data$.pipe(take(2), toArray()));
    const error = firstValueFrom(a.error$);
    // A File whose backing file vanished rejects its read the same way.
    const unreadable = new Blob(["gone"]);
    unreadable.arrayBuffer = () => Promise.reject(new Error("the file is gone"));
    a.send("before");
    a.send(unreadable);
    a.send("after");
    const reported = await error;
    expect(reported).to.be.instanceOf(PeerError).with.property("code", "ERR_DATA_CHANNEL");
    expect(reported.message).to.match(/could not read a Blob of 4 bytes: the file is gone/);
    expect(await received).to.deep.equal(["before", "after"]);
    expect(a.ready).to.equal(true);
  });

  it("sends the bytes a buffer held when send() was called, even behind a Blob still being read", async () => {
    const { a, b } = await connectedPair();
    const received = firstValueFrom(b.data$.pipe(take(3), toArray()));
    const reused = new Uint8Array([1, 2, 3]);
    a.send(new Blob(["blob"]));
    a.send(reused);
    reused.fill(9); // the caller reuses its buffer at once, as a data channel allows
    a.send(reused.buffer);
    reused.fill(7);
    const [, first, second] = await received;
    expect([first, second].map((message) => bytesOf(message ?? ""))).to.deep.equal([
      [1, 2, 3],
      [9, 9, 9],
    ]);
  });

  it("delivers messages sent the moment connect$ fires complete and in order", async () => {
    const count = 200;
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const received = firstValueFrom(b.data$.pipe(take(count), toArray()));
    a.connect$.subscribe(() => {
      for (let i = 0; i < count; i++) a.send(`message ${i}`);
    });
    linkPeers(a, b);
    const messages = await received;
    expect(messages).to.deep.equal(Array.from({ length: count }, (_, i) => `message ${i}`));
  });

  it("delivers the answerer's messages sent at its connect$ in order too", async () => {
    const count = 50;
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const received = firstValueFrom(a.data$.pipe(take(count), toArray()));
    b.connect$.subscribe(() => {
      for (let i = 0; i < count; i++) b.send(String(i));
    });
    linkPeers(a, b);
    expect(await received).to.deep.equal(Array.from({ length: count }, (_, i) => String(i)));
  });

  it("throws ERR_NOT_CONNECTED when sending before connect", () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    for (const peer of [a, b]) {
      expect(() => peer.send("too early")).to.throw(PeerError).with.property("code", "ERR_NOT_CONNECTED");
    }
  });

  it("throws a PeerError for a payload that is not string, Blob, ArrayBuffer or view", async () => {
    const { a } = await connectedPair();
    for (const bad of [42, { text: "hi" }, null, undefined]) {
      expect(() => a.send(bad as unknown as string))
        .to.throw(PeerError, /send\(\) takes a string, Blob, ArrayBuffer or ArrayBufferView/)
        .with.property("code", "ERR_DATA_CHANNEL");
    }
    expect(a.ready).to.equal(true);
  });
});
