// sendTo(): backpressure against stand-in channels whose queue we control (polled like
// @roamhq/wrtc, or firing bufferedamountlow like Chromium), then closing and
// unsubscribing on real peers.
import { expect } from "chai";
import { BehaviorSubject, Subject, filter, firstValueFrom, from, interval, lastValueFrom, of, range, map, tap, toArray, type Subscription } from "rxjs";
import { PeerError } from "../../src/index.js";
import type { PeerData } from "../../src/types.js";
import { chunk, sendTo, type SendChannel, type SendTarget } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";
import { patternBytes } from "../support/bytes.js";

const KiB = 1024;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A channel queue that drains only when told; counts reads of bufferedAmount. */
class PolledChannel implements SendChannel {
  queued = 0;
  reads = 0;
  get bufferedAmount(): number {
    this.reads++;
    return this.queued;
  }
  drain(bytes: number): void {
    this.queued = Math.max(0, this.queued - bytes);
  }
  addEventListener(): void {
    throw new Error("a polled channel has no bufferedamountlow");
  }
  removeEventListener(): void {}
}

/** A channel like Chromium's: has bufferedAmountLowThreshold and fires bufferedamountlow. */
class EventedChannel extends EventTarget implements SendChannel {
  queued = 0;
  bufferedAmountLowThreshold = 0;
  get bufferedAmount(): number {
    return this.queued;
  }
  drain(bytes: number): void {
    const before = this.queued;
    this.queued = Math.max(0, this.queued - bytes);
    if (before > this.bufferedAmountLowThreshold && this.queued <= this.bufferedAmountLowThreshold) this.dispatchEvent(new Event("bufferedamountlow"));
  }
}

class FakePeer implements SendTarget {
  readonly connected$ = new BehaviorSubject(false);
  readonly close$ = new Subject<void>();
  destroyed = false;
  sent: PeerData[] = [];
  maxQueued = 0;
  connection = { sctp: { maxMessageSize: 256 * KiB } };
  constructor(readonly channel: PolledChannel | EventedChannel) {}
  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.destroyed) throw new PeerError("ERR_NOT_CONNECTED", "cannot send: the peer is not connected");
    this.sent.push(data);
    this.channel.queued += typeof data === "string" ? new TextEncoder().encode(data).byteLength : data.byteLength;
    this.maxQueued = Math.max(this.maxQueued, this.channel.queued);
  }
  close(): void {
    this.destroyed = true;
    this.connected$.next(false);
    this.close$.next();
    this.close$.complete();
  }
}

const messages = (count: number, size: number) => range(0, count).pipe(map((i) => new Uint8Array(size).fill(i % 256)));

