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
  | "ERR_MEDIA"
  | "ERR_INVALID_ARGUMENT"
  | "ERR_TRANSFER_CANCELLED"
  | "ERR_TRANSFER_REFUSED";

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
  declare readonly code: PeerErrorCode;
  // Set by Error itself from the options below (ES2022 error cause); declared only, so no field overwrites it.
  declare readonly cause?: unknown;

  constructor(code: PeerErrorCode, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "PeerError";
    this.code = code;
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

/**
 * Runs a WebRTC call, turning anything it throws into a {@link PeerError} as
 * {@link toPeerError} does.
 *
 * @example
 * ```ts
 * const sender = attempt("ERR_MEDIA", "addTrack failed", () => pc.addTrack(track, stream));
 * ```
 */
export function attempt<T>(code: PeerErrorCode, context: string, call: () => T): T {
  try {
    return call();
  } catch (cause) {
    throw toPeerError(code, context, cause);
  }
}

/**
 * What a wrong value was, for a message's "got ...": its type, or a preview of a string.
 *
 * @example
 * ```ts
 * describe(null); // "null"
 * describe([1]); // "an array"
 * describe("hi"); // 'the string "hi"'
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string "${preview(value)}"`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

/**
 * A string as it may appear in a message: escaped, and cut to its first 40 characters.
 *
 * @example
 * ```ts
 * preview('say "hi"'); // 'say \\"hi\\"'
 * preview("x".repeat(50)); // the first 40 x's, then "... (50 characters)"
 * ```
 */
export function preview(text: string): string {
  const shown = JSON.stringify(text.slice(0, 40)).slice(1, -1);
  return text.length > 40 ? `${shown}... (${text.length} characters)` : shown;
}
