/**
 * The one place rxpeer reads Blobs. Every runtime rxpeer supports sends strings and
 * binary, but not every one sends a Blob (@roamhq/wrtc refuses it), so a Blob is read
 * into an ArrayBuffer first, and whatever came after it waits its turn.
 */
import { concatMap, from, of, type OperatorFunction } from "rxjs";
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
 * Reads each Blob into an ArrayBuffer in its turn; every other value passes through
 * synchronously, in order, behind any Blob still being read.
 *
 * <span class="informal">`concatMap` over `blob.arrayBuffer()`: order is kept by construction.</span>
 *
 * ```
 * source:      -a-B--c----|        B: a Blob, read in 3 frames
 * readBlobs(): -a-----(bc)|        c waits for B's bytes
 * ```
 *
 * A Blob that cannot be read errors the output with `PeerError` `ERR_DATA_CHANNEL`.
 *
 * @example
 * ```ts
 * import { of } from "rxjs";
 *
 * of("a", new Blob(["b"]), "c").pipe(readBlobs()).subscribe(console.log);
 * // "a", ArrayBuffer(1), "c"
 * ```
 *
 * @return A function that returns an Observable of the same values, each Blob replaced by its bytes.
 */
export function readBlobs<T>(): OperatorFunction<T | Blob, Exclude<T, Blob> | ArrayBuffer> {
  return concatMap((value) =>
    isBlob(value)
      ? from(
          value.arrayBuffer().catch((cause: unknown) => {
            throw toPeerError("ERR_DATA_CHANNEL", `could not read a Blob of ${value.size} bytes`, cause);
          }),
        )
      : of(value as Exclude<T, Blob>),
  );
}
