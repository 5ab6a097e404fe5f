/**
 * Liveness between two rxpeer peers: each sends a heartbeat on a steady beat, and a
 * remote that has sent nothing at all for a whole timeout is declared dead. Without it
 * a remote whose process was killed is noticed only when ICE gives up on it (its
 * consent check fails after tens of seconds). Pure: the Peer sends the beats and
 * counts what arrives.
 */
import { type Observable, defer, interval, map, takeWhile } from "rxjs";

/** The heartbeat message, sent only to an rxpeer remote (one that took part in the open handshake). */
export const HEARTBEAT = "\u0000rxpeer:beat";

/** Default `livenessTimeout`: how long a remote may send nothing at all before it is declared dead, in ms. */
export const DEFAULT_LIVENESS_TIMEOUT_MS = 5000;

/** Beats per timeout: a remote must miss this many of ours in a row to be declared dead. */
export const BEATS_PER_TIMEOUT = 5;

/** One tick of the liveness clock: send a heartbeat, or give the remote up. */
export type LivenessTick = "beat" | "dead";

/**
 * A clock of `timeout / BEATS_PER_TIMEOUT` ms: each tick says "beat" (send a heartbeat) while
 * `received()` has moved within the last `BEATS_PER_TIMEOUT` ticks, then "dead" once, and ends.
 *
 * Silence is counted in ticks rather than measured in time on purpose: if this process
 * stalls, its clock fires once when it resumes, before the messages that queued up in the
 * meantime are delivered, and one silent tick is far from enough to give up. A remote whose
 * own event loop stalls for less than `timeout - 2 * beat` ms is not declared dead.
 *
 * ```
 * received: 1-2-3-3-3-3-3-3        the count of messages received, read at each tick
 * ticks:    b-b-b-b-b-b-b-(d|)     5 ticks in a row with no new message: dead
 * ```
 *
 * @example
 * ```ts
 * let received = 0;
 * channel.onmessage = () => received++;
 * livenessClock(() => received, 5000).subscribe((tick) =>
 *   tick === "beat" ? channel.send(HEARTBEAT) : peer.destroy());
 * ```
 * @param received reads how many messages the remote has sent so far (any message counts)
 * @param timeout ms of silence after which the remote is dead; must be positive
 */
export function livenessClock(received: () => number, timeout: number): Observable<LivenessTick> {
  return defer(() => {
    let last = received();
    let silent = 0;
    return interval(timeout / BEATS_PER_TIMEOUT).pipe(
      map((): LivenessTick => {
        const now = received();
        silent = now === last ? silent + 1 : 0;
        last = now;
        return silent >= BEATS_PER_TIMEOUT ? "dead" : "beat";
      }),
      takeWhile((tick) => tick === "beat", true),
    );
  });
}

