/**
 * Batch frames, byte level: several small whole messages of one `chunk({ batch: true })`
 * stream packed into one frame, so one data-channel send carries them all. Written by
 * `chunk()`, read by the reassembly behind `dechunk()`. Specified in docs/wire-format.md
 * (version 2 of the framing); change both together.
 */
import { PeerError } from "../src/errors.js";
import type { PeerMessage } from "../src/types.js";
import { FRAME_MAGIC, KIND_BINARY, KIND_TEXT, decodeMessage, type Framable } from "./frame.js";

/** Version byte of a batch frame: version 2 of the framing adds the batch kind. */
export const BATCH_VERSION = 2;
/** Kind byte of a batch frame. */
export const KIND_BATCH = 2;
/** Bytes in front of a batch frame's first entry. */
export const BATCH_HEADER_SIZE = 16;
/** Bytes in front of each message in a batch frame: its kind (1) and byte length (4). */
export const ENTRY_HEADER_SIZE = 5;

/** What a batch frame holds, once read and checked. */
export interface Batch {
  stream: number;
  /** Seq of its first message; the others follow, one seq each. */
  seq: number;
  messages: PeerMessage[];
  /** Payload bytes of all its messages. */
  bytes: number;
}

/** Bytes a message takes in a batch frame. */
export function entrySize(item: Framable): number {
  return ENTRY_HEADER_SIZE + item.bytes.byteLength;
}

/** One batch frame of `items` (at least one), numbered from `seq`: one allocation, each payload copied once. */
export function writeBatch(items: readonly Framable[], stream: number, seq: number): ArrayBuffer {
  let size = BATCH_HEADER_SIZE;
  for (const item of items) size += entrySize(item);
  // One typed array written byte by byte (big-endian, as a DataView would): on the path of a
  // lone message every object made per frame shows in its latency.
  const frame = new Uint8Array(size);
  frame[0] = FRAME_MAGIC >>> 8;
  frame[1] = FRAME_MAGIC & 0xff;
  frame[2] = BATCH_VERSION;
  frame[3] = KIND_BATCH;
  writeUint32(frame, 4, stream);
  writeUint32(frame, 8, seq);
  writeUint32(frame, 12, items.length);
  let at = BATCH_HEADER_SIZE;
  for (const item of items) {
    frame[at] = item.kind;
    writeUint32(frame, at + 1, item.bytes.byteLength);
    frame.set(item.bytes, at + ENTRY_HEADER_SIZE);
    at += entrySize(item);
  }
  return frame.buffer;
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

/** Whether `frame` says it is a batch frame (its version byte); {@link readBatch} checks the rest. */
export function isBatchFrame(frame: Uint8Array): boolean {
  return frame.byteLength > 2 && frame[2] === BATCH_VERSION;
}

const invalid = (message: string): PeerError => new PeerError("ERR_FRAME_INVALID", message);

/**
 * Reads and checks a whole batch frame, decoding its messages: magic, kind, a count of at
 * least one, every entry's kind and length inside the frame, no bytes left over, each
 * message under `maxMessageSize`, text valid UTF-8. Throws a `PeerError`
 * (`ERR_FRAME_INVALID`, or `ERR_FRAME_TOO_LARGE` for a message over `maxMessageSize`).
 */
export function readBatch(frame: Uint8Array, maxMessageSize: number): Batch {
  if (frame.byteLength < BATCH_HEADER_SIZE) throw invalid(`batch frame of ${frame.byteLength} bytes is shorter than its ${BATCH_HEADER_SIZE}-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const magic = view.getUint16(0);
  if (magic !== FRAME_MAGIC) throw invalid(`frame magic is 0x${magic.toString(16)}, expected 0x${FRAME_MAGIC.toString(16)}: not a chunk() frame`);
  const kind = view.getUint8(3);
  if (kind !== KIND_BATCH) throw invalid(`version ${BATCH_VERSION} frame of kind ${kind}: only batch frames (kind ${KIND_BATCH}) are version ${BATCH_VERSION}`);
  const count = view.getUint32(12);
  if (count === 0) throw invalid("batch frame holds 0 messages");
  const messages: PeerMessage[] = [];
  let at = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_HEADER_SIZE > frame.byteLength) throw invalid(`batch frame ends inside the header of message ${i} of ${count}`);
    const entryKind = view.getUint8(at);
    if (entryKind !== KIND_BINARY && entryKind !== KIND_TEXT) throw invalid(`message ${i} of a batch frame has kind ${entryKind}`);
    const length = view.getUint32(at + 1);
    if (length > maxMessageSize) throw new PeerError("ERR_FRAME_TOO_LARGE", `message of ${length} bytes in a batch frame is over maxMessageSize ${maxMessageSize}`);
    const start = at + ENTRY_HEADER_SIZE;
    if (start + length > frame.byteLength) throw invalid(`message ${i} of a batch frame declares ${length} bytes, past the frame's end`);
    messages.push(decodeMessage(entryKind, frame.subarray(start, start + length), true));
    at = start + length;
  }
  if (at !== frame.byteLength) throw invalid(`batch frame has ${frame.byteLength - at} bytes after its ${count} messages`);
  return { stream: view.getUint32(4), seq: view.getUint32(8), messages, bytes: at - BATCH_HEADER_SIZE - count * ENTRY_HEADER_SIZE };
}
