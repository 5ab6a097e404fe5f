/**
 * The bytes that mark a file-transfer frame (`sendFile` / `receiveFiles`), in one place for
 * the predicate users call (`isTransferFrame`), the transfer framing that writes them, and
 * `dechunk()`, which leaves transfer frames to `receiveFiles`. docs/wire-format.md ("File transfers").
 */

/** First three bytes of every transfer frame: "RXF". A `chunk()` frame has its version (1 or 2) where this has "F". */
export const TRANSFER_MAGIC = [0x52, 0x58, 0x46] as const;

/** Whether `bytes` start with {@link TRANSFER_MAGIC}. */
export function hasTransferMagic(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 3 && bytes[0] === TRANSFER_MAGIC[0] && bytes[1] === TRANSFER_MAGIC[1] && bytes[2] === TRANSFER_MAGIC[2];
}
