/**
 * The chunk framing, byte level: how one message is cut into frames and how a frame's
 * header is written and checked. Shared by `chunk()` (writing) and the reassembly behind
 * `dechunk()` (reading). The format is specified in docs/wire-format.md; change both together.
 */
import { PeerError, describe } from "../src/errors.js";
import type { PeerMessage } from "../src/types.js";

/** First two bytes of every frame: "RX". */
export const FRAME_MAGIC = 0x5258;
/** The one version of the format this code writes and reads. */
export const FRAME_VERSION = 1;
/** Bytes of header in front of every frame's payload. */
export const HEADER_SIZE = 32;
/** Default frame size in bytes, header included: safe on every WebRTC stack. */
export const DEFAULT_CHUNK_SIZE = 16 * 1024;
/** Largest frame size `chunk()` accepts: the payload stride must fit its 32-bit field. */
export const MAX_CHUNK_SIZE = 0xffff_ffff + HEADER_SIZE;

/** Payload kinds: raw bytes come back as an ArrayBuffer, text as a string. */
export const KIND_BINARY = 0;
export const KIND_TEXT = 1;
export type FrameKind = typeof KIND_BINARY | typeof KIND_TEXT;

/** A message's bytes and kind, as chunk() frames it. */
export interface Framable {
  bytes: Uint8Array;
  kind: FrameKind;
}

/** What a frame's header says, after the checks that need no other frame. */
export interface FrameHeader {
  kind: FrameKind;
  /** Random id of the `chunk()` subscription that wrote the frame. */
  stream: number;
  /** Message number within the stream, from 0, wrapping at 2^32. */
  seq: number;
  index: number;
  count: number;
  /** Payload bytes carried by every frame of the message except the last. */
  stride: number;
  /** Byte length of the whole message. */
  total: number;
}

const TWO_POW_32 = 0x1_0000_0000;

/** Frames needed for a message of `total` bytes cut every `stride` bytes (an empty message still takes one). */
export function frameCount(total: number, stride: number): number {
  return total === 0 ? 1 : Math.ceil(total / stride);
}

/** Where frames go as they are made: a Subscriber is one. */
export interface FrameSink {
  next(frame: ArrayBuffer): void;
  /** Checked after each frame: true stops the cutting (the subscriber went away). */
  readonly closed: boolean;
}

/**
 * Cuts `bytes` into frames of at most `chunkSize` bytes and hands each to `sink` as it is
 * made, so a consumer that sends at once never holds all frames; stops early once `sink`
 * is closed. Each frame is one allocation (header + payload); the payload is copied once,
 * from a view of the input.
 */
export function writeFrames(
  bytes: Uint8Array,
  kind: FrameKind,
  stream: number,
  seq: number,
  chunkSize: number,
  sink: FrameSink,
): void {
  const stride = chunkSize - HEADER_SIZE;
  const total = bytes.byteLength;
  const count = frameCount(total, stride);
  // The header is the same in every frame of the message but for its index: written into
  // the first frame, copied from there into the others.
  let header: Uint8Array | undefined;
  for (let index = 0; index < count; index++) {
    const start = index * stride;
    const length = Math.min(stride, total - start);
    const frame = new Uint8Array(HEADER_SIZE + length);
    if (header === undefined) {
      const view = new DataView(frame.buffer);
      view.setUint16(0, FRAME_MAGIC);
      view.setUint8(2, FRAME_VERSION);
      view.setUint8(3, kind);
      view.setUint32(4, stream);
      view.setUint32(8, seq);
      view.setUint32(16, count);
      view.setUint32(20, stride);
      view.setUint32(24, Math.floor(total / TWO_POW_32));
      view.setUint32(28, total % TWO_POW_32);
      if (count > 1) header = frame.subarray(0, HEADER_SIZE);
    } else {
      frame.set(header);
      frame[12] = index >>> 24;
      frame[13] = (index >>> 16) & 0xff;
      frame[14] = (index >>> 8) & 0xff;
      frame[15] = index & 0xff;
    }
    if (length > 0) frame.set(length === total ? bytes : bytes.subarray(start, start + length), HEADER_SIZE);
    sink.next(frame.buffer);
    if (sink.closed) return;
  }
}

/** Whether `value` is binary a channel sends: an ArrayBuffer (from any realm: an iframe, a vm context) or a view. */
export function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

