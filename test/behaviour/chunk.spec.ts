// chunk() and dechunk() without a network: round trips of every message type and size,
// reordered and interleaved frames, and hostile input (random, mutated, oversized frames).
import { expect } from "chai";
import fc from "fast-check";
import { Subject, firstValueFrom, from, lastValueFrom, merge, of, tap, toArray, type Observable } from "rxjs";
import { PeerError } from "../../src/index.js";
import type { PeerData, PeerMessage } from "../../src/types.js";
import { chunk, dechunk } from "../../operators/index.js";
import { FRAME_MAGIC, FRAME_VERSION, HEADER_SIZE, writeFrames } from "../../operators/frame.js";
import { fillPattern, patternBytes, sameBytes, shuffled, wellFormed } from "../support/bytes.js";
import { rawFrame } from "../support/raw-frame.js";

/** A message to send and what must come out of dechunk for it. */
interface Sample {
  value: PeerData;
  expected: string | Uint8Array;
  label: string;
}

const VIEWS = {
  Uint8Array,
  Int16Array,
  Uint32Array,
  Float64Array,
} as const;

function binarySample(kind: string, size: number, seed: number, offset: number): Sample {
  if (kind === "ArrayBuffer" || kind === "Blob") {
    const bytes = patternBytes(size, seed);
    const value = kind === "Blob" ? new Blob([bytes]) : bytes.buffer;
    return { value, expected: bytes, label: `${kind}(${size})` };
  }
  const View = kind === "DataView" ? Uint8Array : VIEWS[kind as keyof typeof VIEWS];
  const unit = View.BYTES_PER_ELEMENT;
  const length = Math.floor(size / unit);
  // A backing buffer larger on both sides than the view, so only the viewed bytes may travel.
  const backing = fillPattern(new Uint8Array(offset * unit + length * unit + 7), seed);
  const value = kind === "DataView" ? new DataView(backing.buffer, offset, length) : new View(backing.buffer, offset * unit, length);
  return { value, expected: backing.slice(offset * unit, offset * unit + length * unit), label: `${kind}(${length * unit}@${offset * unit})` };
}

const sizeArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 80 }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 70_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * 1024 * 1024 }) },
);

const binaryArb: fc.Arbitrary<Sample> = fc
  .tuple(fc.constantFrom("ArrayBuffer", "Blob", "DataView", ...Object.keys(VIEWS)), sizeArb, fc.integer(), fc.integer({ min: 0, max: 9 }))
  .map(([kind, size, seed, offset]) => binarySample(kind, size, seed, offset));

const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const stringArb: fc.Arbitrary<Sample> = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 300 }), // any code point, multi-byte and astral
    fc.string({ unit: "grapheme", maxLength: 100 }),
    fc.string({ unit: utf16Unit, maxLength: 100 }), // lone surrogates too
    fc.tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 200_000 })).map(([piece, n]) => piece.repeat(n)),
  )
  .map((text) => ({ value: text, expected: wellFormed(text), label: `string(${text.length})` }));

const messagesArb = fc.array(fc.oneof({ weight: 3, arbitrary: binaryArb }, { weight: 2, arbitrary: stringArb }), { minLength: 1, maxLength: 5 });

const chunkSizeArb = fc.oneof(fc.integer({ min: HEADER_SIZE + 1, max: 300 }), fc.integer({ min: 301, max: 70_000 }), fc.constant(16 * 1024));

function totalBytes(samples: Sample[]): number {
  return samples.reduce((sum, s) => sum + (typeof s.expected === "string" ? s.expected.length * 3 : s.expected.byteLength), 0);
}

/** Keeps the number of frames per run bounded (tiny chunks of megabytes would only slow the run). */
function boundedChunkSize(chunkSize: number, samples: Sample[]): number {
  return Math.max(chunkSize, Math.ceil(totalBytes(samples) / 20_000) + HEADER_SIZE);
}

const collect = <T>(source: Observable<T>): Promise<T[]> => firstValueFrom(source.pipe(toArray()));

function expectMessage(actual: PeerMessage | undefined, sample: Sample): void {
  if (typeof sample.expected === "string") {
    expect(typeof actual, sample.label).to.equal("string");
    expect(actual === sample.expected, `${sample.label} differs`).to.equal(true);
  } else {
    expect(actual, sample.label).to.be.instanceOf(ArrayBuffer);
    expect(sameBytes(new Uint8Array(actual as ArrayBuffer), sample.expected), `${sample.label} bytes differ`).to.equal(true);
  }
}

