// Fuzz runs of the receiving operators (Node), shared by the short suite and the soak:
// dechunk() fed random, mutated and hostile frames must end in a frame error or complete,
// synchronously, without ever holding more than its limits allow, whatever a frame
// declares; deserialize() fed hostile text must parse or fail with ERR_FRAME_INVALID,
// and never pollute a prototype. Memory is measured with process.memoryUsage().arrayBuffers.
import { expect } from "chai";
import fc from "fast-check";
import { Observable, from, of } from "rxjs";
import { PeerError } from "../../src/index.js";
import { chunk, dechunk, deserialize } from "../../operators/index.js";
import { HEADER_SIZE } from "../../operators/frame.js";
import { rawFrame } from "./raw-frame.js";

export { rawFrame };

const MIB = 1024 * 1024;
/** The dechunk limit the fuzz runs under: far below what hostile frames declare. */
export const FUZZ_MAX_MESSAGE_SIZE = MIB;

/** How a run through an operator ended, observed synchronously. */
export interface Outcome {
  values: unknown[];
  end: "complete" | "open" | unknown;
}

/** Subscribes and reports what happened before subscribe() returned: the operators are synchronous. */
export function runSync<T>(source: Observable<T>): Outcome {
  const values: unknown[] = [];
  let end: Outcome["end"] = "open";
  source.subscribe({ next: (v) => values.push(v), complete: () => (end = "complete"), error: (e: unknown) => (end = e) });
  return { values, end };
}

/** Frames of real messages, as chunk() makes them. */
function framesOf(messages: (string | Uint8Array)[], chunkSize: number): ArrayBuffer[] {
  const frames: ArrayBuffer[] = [];
  from(messages).pipe(chunk({ chunkSize })).subscribe((frame) => frames.push(frame));
  return frames;
}

/** Header fields by byte offset, for rewriting. */
const FIELD_OFFSETS = [4, 8, 12, 16, 20, 24, 28] as const;
const SPECIAL_U32 = [0, 1, 2, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 64, 0x10, 0x100000];

type Mutation =
  | { op: "flip"; frame: number; at: number; value: number }
  | { op: "field"; frame: number; offset: number; value: number }
  | { op: "truncate"; frame: number; cut: number }
  | { op: "extend"; frame: number; extra: number }
  | { op: "duplicate"; frame: number }
  | { op: "drop"; frame: number }
  | { op: "swap"; frame: number; other: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), frame: fc.nat(), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("field" as const), frame: fc.nat(), offset: fc.constantFrom(...FIELD_OFFSETS), value: fc.oneof(fc.constantFrom(...SPECIAL_U32), fc.integer({ min: 0, max: 0xffff_ffff })) }),
  fc.record({ op: fc.constant("truncate" as const), frame: fc.nat(), cut: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant("extend" as const), frame: fc.nat(), extra: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant("duplicate" as const), frame: fc.nat() }),
  fc.record({ op: fc.constant("drop" as const), frame: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), frame: fc.nat(), other: fc.nat() }),
);

function mutate(frames: ArrayBuffer[], mutations: Mutation[]): ArrayBuffer[] {
  const out = frames.map((f) => f.slice(0));
  for (const m of mutations) {
    if (out.length === 0) break;
    const i = m.frame % out.length;
    const target = out[i] as ArrayBuffer;
    if (m.op === "flip" && target.byteLength > 0) {
      const bytes = new Uint8Array(target);
      const at = m.at % bytes.byteLength;
      bytes[at] = (bytes[at] ?? 0) ^ (m.value || 1);
    }
    else if (m.op === "field" && target.byteLength >= HEADER_SIZE) new DataView(target).setUint32(m.offset, m.value);
    else if (m.op === "truncate") out[i] = target.slice(0, Math.max(0, target.byteLength - m.cut));
    else if (m.op === "extend") {
      const longer = new Uint8Array(target.byteLength + m.extra);
      longer.set(new Uint8Array(target));
      out[i] = longer.buffer;
    } else if (m.op === "duplicate") out.splice(i, 0, target.slice(0));
    else if (m.op === "drop") out.splice(i, 1);
    else if (m.op === "swap") {
      const j = m.other % out.length;
      out[i] = out[j] as ArrayBuffer;
      out[j] = target;
    }
  }
  return out;
}

