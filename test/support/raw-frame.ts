// Hand-made chunk() frames with any header fields, for tests of bad input (both runtimes).
import { FRAME_MAGIC, FRAME_VERSION, HEADER_SIZE } from "../../operators/frame.js";

/** The header fields of a frame, each settable to anything (see docs/wire-format.md). */
export type RawFrameFields = Partial<Record<"magic" | "version" | "kind" | "stream" | "seq" | "index" | "count" | "stride", number>> & { total?: number };

/** A frame header with any fields, and `payload` zero bytes after it. */
export function rawFrame(fields: RawFrameFields, payload = 0): ArrayBuffer {
  const buffer = new ArrayBuffer(HEADER_SIZE + payload);
  const view = new DataView(buffer);
  const total = fields.total ?? payload;
  view.setUint16(0, fields.magic ?? FRAME_MAGIC);
  view.setUint8(2, fields.version ?? FRAME_VERSION);
  view.setUint8(3, fields.kind ?? 0);
  view.setUint32(4, fields.stream ?? 1);
  view.setUint32(8, fields.seq ?? 0);
  view.setUint32(12, fields.index ?? 0);
  view.setUint32(16, fields.count ?? 1);
  view.setUint32(20, fields.stride ?? Math.max(1, payload));
  view.setUint32(24, Math.floor(total / 2 ** 32));
  view.setUint32(28, total % 2 ** 32);
  return buffer;
}
