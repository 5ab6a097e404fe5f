// The file-transfer frame parser and receiver, fuzzed (fast-check): any bytes after the magic
// decode to a frame or fail with a PeerError, never another exception; every frame round-trips;
// and a hostile stream of well-formed frames never makes receiveFiles hold more than one
// window per transfer, nor throw anything but a PeerError.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { NEVER, Subject, of } from "rxjs";
import { PeerError } from "../../src/index.js";
import { receiveFiles, type IncomingFile } from "../../operators/index.js";
import { decodeTransferFrame, encodeCount, encodeData, encodeOffer, encodeReason, encodeReady, type TransferFrame } from "../../operators/transfer-frame.js";
import type { TransferPeer } from "../../operators/transfer-peer.js";

const MAGIC = [0x52, 0x58, 0x46];

const frameArbitrary: fc.Arbitrary<TransferFrame> = fc.oneof(
  fc.record({
    type: fc.constant("offer" as const),
    id: fc.nat(),
    offer: fc.record({ name: fc.string(), type: fc.string(), size: fc.option(fc.maxSafeNat(), { nil: undefined }), meta: fc.option(fc.jsonValue(), { nil: undefined }) }, { requiredKeys: ["name", "type"] }),
  }),
  fc.record({ type: fc.constant("data" as const), id: fc.nat(), offset: fc.maxSafeNat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ type: fc.constantFrom("end" as const, "credit" as const, "ack" as const), id: fc.nat(), value: fc.maxSafeNat() }),
  fc.record({ type: fc.constantFrom("abort" as const, "cancel" as const, "refuse" as const), id: fc.nat(), reason: fc.string({ maxLength: 100 }) }),
  fc.constant({ type: "ready" as const, id: 0 }),
);

function encode(frame: TransferFrame): ArrayBuffer {
  switch (frame.type) {
    case "offer":
      return encodeOffer(frame.id, frame.offer);
    case "data":
      return encodeData(frame.id, frame.offset, frame.bytes);
    case "end":
    case "credit":
    case "ack":
      return encodeCount(frame.type, frame.id, frame.value);
    case "abort":
    case "cancel":
    case "refuse":
      return encodeReason(frame.type, frame.id, frame.reason);
    case "ready":
      return encodeReady();
  }
}

/** Decodes, and says how it ended: a frame, or the PeerError's code. Anything else thrown fails the property. */
function outcome(bytes: Uint8Array): TransferFrame | string {
  try {
    return decodeTransferFrame(bytes);
  } catch (err) {
    if (!(err instanceof PeerError)) throw err;
    expect(["ERR_FRAME_INVALID", "ERR_FRAME_TOO_LARGE"]).toContain(err.code);
    expect(err.message).toMatch(/^transfer frame: /);
    return err.code;
  }
}

