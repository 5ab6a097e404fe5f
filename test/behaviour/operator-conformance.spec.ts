// Every operator of rxpeer/operators held to what RxJS's own operator specs check
// (spec/operators/*-spec.ts in ReactiveX/rxjs): it stops listening to a synchronous source
// as soon as its output ends (take(1), an error, explicit unsubscription), it does not break
// unsubscription chains, it passes errors and completion on once, it lets go of what it set
// up, and it keeps its order when a consumer feeds the source from inside the output.
// Operators that need a peer run on a real connected pair (both runtimes); the pure ones
// also get RxJS's marble version of the unsubscription-chain check.
import { expect } from "chai";
import {
  BehaviorSubject,
  NEVER,
  Observable,
  Subject,
  Subscription,
  concat,
  defer,
  filter,
  finalize,
  firstValueFrom,
  from,
  map,
  mergeMap,
  of,
  take,
  throwError,
  toArray,
  type OperatorFunction,
} from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { PeerError, linkPeers, type Peer, type PeerErrorCode, type SignalData } from "../../src/index.js";
import {
  bufferUntilConnected,
  chunk,
  connectSignaling,
  dechunk,
  deserialize,
  retryBackoff,
  sendTo,
  serialize,
  toSimplePeerSignal,
  type SendTarget,
  type SignalingPeer,
} from "../../operators/index.js";
import { connectedPair, makePeer } from "../support/peers.js";

/** Live subscriptions to an Observable, counted by wrapping it. */
class Tally {
  active = 0;
  subscribed = 0;
  of<T>(source: Observable<T>): Observable<T> {
    return defer(() => {
      this.active++;
      this.subscribed++;
      return source.pipe(finalize(() => this.active--));
    });
  }
}

/** What one operator is fed, and how to look inside it. */
interface Setup<I, O> {
  op: OperatorFunction<I, O>;
  /** The i-th value fed in; each makes at least one output value at once. */
  input(i: number): I;
  /** Subscriptions it holds to anything but its source (a peer's connected$, close$), counted. */
  held?: Tally;
  /** Outputs made comparable across subscriptions (chunk()'s frames carry a random stream id). */
  normalize?(outputs: O[]): unknown;
}

interface Case {
  name: string;
  /** A value the operator refuses, and the code it refuses it with (none for pass-through operators). */
  bad?: { value: unknown; code: PeerErrorCode };
  setup(): Promise<Setup<unknown, unknown>>;
}

/** A SendTarget that is `peer`, with its connected$ and close$ subscriptions counted. */
function countedTarget(peer: Peer, held: Tally): SendTarget {
  const connected$ = held.of(peer.connected$);
  const close$ = held.of(peer.close$);
  return {
    connected$,
    close$,
    get destroyed() {
      return peer.destroyed;
    },
    get channel() {
      return peer.channel;
    },
    get connection() {
      return peer.connection;
    },
    send: (data) => peer.send(data),
  };
}

/** One frame per message: the frames of "m0", "m1", ... from one chunk() stream. */
function singleFrames(count: number): ArrayBuffer[] {
  let frames: ArrayBuffer[] = [];
  from(Array.from({ length: count }, (_, i) => `m${i}`))
    .pipe(chunk(), toArray())
    .subscribe((all) => (frames = all));
  return frames;
}

/** A frame's place in its stream: (seq, index, size), without the random stream id. */
const framePlace = (frame: unknown): string => {
  const view = new DataView(frame as ArrayBuffer);
  return `${view.getUint32(8)}/${view.getUint32(12)}/${view.byteLength}`;
};

/** `count` batch frames of `perFrame` messages each, from one chunk({ batch: true }) stream. */
function batchFrames(count: number, perFrame: number): ArrayBuffer[] {
  let frames: ArrayBuffer[] = [];
  from(Array.from({ length: count * perFrame }, (_, i) => batchInput(i)))
    .pipe(chunk({ batch: true, chunkSize: BATCH_CHUNK_SIZE(perFrame) }), toArray())
    .subscribe((all) => (frames = all));
  return frames;
}

