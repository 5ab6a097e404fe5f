/**
 * The client side of the example signaling server, for browsers and Node alike: a room
 * of the server as a signaling channel that `connectSignaling` binds a peer to.
 * Imports only rxjs and rxpeer, so it bundles for the browser.
 */
import { EMPTY, concatWith, defer, filter, throwError, type Observable } from "rxjs";
import { webSocket, type WebSocketSubjectConfig } from "rxjs/webSocket";
import { retryBackoff, type RetryBackoffOptions, type SignalingChannel } from "../../operators/index.js";
import type { SignalData } from "../../src/index.js";
import { CLOSE_CODES, isSignalingError, type SignalingError } from "./protocol.js";

export interface RoomChannelOptions {
  /** The WebSocket class where there is no global one: on Node 20, `WebSocket` from `ws`. */
  WebSocketCtor?: new (url: string, protocols?: string | string[]) => object;
  /** How to retry when the socket fails (server not up yet, connection lost). Default: 100 ms doubling to 2 s, 8 tries. */
  retry?: RetryBackoffOptions;
  /** Told about each error message from the server (room full, message refused...). */
  onServerError?: (error: SignalingError) => void;
}

/**
 * A room of the signaling server as a channel for `connectSignaling`: what a peer signals
 * goes to the other client of the room, what that client signals comes back. The socket
 * opens when the channel is subscribed and reconnects with backoff if it fails; signals
 * given while no socket is open wait for the next one. The server's own error messages
 * go to `onServerError` instead of the peer.
 *
 * @example
 * ```ts
 * import { WebSocket } from "ws"; // Node 20 only; browsers have one
 * import { connectSignaling } from "rxpeer/operators";
 *
 * const peer = new Peer({ initiator: true, wrtc });
 * connectSignaling(peer, roomChannel("ws://127.0.0.1:8080", "demo", { WebSocketCtor: WebSocket }));
 * ```
 */
export function roomChannel(serverUrl: string, room: string, options: RoomChannelOptions = {}): SignalingChannel {
  // Signals wait here while no socket is open: rxjs drops what it queued for a socket that
  // failed before opening, and a peer emits its offer only once.
  const pending: SignalData[] = [];
  let open = false;
  let lastCloseCode = 0;
  const socket = webSocket<unknown>({
    url: `${serverUrl.replace(/\/+$/, "")}/${encodeURIComponent(room)}`,
    // ws's WebSocket has the browser's interface as far as rxjs uses it, not its exact type.
    ...(options.WebSocketCtor ? { WebSocketCtor: options.WebSocketCtor as WebSocketSubjectConfig<unknown>["WebSocketCtor"] } : {}),
    openObserver: {
      next: () => {
        open = true;
        for (const signal of pending.splice(0)) socket.next(signal);
      },
    },
    closeObserver: {
      next: (event: CloseEvent) => {
        open = false;
        lastCloseCode = event.code;
      },
    },
  });
  const refusals: ReadonlySet<number> = new Set(Object.values(CLOSE_CODES));
  const incoming: Observable<unknown> = socket.pipe(
    // A clean close (the server restarting) completes rxjs's socket; retry it like a failure,
    // unless the server refused this client on purpose (bad room, room full, too many rooms).
    concatWith(defer(() => (refusals.has(lastCloseCode) ? EMPTY : throwError(() => new Error(`signaling socket closed (code ${lastCloseCode})`))))),
    retryBackoff({ initialDelay: 100, maxDelay: 2000, maxRetries: 8, ...options.retry }),
    filter((message) => {
      if (!isSignalingError(message)) return true;
      options.onServerError?.(message);
      return false;
    }),
  );
  return Object.assign(incoming, {
    next: (signal: SignalData) => {
      if (open) socket.next(signal);
      else pending.push(signal);
    },
  });
}
