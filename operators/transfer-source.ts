/**
 * What `sendFile` reads from: a Blob, a ReadableStream or an async iterable, behind one
 * pull interface that reads only when asked, so the sender's credit decides how far the
 * source is read. Nothing here buffers more than the one chunk the source last gave.
 */
import { isBlob } from "../src/read-blobs.js";

/** Anything `sendFile` can send: a Blob or File, a byte stream, or an async iterable of bytes (a Node Readable is one). */
export type FileSource = Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | ArrayBuffer>;

/** Pulls a source in pieces. */
export interface PieceReader {
  /**
   * The next at most `max` bytes (fewer where a chunk of the source ends), or undefined at
   * the end. `ahead` (at least `max`) is how far the source may be read past what was
   * handed out so far: a Blob is sliced to it, a stream gives the chunks it has.
   */
  read(max: number, ahead: number): Promise<Uint8Array | undefined>;
  /** Stops reading and releases the source (cancels the stream, returns the iterator). */
  cancel(): void;
}

/** How much of a Blob is read at once: its reads are asynchronous, so not per small piece. */
const BLOB_SLICE = 1024 * 1024;

/** Whether `value` is something {@link openSource} reads. */
export function isFileSource(value: unknown): value is FileSource {
  if (isBlob(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  return typeof (value as ReadableStream).getReader === "function" || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** Opens `source` for reading in pieces. Nothing is read until the first `read()`. */
export function openSource(source: FileSource): PieceReader {
  let pending: Uint8Array | undefined; // the rest of the chunk last read
  const next = chunks(source);
  return {
    async read(max, ahead) {
      while (pending === undefined || pending.byteLength === 0) {
        const chunk = await next.read(ahead, ahead);
        if (chunk === undefined) return undefined;
        pending = chunk;
      }
      const piece = pending.subarray(0, max);
      pending = pending.subarray(piece.byteLength);
      return piece;
    },
    cancel() {
      pending = undefined;
      next.cancel();
    },
  };
}

/** The source's own chunks, each as it comes (a Blob is sliced: at most `max` bytes, and at most BLOB_SLICE). */
function chunks(source: FileSource): PieceReader {
  if (isBlob(source)) {
    let offset = 0;
    return {
      async read(max) {
        if (offset >= source.size) return undefined;
        const end = Math.min(source.size, offset + Math.min(max, BLOB_SLICE));
        const bytes = new Uint8Array(await source.slice(offset, end).arrayBuffer());
        offset = end;
        return bytes;
      },
      cancel: () => undefined,
    };
  }
  if ("getReader" in source && typeof source.getReader === "function") {
    const reader = source.getReader();
    return {
      async read() {
        const { done, value } = await reader.read();
        return done ? undefined : toBytes(value);
      },
      cancel: () => void reader.cancel().catch(() => undefined),
    };
  }
  const iterator = (source as AsyncIterable<Uint8Array | ArrayBuffer>)[Symbol.asyncIterator]();
  return {
    async read() {
      const { done, value } = await iterator.next();
      return done ? undefined : toBytes(value);
    },
    cancel: () => void Promise.resolve(iterator.return?.()).catch(() => undefined),
  };
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`sendFile(): the source gave ${typeof value === "string" ? "a string" : typeof value}, expected bytes (Uint8Array or ArrayBuffer)`);
}
