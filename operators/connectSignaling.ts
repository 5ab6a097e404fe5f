/**
 * `connectSignaling()`: binds a peer to a signaling channel in both directions.
 * Not an operator but a wiring function; it lives here because it composes with them.
 */
import { Subscription, type Observable, type Observer } from "rxjs";
import type { SignalData, SimplePeerSignalData } from "../src/types.js";
import { checkOptions, checkMembers } from "./arguments.js";
import { subscribeChained } from "./subscribe-chained.js";

/** What `connectSignaling` needs of a peer; `Peer` has it. */
export interface SignalingPeer {
  readonly signal$: Observable<SignalData>;
  signal(data: SignalData | SimplePeerSignalData | string): Promise<void>;
}

/** A two-way signaling channel, such as the subject rxjs `webSocket()` returns. */
export type SignalingChannel = Observable<unknown> & Pick<Observer<SignalData>, "next">;

export interface ConnectSignalingOptions {
  /** Called when the channel (or `signal$`) errors; the wiring has ended by then. Default: ignore. */
  onError?: (error: unknown) => void;
}

/**
 * Sends every signal of `peer` into `channel` and feeds every message of `channel` to
 * `peer.signal()`, until the returned Subscription is unsubscribed.
 *
 * <span class="informal">One line to put a peer on a WebSocket (or any subject) for signaling.</span>
 *
 * ```
 * peer.signal$: -o---c-----
 * channel:      ---a---d--|
 *               connectSignaling(peer, channel)
 * channel.next: -o---c-----
 * peer.signal:  ---a---d---
 *
 * o = offer, c = candidate
 * a = answer, d = remote candidate
 * ```
 *
 * The channel is subscribed first, then `signal$` (which replays signals made before
 * anyone listened), so a `webSocket()` subject opens its socket and queues the first
 * signals until it is open. Messages are handed to `peer.signal()` as they come: it accepts
 * objects or JSON strings of either signal format and reports bad ones on `peer.error$`.
 * The wiring ends, in both directions, when unsubscribed, when the peer's `signal$`
 * completes (the peer closed), or when the channel completes or errors (`onError` is told,
 * once). A `signal()` or `channel.next()` that throws ends it too, with `onError` told of
 * what it threw.
 * Unsubscribing a `webSocket()` subject's last subscriber closes its socket.
 *
 * @example
 * Signal through a WebSocket relay (one that forwards each message to the other client).
 * ```ts
 * import { webSocket } from "rxjs/webSocket";
 * import Peer from "rxpeer";
 * import { connectSignaling } from "rxpeer/operators";
 *
 * const peer = new Peer({ initiator: location.hash === "#host" });
 * const wiring = connectSignaling(peer, webSocket("wss://signal.example/room/42"), { onError: console.error });
 * peer.connect$.subscribe(() => console.log("connected"));
 * peer.close$.subscribe(() => wiring.unsubscribe());
 * ```
 *
 * @param peer The peer to signal, such as a `Peer`.
 * @param channel Where signals go and come from: `Observable<unknown> & Observer<SignalData>`.
 * @param options `onError`: told when the channel errors.
 * @return The Subscription that holds both directions; unsubscribe it to unwire.
 */
export function connectSignaling(peer: SignalingPeer, channel: SignalingChannel, options: ConnectSignalingOptions = {}): Subscription {
  checkMembers("connectSignaling", "peer", peer, ["signal$", "signal"]);
  checkMembers("connectSignaling", "channel", channel, ["subscribe", "next"]);
  checkOptions("connectSignaling", options);
  const wiring = new Subscription();
  const fail = (error: unknown): void => {
    wiring.unsubscribe();
    options.onError?.(error);
  };
  // Each direction is chained to the wiring before it runs, so a synchronous channel stops as
  // soon as the wiring ends, and signal$ is not subscribed once it has.
  subscribeChained(wiring, channel, {
    // peer.signal() checks whatever arrives at runtime and never rejects, so the cast only names what it accepts.
    next: (message) => void peer.signal(message as SignalData | SimplePeerSignalData | string),
    error: fail,
    complete: () => wiring.unsubscribe(),
  });
  subscribeChained(wiring, peer.signal$, {
    next: (signal) => channel.next(signal),
    error: fail,
    complete: () => wiring.unsubscribe(),
  });
  return wiring;
}