/** The bytes of an ArrayBuffer or a view, as a Uint8Array over the same memory; undefined for anything else. */
export function binaryView(value: unknown): Uint8Array | undefined {
  if (!isBinary(value)) return undefined;
  return ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
}

const encoder = new TextEncoder();

/**
 * What chunk() frames of a value: a string as it is, binary as a view of its bytes (never
 * copied); throws a `PeerError` (`ERR_FRAME_INVALID`, saying what it was) for anything else.
 */
export function messagePayload(value: unknown): string | Uint8Array {
  if (typeof value === "string") return value;
  const bytes = binaryView(value);
  if (bytes !== undefined) return bytes;
  throw new PeerError("ERR_FRAME_INVALID", `chunk() frames strings, ArrayBuffers, views and Blobs, got ${describe(value)}`);
}

/** A payload's bytes and kind: a string encoded once as UTF-8 (a lone surrogate becomes U+FFFD). */
export function framable(payload: string | Uint8Array): Framable {
  return typeof payload === "string" ? { bytes: encoder.encode(payload), kind: KIND_TEXT } : { bytes: payload, kind: KIND_BINARY };
}

const invalid = (message: string): PeerError => new PeerError("ERR_FRAME_INVALID", message);

/**
 * Reads and checks one frame's header: magic, version, kind, declared size against
 * `maxMessageSize` (before anything is buffered), and that index, count, stride and
 * payload length agree. Throws a `PeerError` (`ERR_FRAME_INVALID` or `ERR_FRAME_TOO_LARGE`).
 */
export function readFrameHeader(frame: Uint8Array, maxMessageSize: number): FrameHeader {
  if (frame.byteLength < HEADER_SIZE) throw invalid(`frame of ${frame.byteLength} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER_SIZE);
  const magic = view.getUint16(0);
  if (magic !== FRAME_MAGIC) throw invalid(`frame magic is 0x${magic.toString(16)}, expected 0x${FRAME_MAGIC.toString(16)}: not a chunk() frame`);
  const version = view.getUint8(2);
  if (version !== FRAME_VERSION) throw invalid(`frame version ${version} is not supported (expected ${FRAME_VERSION}, or 2 for batch frames)`);
  const kind = view.getUint8(3);
  if (kind !== KIND_BINARY && kind !== KIND_TEXT) throw invalid(`frame kind ${kind} is unknown`);
  const total = view.getUint32(24) * TWO_POW_32 + view.getUint32(28);
  if (total > maxMessageSize) {
    throw new PeerError("ERR_FRAME_TOO_LARGE", `message declares ${total} bytes, over maxMessageSize ${maxMessageSize}`);
  }
  const header: FrameHeader = {
    kind,
    stream: view.getUint32(4),
    seq: view.getUint32(8),
    index: view.getUint32(12),
    count: view.getUint32(16),
    stride: view.getUint32(20),
    total,
  };
  const { index, count, stride } = header;
  if (stride === 0) throw invalid("frame stride is 0");
  if (count !== frameCount(total, stride)) throw invalid(`frame count ${count} does not match ${total} bytes in frames of ${stride}`);
  if (index >= count) throw invalid(`frame index ${index} is out of range (count ${count})`);
  const expected = index < count - 1 ? stride : total - (count - 1) * stride;
  const payload = frame.byteLength - HEADER_SIZE;
  if (payload !== expected) throw invalid(`frame ${index} of ${count} carries ${payload} payload bytes, expected ${expected}`);
  return header;
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A whole message, bytes `start` to `end` of `bytes` (all of them by default), as what it
 * was: text decoded (strict UTF-8), binary as an ArrayBuffer of exactly its bytes, copied
 * only when `borrowed` (the bytes are a frame's, not the message's own).
 */
export function decodeMessage(kind: FrameKind, bytes: Uint8Array, borrowed: boolean, start = 0, end = bytes.byteLength): PeerMessage {
  const whole = start === 0 && end === bytes.byteLength;
  if (kind === KIND_TEXT) {
    try {
      return decoder.decode(whole ? bytes : bytes.subarray(start, end));
    } catch (cause) {
      throw new PeerError("ERR_FRAME_INVALID", "text message is not valid UTF-8", cause);
    }
  }
  if (!borrowed && whole && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  // A typed array's slice() is the cheaper copy (ArrayBuffer.prototype.slice measured slower
  // on V8), and slicing the frame itself skips making a view of the message first.
  return bytes.slice(start, end).buffer;
}