/** Runs frames through dechunk synchronously and reports how it ended. */
function outcome(frames: readonly ArrayBuffer[], options = {}): { messages: PeerMessage[]; end: "complete" | PeerError | unknown } {
  const messages: PeerMessage[] = [];
  let end: "complete" | unknown = undefined;
  from(frames)
    .pipe(dechunk(options))
    .subscribe({ next: (m) => messages.push(m), complete: () => (end = "complete"), error: (e: unknown) => (end = e) });
  return { messages, end };
}

function expectFrameError(end: unknown, code?: string): void {
  expect(end).to.be.instanceOf(PeerError);
  const error = end as PeerError;
  if (code) expect(error.code, error.message).to.equal(code);
  else expect(["ERR_FRAME_INVALID", "ERR_FRAME_TOO_LARGE"]).to.include(error.code);
}

async function framesOf(samples: Sample[], chunkSize: number): Promise<ArrayBuffer[]> {
  return collect(from(samples.map((s) => s.value)).pipe(chunk({ chunkSize })));
}

describe("chunk / dechunk", () => {
  it("round-trips every message type and size, in order, whatever the frame order (property)", async () => {
    await fc.assert(
      fc.asyncProperty(messagesArb, chunkSizeArb, fc.integer(), fc.boolean(), async (samples, size, seed, shuffle) => {
        const chunkSize = boundedChunkSize(size, samples);
        const frames = await framesOf(samples, chunkSize);
        for (const f of frames) expect(f.byteLength).to.be.at.most(chunkSize);
        const out = await collect(from(shuffle ? shuffled(frames, seed) : frames).pipe(dechunk()));
        expect(out.length).to.equal(samples.length);
        samples.forEach((sample, i) => expectMessage(out[i], sample));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps two chunk() streams apart when their frames interleave (property)", async () => {
    const textArb = fc.array(fc.string({ unit: "binary", maxLength: 3000 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(textArb, textArb, fc.integer({ min: 40, max: 2000 }), fc.integer(), async (left, right, chunkSize, seed) => {
        const leftFrames = await collect(from(left.map((t) => `L${t}`)).pipe(chunk({ chunkSize })));
        const rightFrames = await collect(from(right.map((t) => `R${t}`)).pipe(chunk({ chunkSize })));
        const out = (await collect(from(shuffled([...leftFrames, ...rightFrames], seed)).pipe(dechunk()))) as string[];
        expect(out.filter((m) => m.startsWith("L"))).to.deep.equal(left.map((t) => `L${t}`));
        expect(out.filter((m) => m.startsWith("R"))).to.deep.equal(right.map((t) => `R${t}`));
      }),
      { numRuns: 40 },
    );
  });

  it("emits frames of at most chunkSize and a 2-frame message for stride + 1 bytes", async () => {
    const frames = await collect(of(new Uint8Array(100)).pipe(chunk({ chunkSize: HEADER_SIZE + 99 })));
    expect(frames.map((f) => f.byteLength)).to.deep.equal([HEADER_SIZE + 99, HEADER_SIZE + 1]);
    const empty = await collect(of("").pipe(chunk()));
    expect(empty.map((f) => f.byteLength)).to.deep.equal([HEADER_SIZE]);
  });

  it("gives each subscription its own stream id", async () => {
    const framer = of("x").pipe(chunk());
    const [one] = await collect(framer);
    const [two] = await collect(framer);
    expect(new DataView(one as ArrayBuffer).getUint32(4)).to.not.equal(new DataView(two as ArrayBuffer).getUint32(4));
  });

  it("keeps message order behind a Blob that takes time to read", async () => {
    const samples = [binarySample("Blob", 50_000, 1, 0), { value: "after", expected: "after", label: "after" }, binarySample("Uint8Array", 10, 2, 3)];
    const out = await collect(from(samples.map((s) => s.value)).pipe(chunk(), dechunk()));
    samples.forEach((sample, i) => expectMessage(out[i], sample));
  });

  it("errors ERR_DATA_CHANNEL on a Blob that cannot be read, after the frames of what came before it", async () => {
    class UnreadableBlob extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new Error("gone"));
      }
    }
    const framed: unknown[] = [];
    const end = await lastValueFrom(from<PeerData[]>(["before", new UnreadableBlob(["x"]), "after"]).pipe(chunk(), dechunk(), tap((m) => framed.push(m)))).catch((e: unknown) => e);
    expectFrameError(end, "ERR_DATA_CHANNEL");
    expect(framed).to.deep.equal(["before"]);
  });

  it("passes values through at once while no Blob is being read, and holds them behind one that is", async () => {
    const source = new Subject<PeerData>();
    const frames: ArrayBuffer[] = [];
    const done = lastValueFrom(source.pipe(chunk(), tap((f) => frames.push(f)), dechunk(), toArray()));
    source.next("one");
    expect(frames, "framed synchronously").to.have.length(1);
    source.next(new Blob(["two"]));
    source.next("three");
    expect(frames, "waiting behind the Blob").to.have.length(1);
    source.complete();
    const out = await done;
    expect(out).to.have.length(3);
    expect(out[0]).to.equal("one");
    expect(Array.from(new Uint8Array(out[1] as ArrayBuffer))).to.deep.equal(Array.from(new TextEncoder().encode("two")));
    expect(out[2]).to.equal("three");
  });

  it("refuses bad chunkSize and limits at call time", () => {
    expect(() => chunk({ chunkSize: HEADER_SIZE })).to.throw(RangeError);
    expect(() => chunk({ chunkSize: 1.5 })).to.throw(RangeError);
    expect(() => dechunk({ maxMessageSize: 0 })).to.throw(RangeError);
  });

  it("errors ERR_FRAME_INVALID on something chunk() cannot frame", async () => {
    const error = await firstValueFrom(of(42 as unknown as PeerData).pipe(chunk())).catch((e: unknown) => e);
    expectFrameError(error, "ERR_FRAME_INVALID");
  });

  it("errors at once on a number, naming it, and pulls nothing more from the source", () => {
    const pulled: unknown[] = [];
    const values = ["before", 7, "after 1", "after 2"] as unknown as PeerData[];
    let end: unknown;
    const frames: ArrayBuffer[] = [];
    from(values)
      .pipe(
        tap((value) => pulled.push(value)),
        chunk(),
      )
      .subscribe({ next: (frame) => frames.push(frame), error: (e: unknown) => (end = e) });
    expectFrameError(end, "ERR_FRAME_INVALID");
    expect((end as PeerError).message).to.match(/got number/);
    expect(frames).to.have.length(1); // "before"
    expect(pulled).to.deep.equal(["before", 7]);
  });

  describe("dechunk on bad input", () => {
    it("rejects a string message", () => {
      let end: unknown;
      of("hello").pipe(dechunk()).subscribe({ error: (e: unknown) => (end = e) });
      expectFrameError(end, "ERR_FRAME_INVALID");
    });

    const cases: Array<[string, ArrayBuffer[], string, RegExp]> = [
      ["a frame shorter than the header", [new ArrayBuffer(5)], "ERR_FRAME_INVALID", /shorter than/],
      ["bad magic", [rawFrame({ magic: 0x1234 })], "ERR_FRAME_INVALID", /magic/],
      ["an unknown version", [rawFrame({ version: 9 })], "ERR_FRAME_INVALID", /version 9/],
      ["an unknown kind", [rawFrame({ kind: 5 })], "ERR_FRAME_INVALID", /kind 5/],
      ["stride 0", [rawFrame({ stride: 0, total: 4, count: 1 }, 4)], "ERR_FRAME_INVALID", /stride/],
      ["a count that disagrees with the size", [rawFrame({ total: 10, stride: 4, count: 2 }, 4)], "ERR_FRAME_INVALID", /count 2/],
      ["an index out of range", [rawFrame({ total: 8, stride: 4, count: 2, index: 2 }, 4)], "ERR_FRAME_INVALID", /out of range/],
      ["a payload of the wrong length", [rawFrame({ total: 8, stride: 4, count: 2, index: 1 }, 3)], "ERR_FRAME_INVALID", /payload bytes/],
      ["a duplicate frame", [rawFrame({ total: 8, stride: 4, count: 2 }, 4), rawFrame({ total: 8, stride: 4, count: 2 }, 4)], "ERR_FRAME_INVALID", /duplicate/],
      ["frames that disagree", [rawFrame({ total: 8, stride: 4, count: 2 }, 4), rawFrame({ total: 8, stride: 4, count: 2, index: 1, kind: 1 }, 4)], "ERR_FRAME_INVALID", /disagrees/],
      ["a message behind its stream", [rawFrame({ seq: 0 }), rawFrame({ seq: 0 })], "ERR_FRAME_INVALID", /behind the stream/],
      ["text that is not UTF-8", [(() => { const f = rawFrame({ kind: 1 }, 2); new Uint8Array(f, HEADER_SIZE).set([0xc3, 0x28]); return f; })()], "ERR_FRAME_INVALID", /UTF-8/],
      ["frames ending mid-message", [rawFrame({ total: 8, stride: 4, count: 2 }, 4)], "ERR_FRAME_INVALID", /incomplete/],
      ["a message over maxMessageSize", [rawFrame({ total: 2 ** 40, stride: 2 ** 20, count: 2 ** 20 }, 0)], "ERR_FRAME_TOO_LARGE", /over maxMessageSize/],
    ];
    for (const [name, frames, code, message] of cases) {
      it(`rejects ${name} with ${code}`, () => {
        const { end } = outcome(frames);
        expectFrameError(end, code);
        expect((end as PeerError).message).to.match(message);
      });
    }

    it("checks the declared size against maxMessageSize before buffering anything, and pulls no further frame", () => {
      // The last frame of a message declaring 2^52 bytes, more than any runtime can allocate:
      // allowed, dechunk tries to make its buffer and says it could not; over maxMessageSize,
      // it must refuse it by the header alone, so the allocation is never attempted.
      const count = 2 ** 21 + 1;
      const total = 2 ** 52 + 10;
      const huge = rawFrame({ total, stride: 2 ** 31, count, index: count - 1 }, 10);
      const allowed = outcome([huge], { maxMessageSize: total });
      expectFrameError(allowed.end, "ERR_FRAME_TOO_LARGE");
      expect((allowed.end as PeerError).message).to.match(/could not allocate/);

      const pulled: ArrayBuffer[] = [];
      let end: unknown;
      from([huge, ...Array.from({ length: 10 }, () => rawFrame({ total: 8, stride: 4, count: 2 }, 4))])
        .pipe(
          tap((frame) => pulled.push(frame)),
          dechunk({ maxMessageSize: 2 ** 20 }),
        )
        .subscribe({ error: (e: unknown) => (end = e) });
      expectFrameError(end, "ERR_FRAME_TOO_LARGE");
      expect((end as PeerError).message).to.match(/over maxMessageSize 1048576/);
      expect(pulled, "frames pulled from the source").to.have.length(1);
    });

    it("bounds the messages held at once (maxPendingMessages)", () => {
      const starts = Array.from({ length: 5 }, (_, seq) => rawFrame({ stream: 1, seq: seq + 1, total: 8, stride: 4, count: 2 }, 4));
      expect(outcome(starts.slice(0, 4), { maxPendingMessages: 4 }).end).to.be.instanceOf(PeerError); // incomplete at the end
      expect((outcome(starts.slice(0, 4), { maxPendingMessages: 4 }).end as PeerError).message).to.match(/incomplete/);
      const { end } = outcome(starts, { maxPendingMessages: 4 });
      expectFrameError(end, "ERR_FRAME_TOO_LARGE");
      expect((end as PeerError).message).to.match(/maxPendingMessages/);
    });

    it("bounds the bytes held at once (maxPendingBytes)", () => {
      const big = (stream: number) => rawFrame({ stream, total: 600, stride: 300, count: 2 }, 300);
      const { end } = outcome([big(1), big(2)], { maxPendingBytes: 1000 });
      expectFrameError(end, "ERR_FRAME_TOO_LARGE");
      expect((end as PeerError).message).to.match(/maxPendingBytes/);
    });

    it("delivers a stream's messages in order when a later one completes first", () => {
      const frames: ArrayBuffer[] = [];
      for (const [seq, text] of ["first", "second"].entries()) {
        writeFrames(new TextEncoder().encode(text), 1, 3, seq, HEADER_SIZE + 4, { next: (f) => frames.push(f), closed: false });
      }
      const second = frames.slice(2);
      const { messages, end } = outcome([...second, ...frames.slice(0, 2)]);
      expect(end).to.equal("complete");
      expect(messages).to.deep.equal(["first", "second"]);
    });
  });

  describe("dechunk on hostile input (property)", () => {
    const fieldArb = fc.record({
      magic: fc.constantFrom(FRAME_MAGIC, FRAME_MAGIC, FRAME_MAGIC, 0),
      version: fc.constantFrom(FRAME_VERSION, FRAME_VERSION, 2),
      kind: fc.integer({ min: 0, max: 2 }),
      stream: fc.integer({ min: 0, max: 2 }),
      seq: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(0xffffffff)),
      index: fc.integer({ min: 0, max: 4 }),
      count: fc.integer({ min: 0, max: 5 }),
      stride: fc.integer({ min: 0, max: 6 }),
      total: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(2 ** 40)),
    });
    const nearValidFrame = fc.tuple(fieldArb, fc.integer({ min: 0, max: 8 })).map(([fields, payload]) => rawFrame(fields, payload));
    const randomFrame = fc.uint8Array({ maxLength: 80 }).map((bytes) => bytes.slice().buffer);

    it("ends random and near-valid frames in a frame error or completion, synchronously, never a crash", () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(nearValidFrame, randomFrame), { maxLength: 30 }), (frames) => {
          const { end } = outcome(frames);
          expect(end, "dechunk must terminate synchronously").to.not.equal(undefined);
          if (end !== "complete") expectFrameError(end);
        }),
        { numRuns: 500 },
      );
    });

    // Synchronous types only (no Blob) and small sizes: these runs are about framing, not volume.
    const smallBinaryArb = fc
      .tuple(fc.constantFrom("ArrayBuffer", "DataView", ...Object.keys(VIEWS)), fc.integer({ min: 0, max: 3000 }), fc.integer(), fc.integer({ min: 0, max: 9 }))
      .map(([kind, size, seed, offset]) => binarySample(kind, size, seed, offset));
    const smallStringArb = fc.string({ unit: "binary", maxLength: 1000 }).map((text): Sample => ({ value: text, expected: text, label: "string" }));
    const validFramesArb = fc
      .tuple(fc.array(fc.oneof(smallBinaryArb, smallStringArb), { minLength: 1, maxLength: 4 }), fc.integer({ min: HEADER_SIZE + 1, max: 600 }))
      .map(([samples, chunkSize]) => {
        const frames: ArrayBuffer[] = [];
        from(samples.map((s) => s.value))
          .pipe(chunk({ chunkSize }))
          .subscribe((f) => frames.push(f));
        return frames;
      });

    it("ends mutated frames (bit flips, header changes) in a frame error or completion", () => {
      fc.assert(
        fc.property(validFramesArb, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (frames, flips) => {
          const mutated = frames.map((f) => f.slice(0));
          for (const [which, at, value] of flips) {
            const target = mutated[which % mutated.length] as ArrayBuffer;
            if (target.byteLength > 0) new Uint8Array(target)[at % Math.min(target.byteLength, HEADER_SIZE + 8)] = value;
          }
          const { end } = outcome(mutated);
          expect(end).to.not.equal(undefined);
          if (end !== "complete") expectFrameError(end);
        }),
        { numRuns: 300 },
      );
    });

    it("always rejects a dropped (not the whole last message), duplicated or truncated frame with ERR_FRAME_INVALID", () => {
      fc.assert(
        fc.property(validFramesArb, fc.nat(), fc.constantFrom("drop", "duplicate", "truncate"), fc.integer({ min: 1, max: 40 }), (frames, pick, mutation, cut) => {
          const at = pick % frames.length;
          const victim = frames[at] as ArrayBuffer;
          // A whole last message dropped leaves nothing behind to notice: not a dropped frame.
          fc.pre(!(mutation === "drop" && at === frames.length - 1 && new DataView(victim).getUint32(16) === 1));
          const mutated =
            mutation === "drop"
              ? frames.filter((_, i) => i !== at)
              : mutation === "duplicate"
                ? [...frames.slice(0, at + 1), victim, ...frames.slice(at + 1)]
                : frames.map((f, i) => (i === at ? f.slice(0, Math.max(0, f.byteLength - cut)) : f));
          expectFrameError(outcome(mutated).end, "ERR_FRAME_INVALID");
        }),
        { numRuns: 300 },
      );
    });
  });

  it("merges two pipelines' frames on one stream of frames into both messages", async () => {
    const big = patternBytes(200_000, 5);
    const out = await collect(merge(of(big).pipe(chunk()), of("é".repeat(50_000)).pipe(chunk())).pipe(dechunk()));
    expect(out.length).to.equal(2);
    const text = out.find((m) => typeof m === "string");
    const binary = out.find((m) => m instanceof ArrayBuffer) as ArrayBuffer;
    expect(text).to.equal("é".repeat(50_000));
    expect(sameBytes(new Uint8Array(binary), big)).to.equal(true);
  });
});
