// sendFile's data frame pool (operators/data-frame-pool.ts), alone: a frame buffer is written
// again only once the receiver's credit proves its bytes arrived, every frame it gives decodes
// to the piece it was given, and shorter pieces never enter the pool.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DataFramePool } from "../../operators/data-frame-pool.js";
import { decodeTransferFrame } from "../../operators/transfer-frame.js";

const PIECE = 16;

/** A piece of `size` bytes, each `seed`. */
const piece = (size: number, seed: number): Uint8Array => new Uint8Array(size).fill(seed & 0xff);

describe("DataFramePool", () => {
  it("never rewrites a frame whose bytes the receiver has not read, and each frame decodes to its piece", () => {
    // A receiver with window W grants (read so far) + W; it reads some of what was sent between grants.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 40 }), (windowPieces, steps) => {
        const window = windowPieces * PIECE;
        const pool = new DataFramePool(PIECE);
        let granted = window;
        let read = 0;
        let sent = 0;
        pool.credited(granted);
        // Each frame given out, with the bytes it must still hold until the receiver has read them.
        const live: { frame: ArrayBuffer; end: number; offset: number; seed: number }[] = [];
        for (const [count, share] of steps) {
          for (let i = 0; i < count && sent + PIECE <= granted; i++) {
            const seed = sent / PIECE + 1;
            const frame = pool.encode(7, sent, piece(PIECE, seed));
            sent += PIECE;
            live.push({ frame, end: sent, offset: sent - PIECE, seed });
          }
          for (const held of live.filter((l) => l.end > read)) {
            const decoded = decodeTransferFrame(new Uint8Array(held.frame));
            if (decoded.type !== "data") return false;
            if (decoded.offset !== held.offset || decoded.bytes.some((byte) => byte !== (held.seed & 0xff))) return false;
          }
          read += Math.floor(((sent - read) * share) / PIECE) * PIECE;
          if (read + window > granted) pool.credited((granted = read + window));
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("reuses a frame once the credit proves it arrived, so a transfer allocates about one window of frames", () => {
    const pool = new DataFramePool(PIECE);
    pool.credited(2 * PIECE); // the window: nothing read yet
    const first = pool.encode(1, 0, piece(PIECE, 1));
    const second = pool.encode(1, PIECE, piece(PIECE, 2));
    pool.credited(3 * PIECE); // the first piece was read
    const third = pool.encode(1, 2 * PIECE, piece(PIECE, 3));
    expect(third).to.equal(first);
    expect(third).not.to.equal(second);
    const decoded = decodeTransferFrame(new Uint8Array(third));
    expect(decoded.type === "data" && [decoded.offset, decoded.bytes[0]]).to.deep.equal([2 * PIECE, 3]);
  });

  it("gives a shorter piece a buffer of its own, never reused", () => {
    const pool = new DataFramePool(PIECE);
    pool.credited(PIECE);
    const short = pool.encode(1, 0, piece(PIECE - 1, 1));
    expect(short.byteLength).to.equal(17 + PIECE - 1);
    pool.credited(2 * PIECE);
    const next = pool.encode(1, PIECE - 1, piece(PIECE, 2));
    expect(next).not.to.equal(short);
    expect(new Uint8Array(short).at(-1)).to.equal(1);
  });
});