describe("sendTo", () => {
  it("waits for the connection, sends in order, emits running totals and completes after the last send", async () => {
    const peer = new FakePeer(new PolledChannel());
    const totals: number[] = [];
    let done = false;
    from(["a", "bb", "é😀"]).pipe(sendTo(peer)).subscribe({ next: (t) => totals.push(t), complete: () => (done = true) });
    expect(peer.sent).to.deep.equal([]);
    expect(done).to.equal(false);
    peer.connected$.next(true);
    expect(peer.sent).to.deep.equal(["a", "bb", "é😀"]);
    expect(totals).to.deep.equal([1, 3, 9]); // "é😀" is 2 + 4 bytes of UTF-8
    expect(done).to.equal(true);
  });

  it("never lets a polled queue pass highWaterMark, and pauses until it is down to lowWaterMark", async () => {
    const channel = new PolledChannel();
    const peer = new FakePeer(channel);
    peer.connected$.next(true);
    const drainer = setInterval(() => channel.drain(48 * KiB), 1);
    try {
      const totals = await lastValueFrom(messages(200, 16 * KiB).pipe(sendTo(peer, { highWaterMark: 64 * KiB, lowWaterMark: 16 * KiB })));
      expect(totals).to.equal(200 * 16 * KiB);
      expect(peer.sent.length).to.equal(200);
      expect(peer.maxQueued).to.be.at.most(64 * KiB);
      expect(peer.sent.map((m) => (m as Uint8Array)[0])).to.deep.equal(Array.from({ length: 200 }, (_, i) => i % 256));
    } finally {
      clearInterval(drainer);
    }
  });

  it("reads bufferedAmount once per budget of bytes, not once per message", async () => {
    const channel = new PolledChannel();
    const peer = new FakePeer(channel);
    peer.connected$.next(true);
    const drainer = setInterval(() => channel.drain(Infinity), 1);
    try {
      await lastValueFrom(messages(1000, KiB).pipe(sendTo(peer, { highWaterMark: 64 * KiB, lowWaterMark: 16 * KiB })));
      expect(peer.sent.length).to.equal(1000);
      // 1000 KiB in budgets of at least 48 KiB: about 21 reads, plus polls while waiting.
      expect(channel.reads).to.be.below(100);
    } finally {
      clearInterval(drainer);
    }
  });

  it("keeps a polled channel fed while a source pushes synchronously, never past highWaterMark", () => {
    // The runtime's own thread drains the queue while the JS thread is held by a synchronous
    // source (chunk() framing a large message); the drain wait's timer cannot fire until it returns.
    const channel = new PolledChannel();
    const peer = new FakePeer(channel);
    peer.connected$.next(true);
    function* burst(): Generator<Uint8Array> {
      for (let i = 0; i < 200; i++) {
        if (i % 8 === 7) channel.drain(Infinity);
        yield new Uint8Array(16 * KiB).fill(i % 256);
      }
    }
    let done = false;
    from(burst())
      .pipe(sendTo(peer, { highWaterMark: 64 * KiB, lowWaterMark: 16 * KiB }))
      .subscribe({ complete: () => (done = true) });
    // Each drain makes room for 4 more (64 KiB): about 100 of 200 out before the burst ends.
    // Without looking again during the burst, only the first 4 would be.
    expect(peer.sent.length, `sent ${peer.sent.length}`).to.be.above(90);
    expect(peer.maxQueued).to.be.at.most(64 * KiB);
    expect(peer.sent.map((m) => (m as Uint8Array)[0])).to.deep.equal(Array.from({ length: peer.sent.length }, (_, i) => i % 256));
    channel.drain(Infinity);
    // The rest goes at the next look, which the drain wait's poll makes.
    expect(done).to.equal(false);
  });

  it("resumes on bufferedamountlow where the channel fires it, with the threshold set to lowWaterMark", async () => {
    const channel = new EventedChannel();
    const peer = new FakePeer(channel);
    peer.connected$.next(true);
    let done = false;
    messages(10, 16 * KiB)
      .pipe(sendTo(peer, { highWaterMark: 64 * KiB, lowWaterMark: 16 * KiB }))
      .subscribe({ complete: () => (done = true) });
    expect(peer.sent.length).to.equal(4); // 64 KiB queued: full
    expect(channel.bufferedAmountLowThreshold).to.equal(16 * KiB);
    channel.drain(40 * KiB); // 24 KiB left: above low, no event
    expect(peer.sent.length).to.equal(4);
    channel.drain(8 * KiB); // 16 KiB: the event fires and sending resumes at once, not at the next poll
    expect(peer.sent.length).to.equal(7);
    channel.drain(Infinity);
    expect(peer.sent.length).to.equal(10);
    expect(done).to.equal(true);
  });

  it("defaults to 64 KiB where bufferedamountlow fires and 1 MiB where it must poll", () => {
    const evented = new FakePeer(new EventedChannel());
    const polled = new FakePeer(new PolledChannel());
    for (const peer of [evented, polled]) {
      peer.connected$.next(true);
      messages(100, 16 * KiB).pipe(sendTo(peer)).subscribe({ error: () => undefined });
    }
    expect(evented.maxQueued).to.equal(64 * KiB);
    expect(polled.maxQueued).to.equal(1024 * KiB);
    evented.close();
    polled.close();
  });

  it("sends a Blob in its turn, as bytes", async () => {
    const peer = new FakePeer(new PolledChannel());
    peer.connected$.next(true);
    const blob = new Blob([new Uint8Array([1, 2, 3])]);
    const totals = await lastValueFrom(from<PeerData[]>(["first", blob, "last"]).pipe(sendTo(peer), toArray()));
    expect(totals).to.deep.equal([5, 8, 12]);
    expect(peer.sent[0]).to.equal("first");
    expect(Array.from(new Uint8Array(peer.sent[1] as ArrayBuffer))).to.deep.equal([1, 2, 3]);
    expect(peer.sent[2]).to.equal("last");
  });

  it("pauses while connected$ is false", () => {
    const peer = new FakePeer(new PolledChannel());
    const source = new Subject<string>();
    source.pipe(sendTo(peer)).subscribe();
    peer.connected$.next(true);
    source.next("a");
    peer.connected$.next(false);
    source.next("b");
    expect(peer.sent).to.deep.equal(["a"]);
    peer.connected$.next(true);
    expect(peer.sent).to.deep.equal(["a", "b"]);
  });

  it("errors ERR_PEER_CLOSED when the peer closes first, or is closed already", async () => {
    const peer = new FakePeer(new PolledChannel());
    const pending = lastValueFrom(of("never sent").pipe(sendTo(peer)));
    peer.close();
    const error = await pending.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(PeerError);
    expect((error as PeerError).code).to.equal("ERR_PEER_CLOSED");
    const late = await lastValueFrom(of("x").pipe(sendTo(peer))).catch((e: unknown) => e);
    expect((late as PeerError).code).to.equal("ERR_PEER_CLOSED");
  });

  it("errors ERR_FRAME_TOO_LARGE for a message over the connection's maxMessageSize", async () => {
    const peer = new FakePeer(new PolledChannel());
    peer.connected$.next(true);
    const error = await lastValueFrom(of(new Uint8Array(256 * KiB + 1)).pipe(sendTo(peer))).catch((e: unknown) => e);
    expect((error as PeerError).code).to.equal("ERR_FRAME_TOO_LARGE");
    expect(peer.sent).to.deep.equal([]);
  });

  for (const [label, value, named] of [
    ["undefined", undefined, /got undefined/],
    ["a number", 42, /got number/],
    ["a plain object", { text: "hi" }, /got an object/],
    ["null", null, /got null/],
  ] as const) {
    it(`errors ERR_DATA_CHANNEL (as peer.send does) at once on ${label}, naming it, even before the peer is connected`, () => {
      const peer = new FakePeer(new PolledChannel()); // not connected: nothing would be sent yet
      let error: unknown;
      let pulledAfter = 0;
      from(["before", value, "after"] as unknown as PeerData[])
        .pipe(
          tap((v) => (pulledAfter += v === "after" ? 1 : 0)),
          sendTo(peer),
        )
        .subscribe({ error: (e: unknown) => (error = e) });
      expect(error).to.be.instanceOf(PeerError);
      expect((error as PeerError).code).to.equal("ERR_DATA_CHANNEL");
      expect((error as PeerError).message).to.match(named);
      expect(pulledAfter, "values pulled after the bad one").to.equal(0);
      expect(peer.sent).to.deep.equal([]);
      expect(peer.connected$.observed, "still listening to connected$").to.equal(false);
    });
  }

  it("errors once with what a throwing send threw, and pulls nothing more from the source", () => {
    const peer = new FakePeer(new PolledChannel());
    peer.connected$.next(true);
    const broken = new Error("send broke");
    peer.send = () => {
      throw broken;
    };
    const errors: unknown[] = [];
    let pulled = 0;
    range(0, 100)
      .pipe(
        tap(() => pulled++),
        map((i) => `message ${i}`),
        sendTo(peer),
      )
      .subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors).to.deep.equal([broken]);
    expect(pulled).to.equal(1);
  });

  it("passes a source error through", async () => {
    const peer = new FakePeer(new PolledChannel());
    const source = new Subject<string>();
    const result = lastValueFrom(source.pipe(sendTo(peer)));
    source.error(new Error("source broke"));
    expect(((await result.catch((e: unknown) => e)) as Error).message).to.equal("source broke");
  });

  it("stops sending, polling and listening when unsubscribed", async () => {
    const channel = new PolledChannel();
    const peer = new FakePeer(channel);
    peer.connected$.next(true);
    const subscription: Subscription = messages(100, 16 * KiB).pipe(sendTo(peer, { highWaterMark: 64 * KiB })).subscribe();
    expect(peer.sent.length).to.equal(4);
    subscription.unsubscribe();
    const reads = channel.reads;
    channel.drain(Infinity);
    await sleep(10);
    expect(peer.sent.length).to.equal(4);
    expect(channel.reads).to.equal(reads);
    expect(peer.close$.observed).to.equal(false);
    expect(peer.connected$.observed).to.equal(false);
  });

  it("refuses watermarks that make no sense", () => {
    const peer = new FakePeer(new PolledChannel());
    expect(() => sendTo(peer, { highWaterMark: -1 })).to.throw(RangeError);
    expect(() => sendTo(peer, { highWaterMark: 10, lowWaterMark: 20 })).to.throw(RangeError);
  });

  describe("on real peers", () => {
    it("errors ERR_PEER_CLOSED when the peer is destroyed mid-transfer", async () => {
      const { a } = await connectedPair();
      let total = 0;
      const result = new Promise<unknown>((resolve) =>
        of(patternBytes(16 * 1024 * KiB, 1))
          .pipe(chunk(), sendTo(a, { highWaterMark: 256 * KiB }))
          .subscribe({
            next: (sent) => {
              total = sent;
              // Destroy as soon as the first bytes are out: the transfer is then surely unfinished.
              if (!a.destroyed) a.destroy();
            },
            complete: () => resolve("complete"),
            error: resolve,
          }),
      );
      const error = await result;
      expect(total).to.be.above(0).and.below(16 * 1024 * KiB);
      expect(error).to.be.instanceOf(PeerError);
      expect((error as PeerError).code).to.equal("ERR_PEER_CLOSED");
    });

    it("stops sending when unsubscribed", async () => {
      const { a, b } = await connectedPair();
      let frames = 0;
      const sentinel = firstValueFrom(b.data$.pipe(filter((message) => {
        if (typeof message !== "string") frames++;
        return message === "end";
      })));
      sentinel.catch(() => undefined); // awaited below; a failure before then must not leave it unhandled
      // A message a task, endless: however fast the channel drains, the unsubscribe (a microtask
      // after the 512 KiB mark) comes before the next message. (One large synchronous message
      // could go out whole in one turn when the channel keeps up, before any microtask ran.)
      let sends = 0;
      let total = 0;
      const stopped = new Promise<void>((resolve) => {
        const subscription: Subscription = interval(0)
          .pipe(map(() => patternBytes(64 * KiB, 2)), chunk(), sendTo(a, { highWaterMark: 128 * KiB }))
          .subscribe((sent) => {
            sends++;
            total = sent;
            if (sent >= 512 * KiB) {
              // Unsubscribe from outside sendTo's own call stack, as an application would.
              queueMicrotask(() => {
                subscription.unsubscribe();
                resolve();
              });
            }
          });
      });
      await stopped;
      const [atUnsubscribe, sendsAtUnsubscribe] = [total, sends];
      expect(atUnsubscribe).to.be.at.least(512 * KiB);
      // The channel is ordered: once "end" arrives, everything sent before it has arrived.
      await new Promise((resolve) => setTimeout(resolve, 5)); // a few of interval's turns, had it gone on
      a.send("end");
      await sentinel;
      expect(total).to.equal(atUnsubscribe);
      expect(frames).to.equal(sendsAtUnsubscribe);
    });

    it("waits for a real connection before sending", async () => {
      const { a, b } = await connectedPair();
      const received = firstValueFrom(b.data$);
      await lastValueFrom(of("hello").pipe(sendTo(a)));
      expect(await received).to.equal("hello");
    });
  });
});
