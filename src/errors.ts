/**
 * The one error type rxpeer raises: every failure carries a stable `code`
 * so callers can branch on it without parsing messages.
 */

/** Every code a {@link PeerError} can carry. */
export type PeerErrorCode =
  | "ERR_WEBRTC_SUPPORT"
  | "ERR_SIGNAL_INVALID"
  | "ERR_NEGOTIATION"
  | "ERR_NOT_CONNECTED"
  | "ERR_DATA_CHANNEL"
  | "ERR_CONNECTION_FAILURE"
  | "ERR_PEER_CLOSED"
  | "ERR_FRAME_INVALID"
  | "ERR_FRAME_TOO_LARGE"
  | "ERR_MEDIA";

/**
 * An error raised by rxpeer: `code` says what kind, `message` says what was wrong,
 * `cause` holds the underlying WebRTC exception when there is one.
 *
 * @example
 * ```ts
 * peer.error$.subscribe((err) => {
 *   if (err.code === "ERR_SIGNAL_INVALID") console.warn("bad signal:", err.message);
 * });
 * ```
 */
export class PeerError extends Error {
  readonly code: PeerErrorCode;
  override readonly cause?: unknown;

  constructor(code: PeerErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = "PeerError";
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * Wraps anything thrown by a WebRTC call in a {@link PeerError} of the given code,
 * keeping the original as `cause` and its text in the message.
 *
 * @example
 * ```ts
 * try { await pc.setRemoteDescription(sdp); }
 * catch (e) { throw toPeerError("ERR_NEGOTIATION", "remote description refused", e); }
 * ```
 */
export function toPeerError(code: PeerErrorCode, context: string, cause: unknown): PeerError {
  if (cause instanceof PeerError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new PeerError(code, `${context}: ${detail}`, cause);
}
