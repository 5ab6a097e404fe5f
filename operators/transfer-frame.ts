/**
 * The file-transfer framing, byte level: how `sendFile` and `receiveFiles` write and check
 * the frames they exchange. Every frame is checked whole here, before any state looks at it,
 * so a hostile frame costs at most its own bytes. Specified in docs/wire-format.md
 * ("File transfers"); change both together.
 */
import { PeerError } from "../src/errors.js";
import { TRANSFER_MAGIC } from "./transfer-magic.js";

/** The one version of the transfer format this code writes and reads. */
export const TRANSFER_VERSION = 1;
/** Bytes before a frame's body: magic (3), version (1), type (1), transfer id (4). */
export const TRANSFER_HEADER_SIZE = 9;
/** Bytes of a data frame before its payload: the header and the 64-bit offset. */
export const DATA_HEADER_SIZE = TRANSFER_HEADER_SIZE + 8;
/** Largest offer body (UTF-8 JSON of name, type, size, meta). */
export const MAX_OFFER_BYTES = 16 * 1024;
/** Largest reason text of an abort, cancel or refusal. */
export const MAX_REASON_BYTES = 1024;

/**
 * Frame types by their code (the index): offer, data, end, abort go from sender to
 * receiver; ready, credit, ack, cancel, refuse from receiver to sender. Code 0 is unused.
 */
const TYPE_CODES = ["", "offer", "data", "end", "abort", "ready", "credit", "ack", "cancel", "refuse"] as const;
type FrameType = Exclude<(typeof TYPE_CODES)[number], "">;

/** What a sender announces about a file before its bytes. */
export interface TransferOffer {
  name: string;
  type: string;
  size?: number;
  meta?: unknown;
}

/** One transfer frame, decoded. `id` names the transfer (the sender picks it). */
export type TransferFrame =
  | { type: "offer"; id: number; offer: TransferOffer }
  | { type: "data"; id: number; offset: number; bytes: Uint8Array }
  | { type: "end" | "credit" | "ack"; id: number; value: number }
  | { type: "abort" | "cancel" | "refuse"; id: number; reason: string }
  | { type: "ready"; id: number };

/** Frames a receiver sends, which a sender reads. */
export const RECEIVER_TYPES: ReadonlySet<TransferFrame["type"]> = new Set(["ready", "credit", "ack", "cancel", "refuse"]);

const TWO_POW_32 = 0x1_0000_0000;

const invalid = (message: string): PeerError => new PeerError("ERR_FRAME_INVALID", `transfer frame: ${message}`);

function header(type: FrameType, id: number, bodySize: number, frame = new ArrayBuffer(TRANSFER_HEADER_SIZE + bodySize)): { frame: ArrayBuffer; view: DataView } {
  const view = new DataView(frame);
  TRANSFER_MAGIC.forEach((byte, i) => view.setUint8(i, byte));
  view.setUint8(3, TRANSFER_VERSION);
  view.setUint8(4, TYPE_CODES.indexOf(type));
  view.setUint32(5, id);
  return { frame, view };
}

function withText(type: FrameType, id: number, text: string): ArrayBuffer {
  const body = new TextEncoder().encode(text);
  const { frame } = header(type, id, body.byteLength);
  new Uint8Array(frame, TRANSFER_HEADER_SIZE).set(body);
  return frame;
}

/** Encodes an offer; throws a RangeError if it passes {@link MAX_OFFER_BYTES} (a `meta` too big). */
export function encodeOffer(id: number, offer: TransferOffer): ArrayBuffer {
  const frame = withText("offer", id, JSON.stringify(offer));
  if (frame.byteLength - TRANSFER_HEADER_SIZE > MAX_OFFER_BYTES) {
    throw new RangeError(`sendFile(): name, type and meta take ${frame.byteLength - TRANSFER_HEADER_SIZE} bytes as JSON, over the ${MAX_OFFER_BYTES} allowed`);
  }
  return frame;
}

/**
 * A data frame: `bytes` of the file from byte `offset` on (copied once, into the frame),
 * written into `into` where given (its size must be exactly the frame's), else into a new buffer.
 */
export function encodeData(id: number, offset: number, bytes: Uint8Array, into?: ArrayBuffer): ArrayBuffer {
  const { frame, view } = header("data", id, 8 + bytes.byteLength, into);
  writeUint64(view, TRANSFER_HEADER_SIZE, offset);
  new Uint8Array(frame, DATA_HEADER_SIZE).set(bytes);
  return frame;
}

