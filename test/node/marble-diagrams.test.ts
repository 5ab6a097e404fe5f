// The marble diagrams of docs/operators.md (docs/marbles/diagrams.ts) run through the real
// operators in virtual time: each picture shows what the operator does, frame for frame.
// The text marbles of each operator's doc comment must be the same diagram.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { NEVER, Observable, Subject, catchError, filter, map, of, throwError, toArray } from "rxjs";
import { TestScheduler, type RunHelpers } from "rxjs/testing";
import { diagrams, type MarbleDiagram } from "../../docs/marbles/diagrams.js";
import { docMarblesMismatch } from "../../docs/marbles/ascii.js";
import * as operators from "../../operators/index.js";
import { decodeTransferFrame, encodeCount, encodeData, encodeOffer, encodeReason } from "../../operators/transfer-frame.js";
import { PeerError, type SignalData } from "../../src/index.js";

const { chunk, dechunk, sendTo, bufferUntilConnected, retryBackoff, serialize, deserialize, toSimplePeerSignal, connectSignaling, sendFile, receiveFiles, isTransferFrame } = operators;

type Runner = (helpers: RunHelpers, diagram: MarbleDiagram) => void;

/** ArrayBuffers as byte arrays, deep inside TestScheduler's messages: toEqual compares those by content, not ArrayBuffers. */
function comparable(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, comparable(inner)]));
  }
  return value;
}

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(comparable(actual)).toEqual(comparable(expected)));

const lane = (diagram: MarbleDiagram, side: "inputs" | "outputs", index: number): string => {
  const found = diagram[side][index];
  if (!found) throw new Error(`diagram ${diagram.name} has no ${side}[${index}]`);
  return found.marbles;
};
const input = (diagram: MarbleDiagram, index = 0) => lane(diagram, "inputs", index);
const output = (diagram: MarbleDiagram, index = 0) => lane(diagram, "outputs", index);

/** An error as its code, so diagrams can compare errors by what users branch on. */
const errorCode = <T>(source: Observable<T>): Observable<T> =>
  source.pipe(catchError((err: unknown) => throwError(() => (err instanceof PeerError ? err.code : err))));

/** Frames made by chunk() now, outside virtual time (it frames ArrayBuffers synchronously). */
function framesOf(message: string | ArrayBuffer, chunkSize: number): ArrayBuffer[] {
  let frames: ArrayBuffer[] = [];
  of(message).pipe(chunk({ chunkSize }), toArray()).subscribe((all) => (frames = all));
  return frames;
}

/** The frames of "hi" (one) and of the 40-byte buffer (three) that the dechunk diagram feeds in. */
function dechunkInputs(): Record<"x" | "y" | "z" | "f", ArrayBuffer> {
  const [x, y, z, ...moreOfB] = framesOf(forty, 48);
  const [f, ...moreOfHi] = framesOf("hi", 48);
  if (!x || !y || !z || !f || moreOfB.length || moreOfHi.length) throw new Error("chunk({ chunkSize: 48 }) did not make 3 + 1 frames");
  return { x, y, z, f };
}

const forty = Uint8Array.from({ length: 40 }, (_, i) => i).buffer;
const sixteen = (letter: string): string => letter.repeat(16);
const offer: SignalData = { type: "sdp", data: { type: "offer", sdp: "v=0\r\n" } };
const candidate: SignalData = { type: "candidate", data: { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } };

const runners: Record<string, Runner> = {
  chunk: ({ cold, expectObservable }, d) => {
    const source = cold(input(d), { a: "hi", b: forty });
    const sizes = source.pipe(chunk({ chunkSize: 48 }), map((frame) => frame.byteLength));
    expectObservable(sizes).toBe(output(d), { f: 34, x: 48, y: 48, z: 40 });
  },

  dechunk: ({ cold, expectObservable }, d) => {
    expectObservable(cold(input(d), dechunkInputs()).pipe(dechunk())).toBe(output(d), { a: "hi", b: forty });
  },

  sendTo: ({ cold, expectObservable, flush }, d) => {
    const sent: unknown[] = [];
    const peer = {
      connected$: cold(input(d, 1), { f: false, t: true }),
      close$: NEVER,
      destroyed: false,
      send: (data: string | ArrayBuffer | ArrayBufferView) => void sent.push(data),
    };
    const source = cold(input(d), { a: sixteen("a"), b: sixteen("b"), c: sixteen("c") });
    expectObservable(source.pipe(sendTo(peer))).toBe(output(d), { x: 16, y: 32, z: 48 });
    flush();
    expect(sent).toEqual([sixteen("a"), sixteen("b"), sixteen("c")]);
  },

  bufferUntilConnected: ({ cold, expectObservable }, d) => {
    const peer = { connected$: cold(input(d, 1), { f: false, t: true }) };
    expectObservable(cold(input(d)).pipe(bufferUntilConnected(peer))).toBe(output(d));
  },

  retryBackoff: ({ cold, expectObservable }, d) => {
    expectObservable(cold(input(d)).pipe(retryBackoff({ initialDelay: 2, maxDelay: 4, maxRetries: 2 }))).toBe(output(d));
  },

  serialize: ({ cold, expectObservable }, d) => {
    expectObservable(cold(input(d), { a: { x: 1 }, b: [2, 3] }).pipe(serialize())).toBe(output(d), { s: '{"x":1}', t: "[2,3]" });
  },

  deserialize: ({ cold, expectObservable }, d) => {
    const data$ = cold(input(d), { s: '{"x":1}', t: "[2,3]", u: "oops" });
    expectObservable(errorCode(data$.pipe(deserialize()))).toBe(output(d), { a: { x: 1 }, b: [2, 3] }, "ERR_FRAME_INVALID");
  },

  toSimplePeerSignal: ({ cold, expectObservable }, d) => {
    const signal$ = cold<SignalData>(input(d), { o: offer, c: candidate });
    expectObservable(signal$.pipe(toSimplePeerSignal())).toBe(output(d), {
      p: { type: "offer", sdp: "v=0\r\n" },
      q: { type: "candidate", candidate: candidate.data },
    });
  },

  connectSignaling: ({ cold, expectObservable }, d) => {
    const sentOut = new Subject<SignalData>();
    const signalled = new Subject<unknown>();
    const peer = {
      signal$: cold<SignalData>(input(d, 0), { o: offer, c: candidate }),
      signal: (data: unknown) => {
        signalled.next(data);
        return Promise.resolve();
      },
    };
    const incoming = cold(input(d, 1), { a: "answer", d: "remote candidate" });
    const channel = Object.assign(new Observable<unknown>((subscriber) => incoming.subscribe(subscriber)), {
      next: (signal: SignalData) => sentOut.next(signal),
    });
    connectSignaling(peer, channel);
    expectObservable(sentOut).toBe(output(d, 0), { o: offer, c: candidate });
    expectObservable(signalled).toBe(output(d, 1), { a: "answer", d: "remote candidate" });
  },
};

