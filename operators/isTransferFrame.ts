/**
 * The `isTransferFrame()` predicate: how a `data$` message is told to be part of a file
 * transfer (`sendFile` / `receiveFiles`) rather than an ordinary message or a `chunk()` frame.
 * The magic is specified in docs/wire-format.md ("File transfers").
 */

import { hasTransferMagic } from "./transfer-magic.js";

/**
 * Whether a `data$` message is a file-transfer frame: binary, starting with the bytes "RXF".
 *
 * <span class="informal">Filter these out of `data$` if your code reads every binary
 * message and shares its peer with `sendFile` / `receiveFiles`.</span>
 *
 * ```
 * data$:  -a-f-g-b-|
 *         filter((m) => !isTransferFrame(m))
 * others: -a-----b-|
 *
 * a = "hi", f = a transfer frame, g = another, b = a chunk() frame
 * ```
 *
 * Transfer frames travel on the peer's one data channel, beside your own messages, so
 * `data$` shows them. Strings are never transfer frames; `chunk()` frames start with "RX"
 * and their version byte (1), so neither they nor text can be mistaken for one.
 *
 * @example
 * ```ts
 * import { filter } from "rxjs";
 * import Peer from "rxpeer";
 * import { isTransferFrame } from "rxpeer/operators";
 *
 * console.log(isTransferFrame("RXF"), isTransferFrame(new Uint8Array([0x52, 0x58, 0x46, 1, 5]))); // false true
 * const peer = new Peer(); // on Node: new Peer({ wrtc })
 * peer.data$.pipe(filter((message) => !isTransferFrame(message))).subscribe((message) => {
 *   console.log("an ordinary message", message);
 * });
 * ```
 *
 * @param message A `data$` message (or any value).
 * @return True for binary (an ArrayBuffer or a view) starting with the transfer magic.
 */
export function isTransferFrame(message: unknown): message is ArrayBuffer | ArrayBufferView {
  if (ArrayBuffer.isView(message)) return hasTransferMagic(new Uint8Array(message.buffer, message.byteOffset, Math.min(message.byteLength, 3)));
  return message instanceof ArrayBuffer && hasTransferMagic(new Uint8Array(message, 0, Math.min(message.byteLength, 3)));
}