/** An end (total bytes sent), credit (bytes the sender may send in all) or ack (total bytes received). */
export function encodeCount(type: "end" | "credit" | "ack", id: number, value: number): ArrayBuffer {
  const { frame, view } = header(type, id, 8);
  writeUint64(view, TRANSFER_HEADER_SIZE, value);
  return frame;
}

/** An abort (by the sender), cancel or refusal (by the receiver), with a reason for humans, cut to {@link MAX_REASON_BYTES}. */
export function encodeReason(type: "abort" | "cancel" | "refuse", id: number, reason: string): ArrayBuffer {
  let text = reason;
  while (new TextEncoder().encode(text).byteLength > MAX_REASON_BYTES) text = text.slice(0, Math.floor(text.length / 2));
  return withText(type, id, text);
}

/** The frame a receiver sends when it starts listening, so a sender whose offer went unheard sends it again. */
export function encodeReady(): ArrayBuffer {
  return header("ready", 0, 0).frame;
}

function writeUint64(view: DataView, at: number, value: number): void {
  view.setUint32(at, Math.floor(value / TWO_POW_32));
  view.setUint32(at + 4, value % TWO_POW_32);
}

function readUint64(view: DataView, at: number, what: string): number {
  const value = view.getUint32(at) * TWO_POW_32 + view.getUint32(at + 4);
  if (!Number.isSafeInteger(value)) throw invalid(`${what} ${value} is over 2^53 - 1`);
  return value;
}

function readText(bytes: Uint8Array, limit: number, what: string): string {
  if (bytes.byteLength > limit) throw new PeerError("ERR_FRAME_TOO_LARGE", `transfer frame: ${what} of ${bytes.byteLength} bytes is over the ${limit} allowed`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw new PeerError("ERR_FRAME_INVALID", `transfer frame: ${what} is not UTF-8`, cause);
  }
}

function readOffer(bytes: Uint8Array): TransferOffer {
  const text = readText(bytes, MAX_OFFER_BYTES, "offer");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PeerError("ERR_FRAME_INVALID", "transfer frame: offer is not JSON", cause);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("offer is not a JSON object");
  const { name, type, size, meta } = value as Record<string, unknown>;
  if (typeof name !== "string" || typeof type !== "string") throw invalid("offer needs a string name and type");
  if (size !== undefined && !(Number.isSafeInteger(size) && (size as number) >= 0)) throw invalid(`offer size ${String(size)} is not a byte count`);
  const offer: TransferOffer = { name, type };
  if (size !== undefined) offer.size = size as number;
  if (meta !== undefined) offer.meta = meta;
  return offer;
}

/**
 * Decodes and checks one frame (which {@link isTransferFrame} said starts with the magic).
 * A data frame's `bytes` is a view into `bytes`, not a copy. Throws a `PeerError`
 * (`ERR_FRAME_INVALID`, or `ERR_FRAME_TOO_LARGE` for an offer or reason over its limit).
 */
export function decodeTransferFrame(bytes: Uint8Array): TransferFrame {
  if (bytes.byteLength < TRANSFER_HEADER_SIZE) throw invalid(`${bytes.byteLength} bytes is shorter than the ${TRANSFER_HEADER_SIZE}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(3);
  if (version !== TRANSFER_VERSION) throw invalid(`version ${version} is not supported (expected ${TRANSFER_VERSION})`);
  const code = view.getUint8(4);
  const type = TYPE_CODES[code];
  if (type === undefined || type === "") throw invalid(`type ${code} is unknown`);
  const id = view.getUint32(5);
  const body = bytes.subarray(TRANSFER_HEADER_SIZE);
  const bodyLength = (expected: number): void => {
    if (body.byteLength !== expected) throw invalid(`${type} carries ${body.byteLength} bytes after the header, expected ${expected}`);
  };
  switch (type) {
    case "offer":
      return { type, id, offer: readOffer(body) };
    case "data":
      if (body.byteLength <= 8) throw invalid(`data frame of ${bytes.byteLength} bytes carries no payload`);
      return { type, id, offset: readUint64(view, TRANSFER_HEADER_SIZE, "data offset"), bytes: body.subarray(8) };
    case "end":
    case "credit":
    case "ack":
      bodyLength(8);
      return { type, id, value: readUint64(view, TRANSFER_HEADER_SIZE, `${type} count`) };
    case "abort":
    case "cancel":
    case "refuse":
      return { type, id, reason: readText(body, MAX_REASON_BYTES, `${type} reason`) };
    case "ready":
      bodyLength(0);
      return { type, id };
  }
}
