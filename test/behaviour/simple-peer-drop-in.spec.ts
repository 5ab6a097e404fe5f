// rxpeer/simple-peer, two of them, on Node and in Chromium (where the Karma bundle is built
// for the browser with no Node polyfill): data both ways, the Duplex stream with
// backpressure, trickle off, negotiated channels, simple-peer's error and close order.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import SimplePeer, { type SimplePeerOptions } from "../../simple-peer/index.js";
import { Peer } from "../../src/index.js";
import { runtimeName, wrtc } from "#test-runtime";

const live: SimplePeer[] = [];
afterEach(() => {
  for (const peer of live.splice(0)) peer.destroy();
});

const runtime = (wrtc ?? globalThis) as SimplePeerOptions["wrtc"];

function makePeer(options: SimplePeerOptions = {}): SimplePeer {
  const peer = new SimplePeer({ wrtc: runtime, ...options });
  live.push(peer);
  return peer;
}

/** Two drop-ins wired to each other; counts each side's `signal` events. */
function makePair(a: SimplePeerOptions = {}, b: SimplePeerOptions = {}): { p1: SimplePeer; p2: SimplePeer; signals: { p1: number; p2: number } } {
  const p1 = makePeer({ initiator: true, ...a });
  const p2 = makePeer(b);
  const signals = { p1: 0, p2: 0 };
  p1.on("signal", (data: object) => (signals.p1++, !p2.destroyed && p2.signal(data)));
  p2.on("signal", (data: object) => (signals.p2++, !p1.destroyed && p1.signal(data)));
  return { p1, p2, signals };
}

function once<T extends unknown[]>(peer: SimplePeer, event: string): Promise<T> {
  return new Promise((resolve) => peer.once(event, (...args: T) => resolve(args)));
}

