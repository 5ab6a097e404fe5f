// Helpers for the file-transfer specs (both runtimes): reading an IncomingFile, sources that
// count what was read from them, and hand-made transfer frames for hostile-peer tests.
import { filter, firstValueFrom, map } from "rxjs";
import type { Peer } from "../../src/index.js";
import { isTransferFrame } from "../../operators/index.js";
import { decodeTransferFrame, type TransferFrame } from "../../operators/transfer-frame.js";

/**
 * All of a stream's bytes, concatenated; rejects with the stream's own error (read with a
 * reader: Chromium's `new Response(stream)` turns a stream error into "Failed to fetch").
 */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pieces.push(value);
    total += value.byteLength;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.byteLength;
  }
  return bytes;
}

/** Counts what a source gave and whether it was released (its `finally` ran, or it was cancelled). */
export interface SourceProbe {
  read: number;
  released: boolean;
  /** Resolves once released. */
  whenReleased: Promise<void>;
  release(): void;
}

/** A fresh probe. */
export function sourceProbe(): SourceProbe {
  let release = (): void => undefined;
  const whenReleased = new Promise<void>((resolve) => (release = resolve));
  const probe: SourceProbe = {
    read: 0,
    released: false,
    whenReleased,
    release: () => {
      probe.released = true;
      release();
    },
  };
  return probe;
}

/**
 * An async iterable of `bytes` in chunks of `chunkSize` (each a fresh copy), counting into
 * `probe` as each chunk is taken; `asArrayBuffer` yields ArrayBuffers instead of Uint8Arrays.
 */
export async function* countedChunks(bytes: Uint8Array, chunkSize: number, probe: SourceProbe, asArrayBuffer = false): AsyncGenerator<Uint8Array | ArrayBuffer> {
  try {
    for (let at = 0; at < bytes.byteLength; at += chunkSize) {
      const chunk = bytes.slice(at, at + chunkSize);
      probe.read += chunk.byteLength;
      yield asArrayBuffer ? chunk.buffer : chunk;
    }
  } finally {
    probe.release();
  }
}

/**
 * Resolves once `probe` has counted at least `bytes` read from its source, or once the source
 * is released (the transfer ended: race this with the transfer, so a failure shows as itself).
 * Polled: a source has no event to wait on.
 */
export async function readsAtLeast(probe: SourceProbe, bytes: number): Promise<void> {
  while (probe.read < bytes && !probe.released) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A ReadableStream of `bytes` in chunks of irregular sizes (1, 2, ... up to `maxChunk`, cycling), pulled on demand. */
export function irregularStream(bytes: Uint8Array, maxChunk: number, probe: SourceProbe): ReadableStream<Uint8Array> {
  let at = 0;
  let next = 1;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (at >= bytes.byteLength) return controller.close();
        const chunk = bytes.slice(at, at + next);
        at += chunk.byteLength;
        probe.read += chunk.byteLength;
        next = (next % maxChunk) + 1 + Math.floor(maxChunk / 3);
        controller.enqueue(chunk);
      },
      cancel() {
        probe.release();
      },
    },
    { highWaterMark: 0 },
  );
}

/** The next transfer frame of `type` that `peer` receives (decoded). */
export function nextFrame<T extends TransferFrame["type"]>(peer: Peer, type: T): Promise<TransferFrame & { type: T }> {
  return firstValueFrom(
    peer.data$.pipe(
      filter(isTransferFrame),
      map((message) => decodeTransferFrame(new Uint8Array(message as ArrayBuffer))),
      filter((frame): frame is TransferFrame & { type: T } => frame.type === type),
    ),
  );
}

/** A transfer frame with any header bytes: `type` code, `id`, `version`, then `body`. */
export function rawTransferFrame(fields: { version?: number; type: number; id?: number }, body: Uint8Array = new Uint8Array(0)): ArrayBuffer {
  const frame = new Uint8Array(9 + body.byteLength);
  frame.set([0x52, 0x58, 0x46, fields.version ?? 1, fields.type]);
  new DataView(frame.buffer).setUint32(5, fields.id ?? 1);
  frame.set(body, 9);
  return frame.buffer;
}
