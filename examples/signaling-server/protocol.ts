/**
 * The signaling server's wire protocol, shared by the server and its clients (Node or browser).
 *
 * A client opens `ws://host:port/<room>`; a room holds two clients. Each text message a
 * client sends must be one JSON object (a signal, in any format): it is relayed unchanged
 * to the other client of the room, or held for it until it joins. The server's own
 * messages are only errors, `{ "type": "signaling-error", code, message }`, so a client
 * can tell them from relayed signals (whose `type` is never that).
 */

/** What went wrong, as the server reports it. */
export type SignalingErrorCode =
  /** The URL path is not a valid room name. */
  | "BAD_ROOM"
  /** The room already has two clients; the connection is closed. */
  | "ROOM_FULL"
  /** The server holds `maxRooms` rooms; the connection is closed. */
  | "TOO_MANY_ROOMS"
  /** A binary message, or text that is not one JSON object; not relayed. */
  | "MALFORMED"
  /** A message over `maxMessageBytes`; not relayed. */
  | "TOO_LARGE"
  /** Too many messages held for a client that has not joined yet; not relayed. */
  | "BACKLOG_FULL";

/** An error message from the server. */
export interface SignalingError {
  type: "signaling-error";
  code: SignalingErrorCode;
  message: string;
}

/** Room names: 1 to 64 letters, digits, `-`, `_` or `.`. */
export const ROOM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** WebSocket close codes the server uses when it refuses a client (4000-4999 are the application's). */
export const CLOSE_CODES = {
  BAD_ROOM: 4000,
  ROOM_FULL: 4001,
  TOO_MANY_ROOMS: 4002,
} as const;

/**
 * Whether `message` is one of the server's own error messages rather than a relayed signal.
 *
 * @example
 * ```ts
 * socket.onmessage = (event) => {
 *   const message: unknown = JSON.parse(event.data);
 *   if (isSignalingError(message)) console.warn(message.code, message.message);
 *   else void peer.signal(message as SignalData);
 * };
 * ```
 */
export function isSignalingError(message: unknown): message is SignalingError {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "signaling-error";
}