async function connectedPair(a: SimplePeerOptions = {}, b: SimplePeerOptions = {}): Promise<ReturnType<typeof makePair>> {
  const pair = makePair(a, b);
  await Promise.all([once(pair.p1, "connect"), once(pair.p2, "connect")]);
  return pair;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe("rxpeer/simple-peer", () => {
  it("connects, initiator first, and carries text and binary both ways as bytes (Buffer on Node)", async () => {
    const { p1, p2 } = makePair();
    const order: string[] = [];
    p1.once("connect", () => order.push("initiator"));
    p2.once("connect", () => order.push("answerer"));
    await Promise.all([once(p1, "connect"), once(p2, "connect")]);
    expect(order).to.deep.equal(["initiator", "answerer"]);
    expect([p1.connected, p2.connected, p1.initiator, p2.initiator]).to.deep.equal([true, true, true, false]);
    expect(p2.channelName).to.equal(p1.channelName);

    const atP2 = once<[Uint8Array]>(p2, "data");
    p1.send("sup p2");
    const [fromP1] = await atP2;
    expect(fromP1).to.be.instanceOf(Uint8Array);
    if (wrtc) expect((fromP1 as Buffer).toString()).to.equal("sup p2");
    expect(text(fromP1)).to.equal("sup p2");

    const atP1 = once<[Uint8Array]>(p1, "data");
    p2.send(new Uint8Array([0, 1, 2, 255]));
    expect([...(await atP1)[0]]).to.deep.equal([0, 1, 2, 255]);
  });

  it("listeners get simple-peer's arguments, typed without annotations", async () => {
    const { p1, p2 } = await connectedPair();
    const got = new Promise<number>((resolve) => p2.once("data", (data) => resolve(data.byteLength)));
    const states: string[] = [];
    p1.on("signalingStateChange", (state) => states.push(state));
    p1.send("four");
    expect(await got).to.equal(4);
    const negotiated = once(p1, "negotiated");
    p1.negotiate();
    await negotiated;
    // node-datachannel sets its offer inside the constructor (creating the channel), before any listener.
    expect(states).to.deep.equal(runtimeName === "node-datachannel" ? ["stable"] : ["have-local-offer", "stable"]);
  });

  it("objectMode: strings arrive as strings, binary as bytes", async () => {
    const { p1, p2 } = await connectedPair({ objectMode: true }, { objectMode: true });
    const atP2 = once<[unknown]>(p2, "data");
    p1.send("a string");
    expect((await atP2)[0]).to.equal("a string");
    const atP1 = once<[unknown]>(p1, "data");
    p2.send(new Uint8Array([7, 8]).buffer);
    const [bytes] = await atP1;
    expect(bytes).to.be.instanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).to.deep.equal([7, 8]);
  });

  it("the Duplex stream: write() returns false under load, drain follows, every byte arrives in order, end() closes both sides", async () => {
    const { p1, p2 } = await connectedPair();
    const chunk = 16 * 1024;
    const count = 256; // 4 MiB
    const received: Uint8Array[] = [];
    let bytes = 0;
    const all = new Promise<void>((resolve) =>
      p2.on("data", (data: Uint8Array) => {
        received.push(data);
        bytes += data.byteLength;
        if (bytes === chunk * count) resolve();
      }),
    );
    let refused = 0;
    let drains = 0;
    p1.on("drain", () => drains++);
    for (let i = 0; i < count; i++) {
      const data = new Uint8Array(chunk).fill(i & 0xff);
      if (!p1.write(data)) {
        refused++;
        await once(p1, "drain");
      }
    }
    await all;
    expect(refused).to.be.greaterThan(0);
    expect(drains).to.equal(refused);
    expect(received.map((data) => data[0])).to.deep.equal(Array.from({ length: count }, (_, i) => i & 0xff));

    const closed = Promise.all([once(p1, "close"), once(p2, "close"), once(p1, "finish"), once(p2, "end")]);
    p1.end();
    await closed;
    expect(p1._writableState.finished).to.equal(true);
    expect(p2._readableState.ended).to.equal(true);
  });

  it("writes before connect wait for it; messages that arrive before a data listener are held for it", async () => {
    const { p1, p2 } = makePair();
    const written = new Promise<void>((resolve) => p1.write("early", () => resolve()));
    await Promise.all([once(p1, "connect"), once(p2, "connect"), written]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [first] = await once<[Uint8Array]>(p2, "data");
    expect(text(first)).to.equal("early");
  });

  it("trickle: false sends one signal each way, and connects", async () => {
    const { p1, p2, signals } = await connectedPair({ trickle: false }, { trickle: false });
    expect(signals).to.deep.equal({ p1: 1, p2: 1 });
    const atP2 = once<[Uint8Array]>(p2, "data");
    p1.send("no trickle");
    expect(text((await atP2)[0])).to.equal("no trickle");
  });

  it("negotiated channels connect on both sides", async () => {
    const channelConfig = { negotiated: true, id: 3 };
    const { p1, p2 } = await connectedPair({ channelConfig }, { channelConfig });
    expect(p2.rx.channel?.id).to.equal(3);
    const atP1 = once<[Uint8Array]>(p1, "data");
    p2.send("negotiated");
    expect(text((await atP1)[0])).to.equal("negotiated");
  });

  it("peer.rx is the Peer underneath: its Observables see the same traffic", async () => {
    const { p1, p2 } = await connectedPair();
    expect(p2.rx).to.be.instanceOf(Peer);
    const viaRx = firstValueFrom(p2.rx.data$);
    p1.send("both");
    expect(await viaRx).to.equal("both");
  });

  it("a signal it cannot use: error ERR_SIGNALING, then close, then signal() throws ERR_DESTROYED", async () => {
    const peer = makePeer();
    const events: string[] = [];
    peer.on("error", (error: Error & { code?: string }) => events.push(`error ${error.code}`));
    const closed = once(peer, "close").then(() => events.push("close"));
    peer.signal({ type: "offer", sdp: "not sdp" });
    await closed;
    expect(events).to.deep.equal(["error ERR_SIGNALING", "close"]);
    expect(peer.destroyed).to.equal(true);
    expect(() => peer.signal({ renegotiate: true })).to.throw().with.property("code", "ERR_DESTROYED");
  });

  it("destroy(err): error then close, in a microtask; methods are silent meanwhile", async () => {
    const peer = makePeer({ initiator: true });
    const events: string[] = [];
    peer.on("error", (error: Error) => events.push(error.message));
    peer.on("close", () => events.push("close"));
    peer.destroy(Object.assign(new Error("mine"), { code: "ERR_MINE" }));
    expect(peer.destroying).to.equal(true);
    expect(() => peer.send("while destroying")).to.not.throw();
    await once(peer, "close");
    expect(events).to.deep.equal(["mine", "close"]);
  });

  it("no WebRTC implementation throws ERR_WEBRTC_SUPPORT; one that cannot create a connection is an error event ERR_PC_CONSTRUCTOR", async () => {
    if (!wrtc) {
      // A browser has its own: the class says so, and needs no wrtc option.
      expect(SimplePeer.WEBRTC_SUPPORT).to.equal(true);
      return;
    }
    expect(() => new SimplePeer()).to.throw().with.property("code", "ERR_WEBRTC_SUPPORT");
    const peer = new SimplePeer({ wrtc: { RTCPeerConnection: null } });
    const [error] = await once<[Error & { code?: string }]>(peer, "error");
    expect(error.code).to.equal("ERR_PC_CONSTRUCTOR");
    expect(SimplePeer.WEBRTC_SUPPORT).to.equal(false);
  });
});
