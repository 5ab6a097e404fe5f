// chunk({ batch: true }) and dechunk(): small messages of one task packed into batch frames
// and unpacked in order and intact (strings stay strings, binary comes back as ArrayBuffer),
// big ones framed on their own between them; malformed batch frames refused; then on real
// peers (both runtimes): a burst arrives whole in fewer sends, and a lone message is not held back.
import { expect } from "chai";
import fc from "fast-check";
import { Subject, catchError, firstValueFrom, from, map, of, take, toArray, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { PeerError } from "../../src/index.js";
import type { PeerData, PeerMessage } from "../../src/types.js";
import { chunk, dechunk, sendTo } from "../../operators/index.js";
import { BATCH_HEADER_SIZE, BATCH_VERSION, ENTRY_HEADER_SIZE, KIND_BATCH } from "../../operators/batch-frame.js";
import { FRAME_MAGIC } from "../../operators/frame.js";
import { patternBytes, sameBytes, shuffled } from "../support/bytes.js";
import { connectedPair } from "../support/peers.js";

/** A message and what dechunk must give back for it. */
interface Sample {
  value: PeerData;
  expected: string | Uint8Array;
}

const smallText = fc.string({ unit: "binary", maxLength: 60 }).map((text): Sample => ({ value: text, expected: text }));
const smallBinary = fc
  .tuple(fc.integer({ min: 0, max: 300 }), fc.integer(), fc.boolean())
  .map(([size, seed, asView]): Sample => {
    const bytes = patternBytes(size + 4, seed);
    // A view into a larger buffer: only the viewed bytes may travel.
    return asView ? { value: bytes.subarray(2, 2 + size), expected: bytes.slice(2, 2 + size) } : { value: bytes.slice(0, size).buffer, expected: bytes.slice(0, size) };
  });
const bigBinary = fc.tuple(fc.integer({ min: 2_000, max: 40_000 }), fc.integer()).map(([size, seed]): Sample => {
  const bytes = patternBytes(size, seed);
  return { value: bytes.buffer, expected: bytes };
});
const bigText = fc.integer({ min: 1_000, max: 20_000 }).map((n): Sample => ({ value: "é".repeat(n), expected: "é".repeat(n) }));
const mixedArb = fc.array(
  fc.oneof({ weight: 6, arbitrary: smallText }, { weight: 6, arbitrary: smallBinary }, { weight: 1, arbitrary: bigBinary }, { weight: 1, arbitrary: bigText }),
  { minLength: 1, maxLength: 80 },
);
const chunkSizeArb = fc.oneof(fc.integer({ min: 33, max: 400 }), fc.integer({ min: 401, max: 20_000 }), fc.constant(16 * 1024));

const collect = <T>(source: Observable<T>): Promise<T[]> => firstValueFrom(source.pipe(toArray()));
const batching = (chunkSize?: number) => chunk(chunkSize === undefined ? { batch: true } : { batch: true, chunkSize });

function expectMessages(actual: readonly PeerMessage[], samples: readonly Sample[]): void {
  expect(actual.length, "messages out").to.equal(samples.length);
  samples.forEach((sample, i) => {
    const message = actual[i];
    if (typeof sample.expected === "string") {
      expect(typeof message, `message ${i}`).to.equal("string");
      expect(message === sample.expected, `message ${i} differs`).to.equal(true);
    } else {
      expect(message, `message ${i}`).to.be.instanceOf(ArrayBuffer);
      expect(sameBytes(new Uint8Array(message as ArrayBuffer), sample.expected), `message ${i} bytes differ`).to.equal(true);
    }
  });
}

/** Is `frame` a batch frame (version byte)? */
const isBatch = (frame: ArrayBuffer): boolean => new DataView(frame).getUint8(2) === BATCH_VERSION;

/** A batch frame made by hand: header fields and entries ([kind, bytes]) settable to anything. */
function rawBatch(entries: [number, Uint8Array][], fields: { magic?: number; kind?: number; stream?: number; seq?: number; count?: number; declare?: (i: number, length: number) => number } = {}): ArrayBuffer {
  const size = BATCH_HEADER_SIZE + entries.reduce((sum, [, bytes]) => sum + ENTRY_HEADER_SIZE + bytes.byteLength, 0);
  const frame = new ArrayBuffer(size);
  const view = new DataView(frame);
  view.setUint16(0, fields.magic ?? FRAME_MAGIC);
  view.setUint8(2, BATCH_VERSION);
  view.setUint8(3, fields.kind ?? KIND_BATCH);
  view.setUint32(4, fields.stream ?? 1);
  view.setUint32(8, fields.seq ?? 0);
  view.setUint32(12, fields.count ?? entries.length);
  let at = BATCH_HEADER_SIZE;
  entries.forEach(([kind, bytes], i) => {
    view.setUint8(at, kind);
    view.setUint32(at + 1, fields.declare?.(i, bytes.byteLength) ?? bytes.byteLength);
    new Uint8Array(frame, at + ENTRY_HEADER_SIZE).set(bytes);
    at += ENTRY_HEADER_SIZE + bytes.byteLength;
  });
  return frame;
}

const text = (value: string): [number, Uint8Array] => [1, new TextEncoder().encode(value)];

/** Runs frames through dechunk synchronously. */
function outcome(frames: readonly ArrayBuffer[], options = {}): { messages: PeerMessage[]; end: unknown } {
  const messages: PeerMessage[] = [];
  let end: unknown;
  from(frames)
    .pipe(dechunk(options))
    .subscribe({ next: (m) => messages.push(m), complete: () => (end = "complete"), error: (e: unknown) => (end = e) });
  return { messages, end };
}

function expectFrameError(end: unknown, code: string, message?: RegExp): void {
  expect(end).to.be.instanceOf(PeerError);
  expect((end as PeerError).code, (end as PeerError).message).to.equal(code);
  if (message) expect((end as PeerError).message).to.match(message);
}

describe("chunk({ batch: true }) / dechunk", () => {
  it("round-trips small messages mixed with big ones, in order and intact, whatever the frame order (property)", async () => {
    await fc.assert(
      fc.asyncProperty(mixedArb, chunkSizeArb, fc.integer(), fc.boolean(), async (samples, chunkSize, seed, shuffle) => {
        const frames = await collect(from(samples.map((s) => s.value)).pipe(batching(chunkSize)));
        for (const frame of frames) expect(frame.byteLength).to.be.at.most(chunkSize);
        const out = await collect(from(shuffle ? shuffled(frames, seed) : frames).pipe(dechunk()));
        expectMessages(out, samples);
      }),
      { numRuns: 80 },
    );
  });

  it("packs a synchronous burst of small messages into as few frames as fit (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(smallText, { minLength: 1, maxLength: 200 }), async (samples) => {
        const frames = await collect(from(samples.map((s) => s.value)).pipe(batching()));
        const bytes = samples.reduce((sum, s) => sum + ENTRY_HEADER_SIZE + new TextEncoder().encode(s.expected as string).byteLength, 0);
        // Every frame but the last is cut only because the next message did not fit.
        expect(frames.length).to.be.at.most(Math.ceil(bytes / (16 * 1024 - BATCH_HEADER_SIZE - 300)));
        expect(frames.every(isBatch)).to.equal(true);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps a batching stream and a plain stream apart when their frames interleave (property)", async () => {
    await fc.assert(
      fc.asyncProperty(mixedArb, mixedArb, fc.integer({ min: 40, max: 3000 }), fc.integer(), async (left, right, chunkSize, seed) => {
        const leftFrames = await collect(from(left.map((s) => s.value)).pipe(batching(chunkSize)));
        const rightFrames = await collect(from(right.map((s) => s.value)).pipe(chunk({ chunkSize })));
        // Both streams through one dechunk; each stream's messages must come out in its own order.
        const tagged = [...leftFrames.map((f) => ({ f, side: "left" })), ...rightFrames.map((f) => ({ f, side: "right" }))];
        const mixed = shuffled(tagged, seed);
        const streamOf = (frame: ArrayBuffer): number => new DataView(frame).getUint32(4);
        const leftStream = streamOf(leftFrames[0] as ArrayBuffer);
        const out: { message: PeerMessage; left: boolean }[] = [];
        // dechunk gives no stream id, so feed one frame at a time and note whose messages it released.
        const feed = new Subject<ArrayBuffer>();
        let current = false;
        feed.pipe(dechunk()).subscribe((message) => out.push({ message, left: current }));
        for (const { f } of mixed) {
          current = streamOf(f) === leftStream;
          feed.next(f);
        }
        feed.complete();
        expectMessages(out.filter((o) => o.left).map((o) => o.message), left);
        expectMessages(out.filter((o) => !o.left).map((o) => o.message), right);
      }),
      { numRuns: 40 },
    );
  });

  it("puts a string in a batch exactly when its UTF-8 entry fits an empty frame, and brings it back equal (property)", async () => {
    // Text with 1- to 4-byte characters and lone surrogates (sent as U+FFFD, 3 bytes), near a frame's edge.
    const unit = fc.oneof(fc.constantFrom("a", "é", "€", "😀", "\ud800", "\udc00"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
    await fc.assert(
      fc.asyncProperty(fc.array(unit, { maxLength: 40 }).map((units) => units.join("")), fc.integer({ min: 33, max: 200 }), async (value, chunkSize) => {
        const bytes = new TextEncoder().encode(value);
        const frames = await collect(of(value).pipe(batching(chunkSize)));
        const fits = BATCH_HEADER_SIZE + ENTRY_HEADER_SIZE + bytes.byteLength <= chunkSize;
        expect(frames.map(isBatch), `${bytes.byteLength} bytes in frames of ${chunkSize}`).to.deep.equal(fits ? [true] : frames.map(() => false));
        if (fits) expect((frames[0] as ArrayBuffer).byteLength).to.equal(BATCH_HEADER_SIZE + ENTRY_HEADER_SIZE + bytes.byteLength);
        const [message] = await collect(from(frames).pipe(dechunk()));
        expect(message === new TextDecoder().decode(bytes), "the string as the channel would send it").to.equal(true);
      }),
      { numRuns: 300 },
    );
  });

  it("takes a message's bytes when it is given: a buffer changed later in the task travels as it was", async () => {
    const source = new Subject<PeerData>();
    const frames: ArrayBuffer[] = [];
    source.pipe(batching()).subscribe((frame) => frames.push(frame));
    const buffer = new Uint8Array([1, 2, 3]);
    source.next(buffer);
    buffer.fill(9); // reused by the caller before the batch goes out at the end of the task
    source.next(buffer);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    const [first, second] = await collect(from(frames).pipe(dechunk()));
    expect(Array.from(new Uint8Array(first as ArrayBuffer))).to.deep.equal([1, 2, 3]);
    expect(Array.from(new Uint8Array(second as ArrayBuffer))).to.deep.equal([9, 9, 9]);
  });

  it("lets no message overtake a Blob, whatever mix of Blobs, strings and binary arrives in one task (property)", async () => {
    const blob = fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer()).map(([size, seed]): Sample => {
      const bytes = patternBytes(size, seed);
      return { value: new Blob([bytes]), expected: bytes };
    });
    const withBlobs = fc.array(fc.oneof({ weight: 3, arbitrary: blob }, { weight: 4, arbitrary: smallText }, { weight: 4, arbitrary: smallBinary }, { weight: 1, arbitrary: bigBinary }), {
      minLength: 1,
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(withBlobs, chunkSizeArb, async (samples, chunkSize) => {
        const source = new Subject<PeerData>();
        const out = collect(source.pipe(batching(chunkSize), dechunk()));
        for (const sample of samples) source.next(sample.value);
        source.complete();
        expectMessages(await out, samples);
      }),
      { numRuns: 60 },
    );
  });

  it("holds a lone message only until the end of the task", async () => {
    const source = new Subject<string>();
    const frames: ArrayBuffer[] = [];
    source.pipe(batching()).subscribe((frame) => frames.push(frame));
    source.next("alone");
    expect(frames).to.have.length(0);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(frames).to.have.length(1);
    expect(await collect(from(frames).pipe(dechunk()))).to.deep.equal(["alone"]);
  });

  it("sends at the end of the task what its microtasks added too, in the order given", async () => {
    const source = new Subject<string>();
    const frames: ArrayBuffer[] = [];
    source.pipe(batching()).subscribe((frame) => frames.push(frame));
    source.next("first");
    queueMicrotask(() => source.next("second"));
    void Promise.resolve().then(() => source.next("third"));
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expect(await collect(from(frames).pipe(dechunk()))).to.deep.equal(["first", "second", "third"]);
  });

  it("errors ERR_FRAME_INVALID for a value it cannot frame, fed from inside its output as the task's batch goes out", async () => {
    const source = new Subject<unknown>();
    let end: unknown = "still open";
    source.pipe(chunk({ batch: true }) as (source: Observable<unknown>) => Observable<ArrayBuffer>).subscribe({
      next: () => source.next({ not: "a message" }),
      error: (err: unknown) => (end = err),
      complete: () => (end = "complete"),
    });
    source.next("alone");
    // The batch goes out in a microtask of this task: its error is in before the next task.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    expectFrameError(end, "ERR_FRAME_INVALID", /object/);
    expect(source.observed, "the source is let go").to.equal(false);
  });

  it("sends a full frame at once, and a big message right after the batch before it", () => {
    const source = new Subject<PeerData>();
    const frames: ArrayBuffer[] = [];
    // Room for exactly two 7-byte messages.
    source.pipe(batching(BATCH_HEADER_SIZE + 2 * (ENTRY_HEADER_SIZE + 7))).subscribe((frame) => frames.push(frame));
    source.next("first..");
    expect(frames).to.have.length(0);
    source.next("second.");
    expect(frames.map(isBatch)).to.deep.equal([true]);
    source.next("third..");
    source.next(new Uint8Array(20)); // too big for a batch of this size: 3 plain frames
    expect(frames.slice(1).map(isBatch)).to.deep.equal([true, false, false, false]);
    const { messages } = outcome(frames);
    expect(messages.slice(0, 3)).to.deep.equal(["first..", "second.", "third.."]);
    expect((messages[3] as ArrayBuffer).byteLength).to.equal(20);
  });

  describe("in virtual time (marbles): nothing but a full frame, the source's end or the task's end sends a batch", () => {
    // Room for exactly two 6-byte messages; within TestScheduler.run every frame is one synchronous
    // task, so a part-filled batch waits for a full frame or the source's end (real tasks: see above).
    const twoPerFrame = BATCH_HEADER_SIZE + 2 * (ENTRY_HEADER_SIZE + 6);
    const values = { a: "msg 0.", b: "msg 1.", c: "msg 2." };
    /** A frame as the texts it carries ("msg 0.+msg 1."), or "plain" for a version-1 frame. */
    const texts = (frame: ArrayBuffer): string => {
      if (!isBatch(frame)) return "plain";
      const view = new DataView(frame);
      const out: string[] = [];
      for (let at = BATCH_HEADER_SIZE, i = 0; i < view.getUint32(12); i++) {
        const length = view.getUint32(at + 1);
        out.push(new TextDecoder().decode(new Uint8Array(frame, at + ENTRY_HEADER_SIZE, length)));
        at += ENTRY_HEADER_SIZE + length;
      }
      return out.join("+");
    };
    const scheduler = (): TestScheduler =>
      new TestScheduler((actual, expected) => {
        expect(actual).to.deep.equal(expected);
      });
    const frames = { x: "msg 0.+msg 1.", y: "msg 2." };

    it("sends a frame once full, and the part-filled one when the source completes", () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c-|", values);
        expectObservable(source.pipe(batching(twoPerFrame), map(texts))).toBe("---x---(y|)", frames);
        expectSubscriptions(source.subscriptions).toBe("^------!");
      });
    });

    it("lets go of the source at take(1), once the first frame is out", () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c-|", values);
        expectObservable(source.pipe(batching(twoPerFrame), take(1), map(texts))).toBe("---(x|)", frames);
        expectSubscriptions(source.subscriptions).toBe("^--!");
      });
    });

    it("passes a source error on at once, dropping the part-filled frame", () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c-#", values, new Error("boom"));
        expectObservable(source.pipe(batching(twoPerFrame), map(texts))).toBe("---x---#", frames, new Error("boom"));
        expectSubscriptions(source.subscriptions).toBe("^------!");
      });
    });

    it("sends nothing once unsubscribed in the middle of a batch", () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c-|", values);
        expectObservable(source.pipe(batching(twoPerFrame), map(texts)), "^----!").toBe("---x--", frames);
        expectSubscriptions(source.subscriptions).toBe("^----!");
      });
    });

    it("errors ERR_FRAME_INVALID at a value it cannot frame, dropping the batch and leaving the source", () => {
      scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-b-c-n-|", { ...values, n: 42 as unknown as string });
        const coded = source.pipe(
          batching(twoPerFrame),
          map(texts),
          catchError((err: unknown) => of(err instanceof PeerError ? err.code : "other")),
        );
        expectObservable(coded).toBe("---x---(e|)", { ...frames, e: "ERR_FRAME_INVALID" });
        expectSubscriptions(source.subscriptions).toBe("^------!");
      });
    });

    it("sends the batch before a message too big for one, then the message's own frames", () => {
      scheduler().run(({ cold, expectObservable }) => {
        // 18 bytes do not fit an empty batch (22 bytes of room, 5 of them the entry's header): 3 plain frames of 6 payload bytes.
        const source = cold<PeerData>("-a-B------|", { a: values.a, B: new Uint8Array(18) });
        expectObservable(source.pipe(batching(twoPerFrame), map(texts))).toBe("---(yzzz)-|", { y: "msg 0.", z: "plain" });
      });
    });
  });

  describe("dechunk on bad batch frames", () => {
    const valid = rawBatch([text("a"), text("b")]);
    const cases: [string, ArrayBuffer[], string, RegExp][] = [
      ["a batch frame shorter than its header", [valid.slice(0, BATCH_HEADER_SIZE - 1)], "ERR_FRAME_INVALID", /shorter than/],
      ["bad magic", [rawBatch([text("a")], { magic: 0x1234 })], "ERR_FRAME_INVALID", /magic/],
      ["a version-2 frame that is not a batch", [rawBatch([text("a")], { kind: 1 })], "ERR_FRAME_INVALID", /kind 1/],
      ["a count of 0", [rawBatch([], { count: 0 })], "ERR_FRAME_INVALID", /0 messages/],
      ["a count past the entries", [rawBatch([text("a")], { count: 2 })], "ERR_FRAME_INVALID", /ends inside/],
      ["bytes after the last entry", [rawBatch([text("a"), text("b")], { count: 1 })], "ERR_FRAME_INVALID", /after its 1 messages/],
      ["an entry of an unknown kind", [rawBatch([[7, new Uint8Array(2)]])], "ERR_FRAME_INVALID", /kind 7/],
      ["an entry longer than the frame", [rawBatch([text("abc")], { declare: () => 4 })], "ERR_FRAME_INVALID", /past the frame's end/],
      ["text that is not UTF-8", [rawBatch([[1, new Uint8Array([0xc3, 0x28])]])], "ERR_FRAME_INVALID", /UTF-8/],
      ["a batch behind its stream", [valid, valid], "ERR_FRAME_INVALID", /behind the stream/],
      ["a batch over a message already held", [rawBatch([text("c")], { seq: 2 }), rawBatch([text("b"), text("c")], { seq: 1 })], "ERR_FRAME_INVALID", /overlaps/],
      ["a message over maxMessageSize", [rawBatch([[0, new Uint8Array(11)]])], "ERR_FRAME_TOO_LARGE", /over maxMessageSize 10/],
    ];
    for (const [name, frames, code, message] of cases) {
      it(`rejects ${name} with ${code}`, () => {
        const { end } = outcome(frames, { maxMessageSize: 10 });
        expectFrameError(end, code, message);
      });
    }

    it("counts a batch waiting for an earlier message against maxPendingBytes", () => {
      const waiting = rawBatch([[0, new Uint8Array(8)], [0, new Uint8Array(8)]], { seq: 5 });
      expect(outcome([waiting], { maxPendingBytes: 16 }).end).to.be.instanceOf(PeerError); // it never gets its earlier messages
      expectFrameError(outcome([waiting], { maxPendingBytes: 15 }).end, "ERR_FRAME_TOO_LARGE", /maxPendingBytes/);
    });

    it("delivers a batch that arrives before the earlier message it follows, after it", () => {
      const { messages, end } = outcome([rawBatch([text("b"), text("c")], { seq: 1 }), rawBatch([text("a")], { seq: 0 })]);
      expect(end).to.equal("complete");
      expect(messages).to.deep.equal(["a", "b", "c"]);
    });

    it("ends mutated batch frames in a frame error or completion, never a crash (property)", () => {
      const framesArb = fc.array(fc.oneof(smallText, smallBinary), { minLength: 1, maxLength: 20 }).map((samples) => {
        const frames: ArrayBuffer[] = [];
        from(samples.map((s) => s.value))
          .pipe(batching(200))
          .subscribe((f) => frames.push(f));
        return frames;
      });
      fc.assert(
        fc.property(framesArb, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (frames, flips, cut) => {
          const mutated = frames.map((f) => f.slice(0));
          for (const [which, at, value] of flips) {
            const target = mutated[which % mutated.length] as ArrayBuffer;
            new Uint8Array(target)[at % target.byteLength] = value;
          }
          const last = mutated.length - 1;
          mutated[last] = (mutated[last] as ArrayBuffer).slice(0, (mutated[last] as ArrayBuffer).byteLength - (cut % 3));
          const { end } = outcome(mutated);
          expect(end, "dechunk must end synchronously").to.not.equal(undefined);
          if (end !== "complete") expect(["ERR_FRAME_INVALID", "ERR_FRAME_TOO_LARGE"]).to.include((end as PeerError).code);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("on real peers", () => {
    it("delivers a burst of small messages with big ones among them, in order and intact, in fewer sends", async () => {
      const { a, b } = await connectedPair();
      const samples: Sample[] = [];
      for (let i = 0; i < 3000; i++) {
        if (i % 1000 === 500) {
          const bytes = patternBytes(200_000, i);
          samples.push({ value: bytes.buffer, expected: bytes });
        } else if (i % 2 === 0) samples.push({ value: `message ${i} ✓`, expected: `message ${i} ✓` });
        else {
          const bytes = patternBytes(1 + (i % 700), i);
          samples.push({ value: bytes, expected: bytes });
        }
      }
      let sends = 0;
      b.data$.subscribe(() => sends++);
      const received = firstValueFrom(b.data$.pipe(dechunk(), take(samples.length), toArray()));
      await firstValueFrom(from(samples.map((s) => s.value)).pipe(chunk({ batch: true }), sendTo(a), toArray()));
      expectMessages(await received, samples);
      // About 1.8 MiB in 16 KiB frames: the 3000 messages must have shared them.
      expect(sends, "data-channel messages").to.be.below(200);
    });

    it("does not hold back a lone message: it arrives while the pipeline stays open", async () => {
      const { a, b } = await connectedPair();
      const source = new Subject<string>();
      const subscription = source.pipe(chunk({ batch: true }), sendTo(a)).subscribe();
      const messages = new Subject<PeerMessage>();
      b.data$.pipe(dechunk()).subscribe(messages);
      for (const ping of ["ping 1", "ping 2 ✓"]) {
        const arrived = firstValueFrom(messages);
        source.next(ping);
        expect(await arrived).to.equal(ping);
      }
      subscription.unsubscribe();
    });

    it("delivers in order when fed from inside sendTo's output", async () => {
      const { a, b } = await connectedPair();
      const count = 500;
      const received = firstValueFrom(b.data$.pipe(dechunk(), take(count), toArray()));
      const source = new Subject<string>();
      let fed = 1;
      const done = new Promise<void>((resolve, reject) => {
        source.pipe(chunk({ batch: true }), sendTo(a)).subscribe({
          next: () => {
            for (let k = 0; k < 3 && fed < count; k++) source.next(`message ${fed++}`);
            if (fed === count) {
              fed++;
              source.complete();
            }
          },
          error: reject,
          complete: resolve,
        });
      });
      source.next("message 0");
      await done;
      expect(await received).to.deep.equal(Array.from({ length: count }, (_, i) => `message ${i}`));
    });
  });
});