describe("transfer frames under fuzzing", () => {
  it("any bytes after the magic decode to a frame or fail with ERR_FRAME_INVALID / ERR_FRAME_TOO_LARGE", () => {
    const codes = new Set<string>();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(12), fc.nat(3), (tail, type, version) => {
        const bytes = new Uint8Array([...MAGIC, version, type, ...tail]);
        const result = outcome(bytes);
        codes.add(typeof result === "string" ? result : result.type);
        // What decodes is exactly what the encoder writes for it (offers aside: JSON has many spellings).
        if (typeof result !== "string" && result.type !== "offer" && result.type !== "ready") expect(new Uint8Array(encode(result))).toEqual(bytes);
      }),
      { numRuns: 5_000 },
    );
    // The runs reached both ends: valid frames of several types, and errors.
    expect(codes.has("ERR_FRAME_INVALID")).toBe(true);
    expect([...codes].filter((c) => !c.startsWith("ERR_")).length).toBeGreaterThan(3);
  });

  it("every frame round-trips, and every mutation of one decodes or fails with a PeerError", () => {
    fc.assert(
      fc.property(frameArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, at, flip) => {
        const bytes = new Uint8Array(encode(frame));
        const decoded = decodeTransferFrame(bytes);
        if (frame.type === "data" && decoded.type === "data") expect([decoded.id, decoded.offset, [...decoded.bytes]]).toEqual([frame.id, frame.offset, [...frame.bytes]]);
        else expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(frame)));
        const mutated = bytes.slice();
        const index = 3 + (at % (mutated.byteLength - 3));
        mutated[index] = (mutated[index] ?? 0) ^ flip;
        outcome(mutated);
        outcome(bytes.subarray(0, at % bytes.byteLength));
      }),
      { numRuns: 3_000 },
    );
  });

  it("receiveFiles fed hostile sequences of well-formed frames holds at most one window per transfer and errors only with a PeerError", async () => {
    const WINDOW = 256;
    const ids = fc.integer({ min: 1, max: 2 });
    const hostileFrame = fc.oneof(
      { weight: 1, arbitrary: fc.record({ type: fc.constant("offer" as const), id: ids, offer: fc.record({ name: fc.constant("f"), type: fc.constant(""), size: fc.option(fc.nat(2000), { nil: undefined, freq: 2 }) }, { requiredKeys: ["name", "type"] }) }) },
      // Offset -1 stands for "where this id's bytes so far end", so most runs get past the offset check.
      { weight: 8, arbitrary: fc.record({ type: fc.constant("data" as const), id: ids, offset: fc.oneof({ arbitrary: fc.constant(-1), weight: 6 }, { arbitrary: fc.nat(600), weight: 1 }), bytes: fc.integer({ min: 1, max: 120 }).map((n) => new Uint8Array(n).fill(n)) }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant("end" as const), id: ids, value: fc.nat(600) }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant("abort" as const), id: ids, reason: fc.constant("x") }) },
    );
    let worst = 0;
    let overruns = 0; // streams stopped because their sender went past the window
    await fc.assert(
      fc.asyncProperty(fc.array(hostileFrame, { minLength: 10, maxLength: 60 }), async (frames) => {
        const data$ = new Subject<string | ArrayBuffer>();
        const sent: ArrayBuffer[] = [];
        const peer: TransferPeer = { data$, connected$: of(true), close$: NEVER, destroyed: false, send: (frame) => void sent.push(frame as ArrayBuffer) };
        const files: IncomingFile[] = [];
        let ended: unknown = "open";
        receiveFiles(peer, { window: WINDOW, maxConcurrent: 2 }).subscribe({ next: (file) => files.push(file), error: (err: unknown) => (ended = err), complete: () => (ended = "complete") });
        const offsets = new Map<number, number>();
        for (const frame of frames) {
          if (frame.type === "offer" && !offsets.has(frame.id)) offsets.set(frame.id, 0);
          if (frame.type === "data" && frame.offset === -1) {
            frame.offset = offsets.get(frame.id) ?? 0;
            offsets.set(frame.id, frame.offset + frame.bytes.byteLength);
          }
          data$.next(encode(frame));
        }
        expect(ended === "open" || ended instanceof PeerError).toBe(true);
        for (const file of files) {
          // What is held for this file: whatever its stream gives before it would have to wait for the sender.
          const reader = file.stream.getReader();
          let held = 0;
          for (;;) {
            const next = await Promise.race([
              reader.read().catch((err: unknown) => {
                if (err instanceof PeerError && /past the 256 granted/.test(err.message)) overruns++;
                return { done: true as const, value: undefined };
              }),
              new Promise<"waiting">((resolve) => setTimeout(() => resolve("waiting"), 0)),
            ]);
            if (next === "waiting" || next.done) break;
            held += next.value.byteLength;
          }
          worst = Math.max(worst, held);
          expect(held).toBeLessThanOrEqual(WINDOW);
          reader.releaseLock();
        }
        data$.complete();
      }),
      { numRuns: 300 },
    );
    console.log(`[figure] receiveFiles fuzz: most held by one transfer ${worst} bytes (window ${WINDOW}); ${overruns} transfers stopped for passing it`);
    // The runs did hold bytes, and did try to pass the window.
    expect(worst).toBeGreaterThan(0);
    expect(overruns).toBeGreaterThan(0);
  });
});