/** A chunkSize whose batch frames hold exactly `perFrame` 20-byte messages (16-byte header, 5 bytes before each message). */
const BATCH_CHUNK_SIZE = (perFrame: number): number => 16 + perFrame * 25;
/** The i-th 20-byte message of the batching cases. */
const batchInput = (i: number): string => `message ${String(i).padStart(12, "0")}`;

const signals: Extract<SignalData, { type: "candidate" }>[] = Array.from({ length: 60 }, (_, i) => ({ type: "candidate", data: { candidate: `candidate:${i} 1 udp 1 127.0.0.1 ${9000 + i} typ host`, sdpMid: "0", sdpMLineIndex: 0 } }));
const FRAMES = singleFrames(60);
const BATCHES = batchFrames(60, 3);

const cases: Case[] = [
  {
    name: "chunk",
    bad: { value: 5, code: "ERR_FRAME_INVALID" },
    setup: async () => ({
      op: chunk({ chunkSize: 40 }) as OperatorFunction<unknown, unknown>, // 8 payload bytes a frame: "message 10" is 2 frames
      input: (i) => `message ${i}`,
      normalize: (frames) => frames.map(framePlace),
    }),
  },
  {
    // Each message fills a batch frame, so it goes out at once: the end-of-task flush is checked below.
    name: "chunk({ batch: true }), one message per full frame",
    bad: { value: 5, code: "ERR_FRAME_INVALID" },
    setup: async () => ({
      op: chunk({ batch: true, chunkSize: BATCH_CHUNK_SIZE(1) }) as OperatorFunction<unknown, unknown>,
      input: batchInput,
      normalize: (frames) => frames.map(framePlace),
    }),
  },
  {
    name: "dechunk of batch frames",
    bad: { value: "not a frame", code: "ERR_FRAME_INVALID" },
    setup: async () => ({
      op: dechunk() as OperatorFunction<unknown, unknown>,
      input: (i) => BATCHES[i],
    }),
  },
  {
    name: "dechunk",
    bad: { value: "not a frame", code: "ERR_FRAME_INVALID" },
    setup: async () => ({
      op: dechunk() as OperatorFunction<unknown, unknown>,
      input: (i) => FRAMES[i],
    }),
  },
  {
    name: "sendTo (real peers)",
    bad: { value: undefined, code: "ERR_DATA_CHANNEL" },
    setup: async () => {
      const { a } = await connectedPair();
      const held = new Tally();
      return { op: sendTo(countedTarget(a, held)) as OperatorFunction<unknown, unknown>, input: (i) => `message ${i}`, held };
    },
  },
  {
    name: "bufferUntilConnected (real peers)",
    setup: async () => {
      const { a } = await connectedPair();
      const held = new Tally();
      return { op: bufferUntilConnected({ connected$: held.of(a.connected$) }), input: (i) => i, held };
    },
  },
  {
    name: "retryBackoff",
    setup: async () => ({ op: retryBackoff({ initialDelay: 0, maxRetries: 2 }), input: (i) => i }),
  },
  {
    name: "serialize",
    bad: { value: undefined, code: "ERR_FRAME_INVALID" },
    setup: async () => ({ op: serialize(), input: (i) => ({ i }) }),
  },
  {
    name: "deserialize",
    bad: { value: "oops", code: "ERR_FRAME_INVALID" },
    setup: async () => ({ op: deserialize() as OperatorFunction<unknown, unknown>, input: (i) => `{"i":${i}}` }),
  },
  {
    name: "toSimplePeerSignal",
    setup: async () => ({ op: toSimplePeerSignal() as OperatorFunction<unknown, unknown>, input: (i) => signals[i] }),
  },
];

const describeValue = (value: unknown): string => (typeof value === "string" ? `the string "${value}"` : String(value));

/** A synchronous source of `count` values that checks `closed` before each, as `from()` does; counts what it made. */
class SyncSource {
  produced = 0;
  subscriptions = 0;
  finalized = 0;
  constructor(
    readonly value: (i: number) => unknown,
    readonly count = 50,
  ) {}
  readonly observable = new Observable<unknown>((subscriber) => {
    this.subscriptions++;
    for (let i = 0; i < this.count && !subscriber.closed; i++) {
      this.produced++;
      subscriber.next(this.value(i));
    }
    subscriber.complete();
    return () => this.finalized++;
  });
}

