/**
 * The `chunk()` operator: the sending half of the framing in frame.ts.
 * Each subscription is one stream with a random id, so several pipelines can share a channel.
 */
import { defer, type OperatorFunction } from "rxjs";
import { blobsInOrder } from "./blobs-in-order.js";
import { checkOptions } from "./arguments.js";
import type { PeerData } from "../src/types.js";
import { batchFrames } from "./batch-by-task.js";
import { concatSync } from "./concat-sync.js";
import { DEFAULT_CHUNK_SIZE, HEADER_SIZE, MAX_CHUNK_SIZE, framable, messagePayload, writeFrames, type FrameSink } from "./frame.js";

export interface ChunkOptions {
  /** Largest frame in bytes, 32-byte header included. Default 16 KiB; keep it at or under the connection's `sctp.maxMessageSize`. */
  chunkSize?: number;
  /**
   * Pack the small messages of one synchronous task into shared batch frames (one send for
   * many messages), flushed when a frame is full or at the end of the task. Default false.
   * The receiving `dechunk()` must understand batch frames (version 2 of the format).
   */
  batch?: boolean;
}

/**
 * Frames each message (string or binary, any size) into binary frames of at most
 * `chunkSize` bytes, which {@link dechunk} turns back into the message.
 *
 * <span class="informal">Cuts every message into numbered pieces that survive reordering
 * and interleaving with other `chunk()` pipelines on the same channel.</span>
 *
 * ```
 * source: -a-----b-----|
 *         chunk({ chunkSize: 48 })
 * frames: -f-----(xyz)-|
 *
 * a = "hi" (2 bytes), b = 40-byte ArrayBuffer
 * f = 34-byte frame: 32-byte header + 2, x = 48-byte frame 0 of b, y = 48-byte frame 1 of b, z = 40-byte frame 2 of b
 * ```
 *
 * Strings are encoded once as UTF-8 (so, as with `RTCDataChannel.send`, a lone surrogate
 * becomes U+FFFD); binary input is read through a view, never copied before framing;
 * a Blob is read with `blob.arrayBuffer()`, and values behind it wait, so frames leave in
 * the order the messages came. Each subscription gets a random 32-bit stream id and numbers
 * its messages from 0. All frames of one message are emitted synchronously, one after the
 * other, as they are made: a 64 MiB message becomes about 4100 frames at once, so a downstream
 * `sendTo()` queues what the channel cannot take yet (see its notes on memory). A value
 * that arrives while a message is being framed (a consumer feeding the source from inside
 * this output, e.g. one message per running total of `sendTo()`) waits until that
 * message's last frame is out. The format is specified in docs/wire-format.md.
 *
 * With `batch: true`, the small messages that arrive in one synchronous task share batch
 * frames (one data-channel send for many messages): a frame goes out when full, and a
 * part-filled one at the end of the task (a microtask), so a lone message is not held back.
 * Each message is copied (a string encoded) into the batch as it arrives, so the caller may
 * reuse its buffer at once. A message too big for an empty batch frame is framed as above,
 * after the batch before it. `dechunk()` gives every message back on its own, in order.
 *
 * Errors, which end the output and stop pulling the source at once:
 * - `ERR_FRAME_INVALID`: a value that is not a string, ArrayBuffer, view or Blob (the
 *   message says what it was).
 * - `ERR_DATA_CHANNEL`: a Blob that cannot be read.
 * - A source error is passed on as it is. A bad `chunkSize` throws a `RangeError` at call time.
 *
 * @example
 * Frame a short string and a 40,000-byte array, then reassemble them.
 * ```ts
 * import { of } from "rxjs";
 * import { chunk, dechunk } from "rxpeer/operators";
 *
 * const frames$ = of("héllo", new Uint8Array(40_000)).pipe(chunk());
 * frames$.subscribe((frame) => console.log(frame.byteLength)); // 38, 16384, 16384, 7328
 * frames$.pipe(dechunk()).subscribe((message) => console.log(message)); // "héllo", ArrayBuffer(40000)
 * ```
 *
 * @see {@link dechunk}
 * @see {@link sendTo}
 *
 * @param options `chunkSize`: largest frame in bytes, header included (default 16384, at least 33);
 * `batch`: pack the small messages of one task into shared frames (default false).
 * @return A function that returns an Observable of frames, each a fresh ArrayBuffer.
 */
export function chunk(options: ChunkOptions = {}): OperatorFunction<PeerData, ArrayBuffer> {
  checkOptions("chunk", options);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize <= HEADER_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk(): chunkSize must be an integer from ${HEADER_SIZE + 1} to ${MAX_CHUNK_SIZE}, got ${chunkSize}`);
  }

  return (source) =>
    defer(() => {
      const stream = randomStreamId();
      let seq = 0;
      /** The seq of the next message, taking `span` numbers (a batch takes one per message). */
      const nextSeq = (span: number): number => {
        const first = seq;
        seq = (seq + span) >>> 0;
        return first;
      };
      const values$ = source.pipe(blobsInOrder());
      if (options.batch === true) return values$.pipe(batchFrames(chunkSize, stream, nextSeq));
      // concatSync frames one message at a time: a value that arrives while its frames are
      // being emitted (even from inside this output) waits, so frames leave in order.
      return values$.pipe(
        concatSync((value, out: FrameSink) => {
          const { bytes, kind } = framable(messagePayload(value));
          writeFrames(bytes, kind, stream, nextSeq(1), chunkSize, out);
        }),
      );
    });
}

function randomStreamId(): number {
  const id = new Uint32Array(1);
  globalThis.crypto.getRandomValues(id);
  return id[0] ?? Math.floor(Math.random() * 0x1_0000_0000);
}
