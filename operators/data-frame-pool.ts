/**
 * The data frames of one `sendFile`, reused: a fresh buffer per piece costs the sender an
 * allocation, a zero fill and later a collection per piece, the largest part of what
 * `sendFile` spends beyond a plain send loop (docs/benchmarks.md, "Files").
 *
 * A frame may be written again only once its bytes have certainly left: `peer.send()` can
 * hold a buffer past its return (behind a Blob still being read), so "handed to the
 * channel" is not proof. Credit is: the receiver grants `window` bytes past what its
 * consumer has read, so a credit of C says the first C - window bytes arrived, and the
 * window is the first credit (granted before anything was read). A receiver that grants
 * more than it read only spoils its own copy of this file.
 */
import { DATA_HEADER_SIZE, encodeData } from "./transfer-frame.js";

export class DataFramePool {
  readonly #pieceSize: number;
  readonly #free: ArrayBuffer[] = [];
  /** Frames sent and not yet known to have arrived, oldest first, with the offset their bytes end at. */
  readonly #inFlight: { end: number; frame: ArrayBuffer }[] = [];
  #window: number | undefined;

  /** Frames of `pieceSize` payload bytes are pooled; a shorter piece gets a buffer of its own, so the pool holds at most the window in full frames. */
  constructor(pieceSize: number) {
    this.#pieceSize = pieceSize;
  }

  /** The data frame of `bytes` at `offset` of transfer `id`, in a reused buffer where one is free. */
  encode(id: number, offset: number, bytes: Uint8Array): ArrayBuffer {
    if (bytes.byteLength !== this.#pieceSize) return encodeData(id, offset, bytes);
    const frame = encodeData(id, offset, bytes, this.#free.pop() ?? new ArrayBuffer(DATA_HEADER_SIZE + this.#pieceSize));
    this.#inFlight.push({ end: offset + bytes.byteLength, frame });
    return frame;
  }

  /** The receiver granted room up to byte `credit`: frames whose bytes it has read are free again. */
  credited(credit: number): void {
    this.#window ??= credit;
    const arrived = credit - this.#window;
    for (let oldest = this.#inFlight[0]; oldest !== undefined && oldest.end <= arrived; oldest = this.#inFlight[0]) {
      this.#inFlight.shift();
      this.#free.push(oldest.frame);
    }
  }
}