/** How an output ended, and everything it emitted. */
interface Ending {
  values: unknown[];
  errors: unknown[];
  completions: number;
}

/** Subscribes and resolves once the output has ended (errored or completed), then one task later, to catch a second end. */
function run(output: Observable<unknown>): Promise<Ending> {
  const ending: Ending = { values: [], errors: [], completions: 0 };
  return new Promise((resolve) => {
    const settle = (): void => void setTimeout(() => resolve(ending), 0);
    output.subscribe({
      next: (value) => ending.values.push(value),
      error: (err: unknown) => {
        ending.errors.push(err);
        settle();
      },
      complete: () => {
        ending.completions++;
        settle();
      },
    });
  });
}

/** An observer that unsubscribes itself from inside its first value, as a hostile consumer would. */
class UnsubscribesOnFirst extends Subscription {
  values = 0;
  next(): void {
    this.values++;
    this.unsubscribe();
  }
  error(): void {}
  complete(): void {}
}

describe("operator conformance (RxJS operator semantics)", () => {
  for (const { name, bad, setup } of cases) {
    describe(name, () => {
      it("stops listening to a synchronous source at take(1)", async () => {
        const { op, input, held } = await setup();
        const source = new SyncSource(input);
        const ending = await run(source.observable.pipe(op, take(1)));
        expect(ending.values).to.have.length(1);
        expect(ending.completions).to.equal(1);
        expect(source.produced, "values the source made").to.equal(1);
        expect(source.finalized).to.equal(1);
        expect(held?.active ?? 0, "subscriptions still held").to.equal(0);
      });

      it("stops listening to a synchronous source when unsubscribed from inside its first value", async () => {
        const { op, input, held } = await setup();
        const source = new SyncSource(input);
        const consumer = new UnsubscribesOnFirst();
        source.observable.pipe(op).subscribe(consumer);
        expect(consumer.values).to.equal(1);
        expect(source.produced, "values the source made").to.equal(1);
        expect(source.finalized).to.equal(1);
        expect(held?.active ?? 0, "subscriptions still held").to.equal(0);
      });

      // A pass-through operator refuses nothing; how it passes an error on is checked below.
      if (bad) it(`stops listening to a synchronous source when ${describeValue(bad.value)} makes it error, and errors once`, async () => {
        const { op, input, held } = await setup();
        const source = new SyncSource((i) => (i === 2 ? bad.value : input(i)));
        const ending = await run(source.observable.pipe(op));
        expect(ending.errors).to.have.length(1);
        expect(ending.completions).to.equal(0);
        expect(ending.errors[0]).to.be.instanceOf(PeerError);
        expect((ending.errors[0] as PeerError).code).to.equal(bad.code);
        expect(source.produced, "values the source made").to.equal(3);
        expect(source.finalized).to.equal(1);
        expect(held?.active ?? 0, "subscriptions still held").to.equal(0);
      });

      it("completes once, after the source, and lets go of everything", async () => {
        const { op, input, held } = await setup();
        const source = new SyncSource(input, 5);
        const ending = await run(source.observable.pipe(op));
        expect(ending.errors).to.deep.equal([]);
        expect(ending.completions).to.equal(1);
        expect(ending.values.length).to.be.at.least(5);
        expect(source.produced).to.equal(5);
        expect(source.finalized).to.equal(1);
        expect(held?.active ?? 0, "subscriptions still held").to.equal(0);
      });

      it("passes a source error on once, and finalizes every subscription it made", async () => {
        const { op, input, held } = await setup();
        const boom = new Error("boom");
        const tally = new Tally();
        const source = tally.of(concat(of(input(0)), throwError(() => boom)));
        const ending = await run(source.pipe(op));
        expect(ending.errors).to.deep.equal([boom]);
        expect(ending.completions).to.equal(0);
        expect(tally.subscribed).to.be.at.least(1);
        expect(tally.active, "source subscriptions left").to.equal(0);
        expect(held?.active ?? 0, "subscriptions still held").to.equal(0);
      });

      it("does not break unsubscription chains (mergeMap on both sides)", async () => {
        const { op, input, held } = await setup();
        const source = new Subject<unknown>();
        const seen: unknown[] = [];
        const subscription = source
          .pipe(
            mergeMap((x) => of(x)),
            op,
            mergeMap((x) => of(x)),
          )
          .subscribe((value) => seen.push(value));
        source.next(input(0));
        expect(seen.length).to.be.at.least(1);
        subscription.unsubscribe();
        expect(source.observed, "the source is still listened to").to.equal(false);
        expect(held?.active ?? 0, "subscriptions still held").to.equal(0);
      });

      it("keeps its order when the source is fed from inside its output", async () => {
        const { op, input, normalize = (values) => values } = await setup();
        const count = 6;
        const inputs = Array.from({ length: count }, (_, i) => input(i));
        const expected = normalize((await run(from(inputs).pipe(op))).values);
        const source = new Subject<unknown>();
        let fed = 1;
        const outputs: unknown[] = [];
        const ended = new Promise<void>((resolve, reject) => {
          source.pipe(op).subscribe({
            next: (value) => {
              outputs.push(value);
              // Feeds the next value (or completes) from inside this emission.
              if (fed < count) source.next(inputs[fed++]);
              else if (fed++ === count) source.complete();
            },
            error: reject,
            complete: resolve,
          });
        });
        source.next(inputs[0]);
        await ended;
        expect(normalize(outputs)).to.deep.equal(expected);
      });
    });
  }

  describe("sendTo on real peers, fed from inside its output", () => {
    it("delivers every message, in order, without passing highWaterMark", async () => {
      const { a, b } = await connectedPair();
      const count = 200;
      const received = firstValueFrom(b.data$.pipe(take(count), toArray()));
      const source = new Subject<string>();
      let fed = 1;
      let deepest = 0;
      const highWaterMark = 4096;
      const done = new Promise<void>((resolve, reject) => {
        source.pipe(sendTo(a, { highWaterMark })).subscribe({
          next: () => {
            deepest = Math.max(deepest, a.channel?.bufferedAmount ?? 0);
            if (fed < count) source.next(`${fed++}`.padStart(100, "."));
            else if (fed++ === count) source.complete();
          },
          error: reject,
          complete: resolve,
        });
      });
      source.next("0".padStart(100, "."));
      await done;
      const texts = (await received) as string[];
      expect(texts.map((text) => Number(text.replace(/^\.+/, "")))).to.deep.equal(Array.from({ length: count }, (_, i) => i));
      // One message may go in on top of a queue at the mark.
      expect(deepest).to.be.at.most(highWaterMark + 100);
    });
  });

  describe("chunk({ batch: true }), several messages per frame", () => {
    const perFrame = 5;
    const batching = (): OperatorFunction<unknown, ArrayBuffer> => chunk({ batch: true, chunkSize: BATCH_CHUNK_SIZE(perFrame) }) as OperatorFunction<unknown, ArrayBuffer>;
    /** Messages in a batch frame (its count field). */
    const messagesIn = (frame: unknown): number => new DataView(frame as ArrayBuffer).getUint32(12);
    const endOfTask = (): Promise<void> => new Promise((resolve) => queueMicrotask(resolve));

    it("stops listening to a synchronous source at take(1), once the first frame is full", async () => {
      const source = new SyncSource(batchInput);
      const ending = await run(source.observable.pipe(batching(), take(1)));
      expect(ending.values.map(messagesIn)).to.deep.equal([perFrame]);
      expect(ending.completions).to.equal(1);
      expect(source.produced, "values the source made").to.equal(perFrame);
      expect(source.finalized).to.equal(1);
    });

    it("stops listening to a synchronous source when unsubscribed from inside its first value", () => {
      const source = new SyncSource(batchInput);
      const consumer = new UnsubscribesOnFirst();
      source.observable.pipe(batching()).subscribe(consumer);
      expect(consumer.values).to.equal(1);
      expect(source.produced, "values the source made").to.equal(perFrame);
      expect(source.finalized).to.equal(1);
    });

    it("flushes a part-filled frame at the end of the task, and take(1) then lets go of the source", async () => {
      const source = new Subject<string>();
      const frames: ArrayBuffer[] = [];
      source.pipe(batching(), take(1)).subscribe((frame) => frames.push(frame));
      source.next(batchInput(0));
      source.next(batchInput(1));
      expect(frames, "held until the task ends").to.have.length(0);
      await endOfTask();
      expect(frames.map(messagesIn)).to.deep.equal([2]);
      expect(source.observed, "the source is still listened to").to.equal(false);
    });

    it("emits nothing at the end of the task once unsubscribed", async () => {
      const source = new Subject<string>();
      const seen: unknown[] = [];
      const subscription = source.pipe(batching()).subscribe({ next: (frame) => seen.push(frame), error: (err: unknown) => seen.push(err), complete: () => seen.push("complete") });
      source.next(batchInput(0));
      subscription.unsubscribe();
      await endOfTask();
      expect(seen).to.deep.equal([]);
      expect(source.observed).to.equal(false);
    });

    it("passes a source error on once, dropping the part-filled frame", async () => {
      const boom = new Error("boom");
      const tally = new Tally();
      const ending = await run(tally.of(concat(of(batchInput(0), batchInput(1)), throwError(() => boom))).pipe(batching()));
      expect(ending.values).to.deep.equal([]);
      expect(ending.errors).to.deep.equal([boom]);
      expect(tally.active, "source subscriptions left").to.equal(0);
    });

    it("flushes the part-filled frame when the source completes, then completes once", () => {
      const source = new SyncSource(batchInput, perFrame + 2);
      const frames: unknown[] = [];
      let completions = 0;
      source.observable.pipe(batching()).subscribe({ next: (frame) => frames.push(frame), complete: () => completions++ });
      expect(frames.map(messagesIn)).to.deep.equal([perFrame, 2]);
      expect(completions).to.equal(1);
    });

    it("keeps its order when the source is fed from inside its output", async () => {
      const count = 23;
      // Sizes that do not add up to a full frame, so frames are also cut when the next message does not fit.
      const inputs = Array.from({ length: count }, (_, i) => (i % 11 === 10 ? "x".repeat(300) : batchInput(i).slice(0, 8 + (i % 3) * 6)));
      const source = new Subject<string>();
      let fed = 0;
      const frames: ArrayBuffer[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        source.pipe(batching()).subscribe({
          next: (frame) => {
            frames.push(frame);
            // Feeds two more (or completes) from inside this emission.
            for (let k = 0; k < 2; k++) if (fed < count) source.next(inputs[fed++] ?? "");
            if (fed === count) source.complete();
          },
          error: reject,
          complete: resolve,
        });
      });
      // Enough at first that a frame is cut (and fed into) before the end of the task.
      for (let k = 0; k < 9; k++) source.next(inputs[fed++] ?? "");
      await ended;
      const messages = await firstValueFrom(from(frames).pipe(dechunk(), toArray()));
      expect(messages).to.deep.equal(inputs);
    });
  });

  describe("bufferUntilConnected, fed from inside its flush", () => {
    it("emits a value fed while held ones are flushed after them", async () => {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      const source = new Subject<string>();
      const seen: string[] = [];
      source.pipe(bufferUntilConnected(a)).subscribe((value) => {
        seen.push(value);
        if (value === "held 1") source.next("fed during the flush");
      });
      source.next("held 1");
      source.next("held 2");
      linkPeers(a, b);
      await firstValueFrom(a.connected$.pipe(filter(Boolean)));
      expect(seen).to.deep.equal(["held 1", "held 2", "fed during the flush"]);
    });
  });

  describe("connectSignaling", () => {
    /** A SignalingPeer that is `peer`, with its signal$ subscriptions counted. */
    const counted = (peer: Peer, held: Tally): SignalingPeer => ({ signal$: held.of(peer.signal$), signal: (data) => peer.signal(data) });

    /** A relay between two channels, both ends counted: what one side sends, the other receives. */
    function relay(held: Tally): [ReturnType<typeof channelEnd>, ReturnType<typeof channelEnd>] {
      const toA = new Subject<unknown>();
      const toB = new Subject<unknown>();
      return [channelEnd(toA, toB, held), channelEnd(toB, toA, held)];
    }
    function channelEnd(incoming: Subject<unknown>, outgoing: Subject<unknown>, held: Tally) {
      return Object.assign(held.of(incoming.asObservable()), { next: (signal: SignalData) => outgoing.next(JSON.stringify(signal)) });
    }

    it("connects two real peers, and unsubscribing ends both directions", async () => {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      const channels = new Tally();
      const signals$ = new Tally();
      const [toA, toB] = relay(channels);
      const wirings = [connectSignaling(counted(a, signals$), toA), connectSignaling(counted(b, signals$), toB)];
      await Promise.all([a, b].map((peer) => firstValueFrom(peer.connected$.pipe(filter(Boolean)))));
      expect(channels.active).to.equal(2);
      for (const wiring of wirings) wiring.unsubscribe();
      expect(channels.active, "channel subscriptions left").to.equal(0);
      expect(signals$.active, "signal$ subscriptions left").to.equal(0);
    });

    it("lets go of the channel when the peer closes (signal$ completes)", async () => {
      const a = makePeer({ initiator: true });
      const channels = new Tally();
      const [toA] = relay(channels);
      const wiring = connectSignaling(a, toA);
      expect(channels.active).to.equal(1);
      a.destroy();
      expect(channels.active, "channel subscriptions left").to.equal(0);
      expect(wiring.closed).to.equal(true);
    });

    it("tells onError once when the channel errors, and lets go of signal$", async () => {
      const a = makePeer({ initiator: true });
      const signals$ = new Tally();
      const incoming = new Subject<unknown>();
      const errors: unknown[] = [];
      const channel = Object.assign(incoming.asObservable(), { next: () => undefined });
      connectSignaling(counted(a, signals$), channel, { onError: (err) => errors.push(err) });
      expect(signals$.active).to.equal(1);
      const boom = new Error("socket lost");
      incoming.error(boom);
      expect(errors).to.deep.equal([boom]);
      expect(signals$.active, "signal$ subscriptions left").to.equal(0);
    });

    it("stops a synchronous channel at once when signal() throws, and tells onError once", () => {
      const source = new SyncSource((i) => JSON.stringify(signals[i]));
      const signalTally = new Tally();
      const refused = new PeerError("ERR_SIGNAL_INVALID", "refused");
      const peer: SignalingPeer = {
        signal$: signalTally.of(NEVER),
        signal: () => {
          throw refused;
        },
      };
      const errors: unknown[] = [];
      const wiring = connectSignaling(peer, Object.assign(source.observable, { next: () => undefined }), { onError: (err) => errors.push(err) });
      expect(source.produced, "messages the channel made").to.equal(1);
      expect(source.finalized).to.equal(1);
      expect(errors).to.deep.equal([refused]);
      expect(wiring.closed).to.equal(true);
      expect(signalTally.subscribed, "signal$ was subscribed after the wiring ended").to.equal(0);
    });

    it("ends at once when the channel completes synchronously, without subscribing signal$", () => {
      const source = new SyncSource(() => "{}", 3);
      const signalTally = new Tally();
      const given: unknown[] = [];
      const peer: SignalingPeer = { signal$: signalTally.of(NEVER), signal: (data) => Promise.resolve(void given.push(data)) };
      const wiring = connectSignaling(peer, Object.assign(source.observable, { next: () => undefined }));
      expect(given).to.have.length(3);
      expect(source.finalized).to.equal(1);
      expect(wiring.closed).to.equal(true);
      expect(signalTally.subscribed).to.equal(0);
    });

    it("keeps the order of signals when the channel answers from inside next()", () => {
      const incoming = new Subject<unknown>();
      const given: unknown[] = [];
      const peer: SignalingPeer = { signal$: from(signals.slice(0, 5)), signal: (data) => Promise.resolve(void given.push(data)) };
      // An echoing channel: each signal sent comes straight back, from inside channel.next().
      const channel = Object.assign(incoming.asObservable(), { next: (signal: SignalData) => incoming.next(signal) });
      connectSignaling(peer, channel);
      expect(given).to.deep.equal(signals.slice(0, 5));
    });
  });

  describe("unsubscription chains in virtual time (as RxJS's own specs check them)", () => {
    const frames = singleFrames(4);
    const batches = batchFrames(4, 1);
    const pure: { name: string; op: OperatorFunction<unknown, unknown>; values: Record<string, unknown>; expected: Record<string, unknown> }[] = [
      { name: "chunk", op: (s) => s.pipe(chunk() as OperatorFunction<unknown, ArrayBuffer>, map((frame) => frame.byteLength)), values: { a: "a", b: "bb", c: "ccc" }, expected: { a: 33, b: 34, c: 35 } },
      { name: "dechunk", op: dechunk() as OperatorFunction<unknown, unknown>, values: { a: frames[0], b: frames[1], c: frames[2] }, expected: { a: "m0", b: "m1", c: "m2" } },
      {
        name: "chunk({ batch: true }) with full frames",
        op: (s) => s.pipe(chunk({ batch: true, chunkSize: BATCH_CHUNK_SIZE(1) }) as OperatorFunction<unknown, ArrayBuffer>, map((frame) => frame.byteLength)),
        values: { a: batchInput(0), b: batchInput(1), c: batchInput(2) },
        expected: { a: BATCH_CHUNK_SIZE(1), b: BATCH_CHUNK_SIZE(1), c: BATCH_CHUNK_SIZE(1) },
      },
      { name: "dechunk of batch frames", op: dechunk() as OperatorFunction<unknown, unknown>, values: { a: batches[0], b: batches[1], c: batches[2] }, expected: { a: batchInput(0), b: batchInput(1), c: batchInput(2) } },
      {
        name: "sendTo",
        op: sendTo({ connected$: new BehaviorSubject(true), close$: NEVER, destroyed: false, send: () => undefined }) as OperatorFunction<unknown, unknown>,
        values: { a: "a", b: "bb", c: "ccc" },
        expected: { a: 1, b: 3, c: 6 },
      },
      { name: "bufferUntilConnected", op: bufferUntilConnected({ connected$: new BehaviorSubject(true) }), values: { a: 1, b: 2, c: 3 }, expected: { a: 1, b: 2, c: 3 } },
      { name: "retryBackoff", op: retryBackoff(), values: { a: 1, b: 2, c: 3 }, expected: { a: 1, b: 2, c: 3 } },
      { name: "serialize", op: serialize(), values: { a: 1, b: [2], c: "3" }, expected: { a: "1", b: "[2]", c: '"3"' } },
      { name: "deserialize", op: deserialize() as OperatorFunction<unknown, unknown>, values: { a: "1", b: "[2]", c: '"3"' }, expected: { a: 1, b: [2], c: "3" } },
      {
        name: "toSimplePeerSignal",
        op: toSimplePeerSignal() as OperatorFunction<unknown, unknown>,
        values: { a: signals[0], b: signals[1], c: signals[2] },
        expected: Object.fromEntries([0, 1, 2].map((i) => ["abc"[i], { type: "candidate", candidate: signals[i]?.data }])),
      },
    ];
    for (const { name, op, values, expected } of pure) {
      it(`${name} does not break unsubscription chains when unsubscribed explicitly`, () => {
        new TestScheduler((actual, wanted) => {
          expect(actual).to.deep.equal(wanted);
        }).run(({ hot, expectObservable, expectSubscriptions }) => {
          const e1 = hot("--a--b--c--|", values);
          const e1subs = "  ^-------!   ";
          const unsub = "   --------!   ";
          const result = e1.pipe(
            mergeMap((x) => of(x)),
            op,
            mergeMap((x) => of(x)),
          );
          expectObservable(result, unsub).toBe("--a--b--", expected);
          expectSubscriptions(e1.subscriptions).toBe(e1subs);
        });
      });
    }
  });
});