// The transfer diagrams show what happens in virtual time: sendFile's reads of its source
// are promises, which run after the scheduler's flush (by then a cancelled transfer is over).
Object.assign(runners, {
  sendFile: ({ cold, expectObservable }, d) => {
    const sent = new Subject<string>();
    let id: number | undefined;
    const peer = {
      connected$: cold("t", { t: true }),
      close$: NEVER,
      destroyed: false,
      send: (data: string | ArrayBuffer | ArrayBufferView) => {
        const frame = decodeTransferFrame(new Uint8Array(data as ArrayBuffer));
        id ??= frame.id;
        sent.next(frame.type === "offer" ? "o" : frame.type);
      },
      // What the receiver sends, addressed to the transfer once its offer has named it.
      data$: cold(input(d), { c: "credit", x: "cancel" }).pipe(map((kind) => (kind === "credit" ? encodeCount("credit", id ?? 0, 1000) : encodeReason("cancel", id ?? 0, "not wanted")))),
    };
    expectObservable(sent).toBe(output(d, 0), { o: "o" });
    expectObservable(errorCode(sendFile(peer, new Blob(["hello"])))).toBe(output(d, 1), { z: { bytes: 0, total: 5 } }, "ERR_TRANSFER_CANCELLED");
  },

  receiveFiles: ({ cold, expectObservable }, d) => {
    const peer = {
      connected$: cold("t", { t: true }),
      close$: NEVER,
      destroyed: false,
      send: () => undefined,
      data$: cold(input(d), {
        o: encodeOffer(1, { name: "a.txt", type: "text/plain", size: 2 }),
        d: encodeData(1, 0, new TextEncoder().encode("hi")),
        e: encodeCount("end", 1, 2),
        p: encodeOffer(2, { name: "b.txt", type: "", size: 10 }),
      }),
    };
    expectObservable(receiveFiles(peer).pipe(map((file) => file.name))).toBe(output(d), { a: "a.txt", b: "b.txt" });
  },

  isTransferFrame: ({ cold, expectObservable }, d) => {
    const [chunkFrame] = framesOf("x", 48);
    const data$ = cold(input(d), { a: "hi", f: encodeCount("credit", 1, 100), g: encodeData(1, 0, new Uint8Array(3)), b: chunkFrame });
    expectObservable(data$.pipe(filter((m) => !isTransferFrame(m)))).toBe(output(d), { a: "hi", b: chunkFrame });
  },
} satisfies Record<string, Runner>);

describe("marble diagrams of docs/operators.md", () => {
  it("draw every function of rxpeer/operators, and nothing else", () => {
    const exported = Object.entries(operators).filter(([, value]) => typeof value === "function").map(([name]) => name).sort();
    expect(diagrams.map((d) => d.name).sort()).toEqual(exported);
    expect(Object.keys(runners).sort()).toEqual(exported);
  });

  for (const diagram of diagrams) {
    it(`${diagram.call} behaves as drawn`, () => {
      const runner = runners[diagram.name];
      if (!runner) throw new Error(`no runner for diagram ${diagram.name}`);
      scheduler().run((helpers) => runner(helpers, diagram));
    });
  }

  it("catches a diagram that lies (a marble moved one frame)", () => {
    const diagram = diagrams.find((d) => d.name === "bufferUntilConnected");
    if (!diagram) throw new Error("no bufferUntilConnected diagram");
    const moved: MarbleDiagram = { ...diagram, outputs: [{ label: "result", marbles: "---------(ab)c-|" }] };
    expect(() => scheduler().run((helpers) => runners.bufferUntilConnected?.(helpers, moved))).toThrow();
  });

  it("catches a binary value that differs (so ArrayBuffers are compared by content)", () => {
    const diagram = diagrams.find((d) => d.name === "dechunk");
    if (!diagram) throw new Error("no dechunk diagram");
    const other = new Uint8Array(40).buffer;
    expect(() =>
      scheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold(input(diagram), dechunkInputs()).pipe(dechunk())).toBe(output(diagram), { a: "hi", b: other });
      }),
    ).toThrow();
  });

  const sourceOf = (name: string): string => readFileSync(fileURLToPath(new URL(`../../operators/${name}.ts`, import.meta.url)), "utf8");

  for (const diagram of diagrams) {
    it(`${diagram.name}()'s doc comment draws the same marbles (npm run docs writes them)`, () => {
      expect(docMarblesMismatch(sourceOf(diagram.name), diagram.name, diagram)).toBeUndefined();
    });
  }

  it("catches a doc comment whose marbles disagree with the diagram (a marble moved one frame)", () => {
    const diagram = diagrams.find((d) => d.name === "bufferUntilConnected");
    if (!diagram) throw new Error("no bufferUntilConnected diagram");
    const source = sourceOf("bufferUntilConnected");
    const edited = source.replace("--------(ab)c--|", "---------(ab)c-|");
    expect(edited).not.toBe(source);
    expect(docMarblesMismatch(edited, diagram.name, diagram)).toMatch(/differ from docs\/marbles\/diagrams.ts/);
    const relabelled = source.replace(" * f = false, t = true", " * f = false, t = connected");
    expect(relabelled).not.toBe(source);
    expect(docMarblesMismatch(relabelled, diagram.name, diagram)).toMatch(/differ/);
  });
});