/** What the data channel could hand dechunk at runtime: frames as buffers, views with offsets, or the wrong thing. */
type Delivery = "buffer" | "view" | "dataview";
function deliver(frame: ArrayBuffer, how: Delivery): unknown {
  if (how === "buffer") return frame;
  // Junk around the frame: a view must be read at its offset, never past its end.
  const padded = new Uint8Array(frame.byteLength + 7);
  padded.fill(0xee);
  padded.set(new Uint8Array(frame), 3);
  return how === "view" ? padded.subarray(3, 3 + frame.byteLength) : new DataView(padded.buffer, 3, frame.byteLength);
}

const messageArb = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.uint8Array({ maxLength: 3000 }));
const wrongInput = fc.constantFrom<unknown>("a string", 42, null, undefined, {}, [1, 2], new Blob(["x"]), Symbol("frame"), { byteLength: 2 ** 31 });

/** A consistent frame of a message declaring the limit, just over it, or far over it: the allocation attempt. */
const bigDeclaringFrame: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(FUZZ_MAX_MESSAGE_SIZE - 1, FUZZ_MAX_MESSAGE_SIZE, FUZZ_MAX_MESSAGE_SIZE + 1, 2 ** 31, 2 ** 53 - 1), fc.constantFrom(512, 16_352), fc.nat(), fc.integer({ min: 0, max: 3 }))
  .map(([total, stride, pick, stream]) => {
    const count = Math.ceil(total / stride);
    const index = pick % Math.min(count, 4);
    return rawFrame({ stream, seq: pick % 3, total, stride, count, index }, stride) as unknown;
  });

/** Sequences of frames: mutated real frames, headers declaring anything, random bytes, wrong types. */
export const hostileFrames: fc.Arbitrary<unknown[]> = fc
  .tuple(
    fc.array(messageArb, { minLength: 1, maxLength: 4 }),
    fc.integer({ min: HEADER_SIZE + 1, max: 700 }),
    fc.array(mutationArb, { maxLength: 5 }),
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => b.slice().buffer as unknown) },
        {
          weight: 3,
          arbitrary: fc
            .record({
              kind: fc.integer({ min: 0, max: 2 }),
              stream: fc.integer({ min: 0, max: 3 }),
              seq: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(0x7fff_ffff, 0xffff_ffff)),
              index: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(0xffff_ffff)),
              count: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(2048, 0xffff_ffff)),
              stride: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(512, 0xffff_ffff)),
              total: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(FUZZ_MAX_MESSAGE_SIZE, FUZZ_MAX_MESSAGE_SIZE + 1, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1)),
            })
            .chain((fields) => fc.integer({ min: 0, max: 16 }).map((payload) => rawFrame(fields, payload) as unknown)),
        },
        { weight: 2, arbitrary: bigDeclaringFrame },
        { weight: 1, arbitrary: wrongInput },
      ),
      { maxLength: 6 },
    ),
    fc.nat(),
    fc.constantFrom<Delivery>("buffer", "view", "dataview"),
  )
  .map(([messages, chunkSize, mutations, extra, at, how]) => {
    const frames: unknown[] = mutate(framesOf(messages, chunkSize), mutations).map((f) => deliver(f, how));
    frames.splice(at % (frames.length + 1), 0, ...extra);
    return frames;
  });

/** Figures of a dechunk fuzz run. */
export interface DechunkFuzzFigures {
  runs: number;
  completed: number;
  tooLarge: number;
  invalid: number;
  /** Highest rise of arrayBuffers seen during any run, bytes. */
  peakArrayBufferRise: number;
}

/**
 * Runs `numRuns` hostile frame sequences through dechunk({ maxMessageSize: 1 MiB }). Every
 * run must end synchronously in completion or a PeerError of a frame code, and
 * arrayBuffers may never rise by more than what the limits allow plus the run's own frames.
 */
