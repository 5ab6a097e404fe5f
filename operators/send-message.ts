/**
 * One message's checks on `sendTo`'s path: what may be sent, and what a failed send means.
 */
import { PeerError, describe } from "../src/errors.js";
import { isBlob } from "../src/read-blobs.js";
import { isBinary } from "./frame.js";
import type { SendTarget } from "./send-target.js";

/** What a data channel sends. */
export type SendableData = string | ArrayBuffer | ArrayBufferView;

/**
 * `value` itself if it can be sent (a Blob once read); else the PeerError that says what it was.
 *
 * @example
 * ```ts
 * sendable("hi"); // "hi"
 * sendable(42); // throws PeerError ERR_DATA_CHANNEL "... got a number"
 * ```
 */
export function sendable(value: unknown): SendableData | Blob {
  if (typeof value === "string" || isBinary(value) || isBlob(value)) return value;
  // The code peer.send() refuses the same value with: sendTo is its backpressured form.
  throw new PeerError("ERR_DATA_CHANNEL", `sendTo() sends strings, Blobs, ArrayBuffers and ArrayBufferViews, got ${describe(value)}`);
}

/**
 * A send that fails because the channel is gone means the peer closed under us: before connect
 * (`ERR_NOT_CONNECTED`), or a channel the remote closed before the peer's `close$` came
 * (`ERR_DATA_CHANNEL` with the channel no longer open).
 *
 * @example
 * ```ts
 * try { peer.send(frame); } catch (err) { subscriber.error(sendError(err, peer)); }
 * ```
 */
export function sendError(err: unknown, peer: SendTarget): unknown {
  if (!(err instanceof PeerError)) return err;
  const gone = err.code === "ERR_NOT_CONNECTED" || (err.code === "ERR_DATA_CHANNEL" && (peer.destroyed || (peer.channel?.readyState ?? "open") !== "open"));
  return gone ? new PeerError("ERR_PEER_CLOSED", `peer closed while sending: ${err.message}`, err) : err;
}
