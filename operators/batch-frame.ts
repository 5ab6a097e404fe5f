/**
 * Batch frames, byte level: several small whole messages of one `chunk({ batch: true })`
 * stream packed into one frame, so one data-channel send carries them all. Written by
 * `chunk()`, read by the reassembly behind `dechunk()`. Specified in docs/wire-format.md
 * (version 2 of the framing); change both together.
 */
import { PeerError } from "../src/errors.js";
import type { PeerMessage } from "../src/types.js";
import { FRAME_MAGIC, KIND_BINARY, KIND_TEXT, decodeMessage, type FrameKind } from "./frame.js";

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

const encoder = new TextEncoder();

/**
 * Fills one batch frame as messages arrive: each message is copied (a string encoded with
 * `encodeInto`) straight into a buffer this writer keeps, so its bytes are taken at the call
 * and nothing is made per message; {@link BatchWriter.take} copies the filled part out as the
 * frame, a fresh ArrayBuffer of exactly its size. The buffer grows as needed, up to one frame.
 */
export class BatchWriter {
  #buffer: Uint8Array;
  /** Where the next entry goes: the batch's bytes so far, header included. */
  #at = BATCH_HEADER_SIZE;
  #count = 0;
  readonly #frameSize: number;

  /** @param frameSize The largest frame, header included (chunk()'s `chunkSize`). */
  constructor(frameSize: number) {
    this.#frameSize = frameSize;
    this.#buffer = new Uint8Array(Math.min(frameSize, INITIAL_BUFFER));
  }

  /** Messages in the batch being filled. */
  get count(): number {
    return this.#count;
  }

  /** Whether not even an empty message fits any more. */
  get full(): boolean {
    return this.#frameSize - this.#at < ENTRY_HEADER_SIZE;
  }

  /** Adds a message (text or bytes) if its entry fits in what is left of the frame; false, with nothing added, if not. */
  add(message: string | Uint8Array): boolean {
    const start = this.#at + ENTRY_HEADER_SIZE;
    const room = this.#frameSize - start;
    let length: number;
    let kind: FrameKind;
    if (typeof message === "string") {
      // UTF-8 takes 1 to 3 bytes per UTF-16 unit: encode into the room, and see if it all went.
      if (message.length > room) return false;
      const end = start + Math.min(room, message.length * 3);
      this.#reserve(end);
      const { read = 0, written = 0 } = encoder.encodeInto(message, this.#buffer.subarray(start, end));
      if (read < message.length) return false;
      length = written;
      kind = KIND_TEXT;
    } else {
      length = message.byteLength;
      if (length > room) return false;
      this.#reserve(start + length);
      this.#buffer.set(message, start);
      kind = KIND_BINARY;
    }
    this.#buffer[this.#at] = kind;
    writeUint32(this.#buffer, this.#at + 1, length);
    this.#at = start + length;
    this.#count++;
    return true;
  }

  /** The batch frame of the messages added since the last take (at least one), numbered from `seq`; the writer is then empty. */
  take(stream: number, seq: number): ArrayBuffer {
    const buffer = this.#buffer;
    // Written big-endian byte by byte, as a DataView would, without making one.
    buffer[0] = FRAME_MAGIC >>> 8;
    buffer[1] = FRAME_MAGIC & 0xff;
    buffer[2] = BATCH_VERSION;
    buffer[3] = KIND_BATCH;
    writeUint32(buffer, 4, stream);
    writeUint32(buffer, 8, seq);
    writeUint32(buffer, 12, this.#count);
    // A typed array's slice() is one allocation and one copy.
    const frame = buffer.slice(0, this.#at);
    this.#at = BATCH_HEADER_SIZE;
    this.#count = 0;
    return frame.buffer;
  }

  /** Makes the buffer at least `size` bytes (never over a frame), keeping what it holds. */
  #reserve(size: number): void {
    if (size <= this.#buffer.byteLength) return;
    const grown = new Uint8Array(Math.min(this.#frameSize, Math.max(size, this.#buffer.byteLength * 2)));
    grown.set(this.#buffer.subarray(0, this.#at));
    this.#buffer = grown;
  }
}

/** A writer's first buffer: the default frame size, so only bigger frames ever grow it. */
const INITIAL_BUFFER = 16 * 1024;

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
  const size = frame.byteLength;
  if (size < BATCH_HEADER_SIZE) throw invalid(`batch frame of ${size} bytes is shorter than its ${BATCH_HEADER_SIZE}-byte header`);
  // Read byte by byte, as writeUint32 writes: no DataView made per frame on a lone message's path.
  const magic = ((frame[0] ?? 0) << 8) | (frame[1] ?? 0);
  if (magic !== FRAME_MAGIC) throw invalid(`frame magic is 0x${magic.toString(16)}, expected 0x${FRAME_MAGIC.toString(16)}: not a chunk() frame`);
  const kind = frame[3];
  if (kind !== KIND_BATCH) throw invalid(`version ${BATCH_VERSION} frame of kind ${kind}: only batch frames (kind ${KIND_BATCH}) are version ${BATCH_VERSION}`);
  const count = readUint32(frame, 12);
  if (count === 0) throw invalid("batch frame holds 0 messages");
  const messages: PeerMessage[] = [];
  let at = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_HEADER_SIZE > size) throw invalid(`batch frame ends inside the header of message ${i} of ${count}`);
    const entryKind = frame[at];
    if (entryKind !== KIND_BINARY && entryKind !== KIND_TEXT) throw invalid(`message ${i} of a batch frame has kind ${entryKind}`);
    const length = readUint32(frame, at + 1);
    if (length > maxMessageSize) throw new PeerError("ERR_FRAME_TOO_LARGE", `message of ${length} bytes in a batch frame is over maxMessageSize ${maxMessageSize}`);
    const start = at + ENTRY_HEADER_SIZE;
    if (start + length > size) throw invalid(`message ${i} of a batch frame declares ${length} bytes, past the frame's end`);
    messages.push(decodeMessage(entryKind, frame, true, start, start + length));
    at = start + length;
  }
  if (at !== size) throw invalid(`batch frame has ${size - at} bytes after its ${count} messages`);
  return { stream: readUint32(frame, 4), seq: readUint32(frame, 8), messages, bytes: at - BATCH_HEADER_SIZE - count * ENTRY_HEADER_SIZE };
}

/** The big-endian 32-bit number at `at` (the caller has checked the bytes are there). */
function readUint32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
}
