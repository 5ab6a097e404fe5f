/**
 * The one place rxpeer reads Blobs. Every runtime rxpeer supports sends strings and
 * binary, but not every one sends a Blob (@roamhq/wrtc refuses it), so a Blob is read
 * into an ArrayBuffer first, and whatever came after it waits its turn.
 */
import { toPeerError } from "./errors.js";

/**
 * Whether `value` is a Blob (a File is one). False where the runtime has no Blob.
 *
 * @example
 * ```ts
 * isBlob(new Blob(["hi"])); // true
 * isBlob(new ArrayBuffer(2)); // false
 * ```
 */
export function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

/**
 * Reads one Blob's bytes. A Blob that cannot be read rejects with `PeerError` `ERR_DATA_CHANNEL`.
 * A promise, not an Observable: this module imports no rxjs, so the core entry, which
 * shares it with the operators, carries no second `import ... from "rxjs"` statement.
 *
 * @example
 * ```ts
 * const bytes = await blobBytes(new Blob(["hi"])); // ArrayBuffer(2)
 * ```
 */
export function blobBytes(blob: Blob): Promise<ArrayBuffer> {
  return blob.arrayBuffer().catch((cause: unknown) => {
    throw toPeerError("ERR_DATA_CHANNEL", `could not read a Blob of ${blob.size} bytes`, cause);
  });
}