export function fuzzDechunk(numRuns: number, seed?: number): DechunkFuzzFigures {
  const figures: DechunkFuzzFigures = { runs: 0, completed: 0, tooLarge: 0, invalid: 0, peakArrayBufferRise: 0 };
  fc.assert(
    fc.property(hostileFrames, (frames) => {
      figures.runs++;
      const base = process.memoryUsage().arrayBuffers;
      let peak = base;
      const sample = (): void => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      };
      // Memory is sampled after each frame is handed on, so a buffer made and dropped within the run is seen.
      const source = new Observable<unknown>((subscriber) => {
        for (const frame of frames) {
          if (subscriber.closed) return;
          subscriber.next(frame);
          sample();
        }
        subscriber.complete();
      });
      const { end } = runSync((source as Observable<ArrayBuffer>).pipe(dechunk({ maxMessageSize: FUZZ_MAX_MESSAGE_SIZE })));
      sample();
      expect(end, "dechunk must end synchronously").to.not.equal("open");
      if (end === "complete") figures.completed++;
      else {
        expect(end).to.be.instanceOf(PeerError);
        const code = (end as PeerError).code;
        expect(code).to.be.oneOf(["ERR_FRAME_INVALID", "ERR_FRAME_TOO_LARGE"]);
        if (code === "ERR_FRAME_TOO_LARGE") figures.tooLarge++;
        else figures.invalid++;
      }
      // The only big allocation dechunk may make is a message buffer, within maxPendingBytes (= maxMessageSize).
      const rise = peak - base;
      figures.peakArrayBufferRise = Math.max(figures.peakArrayBufferRise, rise);
      expect(rise, "arrayBuffers rise during one run").to.be.at.most(FUZZ_MAX_MESSAGE_SIZE + 256 * 1024);
    }),
    { numRuns, seed, endOnFailure: true },
  );
  return figures;
}

/** Texts for deserialize(): random JSON, broken JSON, deep nesting, `__proto__` keys, huge and non-UTF-8 binary. */
export const hostileJson: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.json() },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { weight: 2, arbitrary: fc.tuple(fc.json(), fc.nat(), fc.string({ maxLength: 3 })).map(([json, at, junk]) => json.slice(0, at % (json.length + 1)) + junk + json.slice(at % (json.length + 1))) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 10, max: 100_000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "0" + "}".repeat(depth))),
  },
  { weight: 2, arbitrary: fc.constantFrom('{"__proto__":{"polluted":true}}', '{"a":{"__proto__":{"polluted":true}}}', '[{"__proto__":null}]', '{"constructor":{"prototype":{"polluted":true}}}') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * MIB }).map((n) => JSON.stringify("x".repeat(n))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.json().map((json) => new TextEncoder().encode(json)) },
);

/** Figures of a deserialize fuzz run. */
export interface DeserializeFuzzFigures {
  runs: number;
  parsed: number;
  refused: number;
}

/**
 * Runs `numRuns` hostile texts through deserialize(): each must give exactly what
 * JSON.parse gives, or end with ERR_FRAME_INVALID; no prototype may change.
 */
export function fuzzDeserialize(numRuns: number, seed?: number): DeserializeFuzzFigures {
  const figures: DeserializeFuzzFigures = { runs: 0, parsed: 0, refused: 0 };
  const protoKeys = JSON.stringify([Object.prototype, Array.prototype].map((p) => Reflect.ownKeys(p).map(String)));
  fc.assert(
    fc.property(hostileJson, (input) => {
      figures.runs++;
      const { values, end } = runSync(of(input).pipe(deserialize()));
      expect(end).to.not.equal("open");
      if (end === "complete") {
        figures.parsed++;
        const text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input);
        expect(values).to.have.length(1);
        // Deep nesting parses (V8's JSON.parse is not recursive) but a recursive deep-equal would overflow the stack.
        if (text.length < 2_000) expect(values[0]).to.deep.equal(JSON.parse(text));
        else expect(typeof values[0]).to.equal(typeof JSON.parse(text));
      } else {
        figures.refused++;
        expect(end).to.be.instanceOf(PeerError);
        expect((end as PeerError).code).to.equal("ERR_FRAME_INVALID");
      }
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(JSON.stringify([Object.prototype, Array.prototype].map((p) => Reflect.ownKeys(p).map(String)))).to.equal(protoKeys);
    }),
    { numRuns, seed, endOnFailure: true },
  );
  return figures;
}
