/**
 * In-process signaling between two peers, for tests, demos and benchmarks.
 */
import type { Subscription } from "rxjs";
import type { Peer } from "./peer.js";

/**
 * Wires each peer's `signal$` into the other's `signal()`. Unsubscribing unwires.
 *
 * @example
 * ```ts
 * const a = new Peer({ initiator: true });
 * const b = new Peer();
 * const link = linkPeers(a, b);
 * a.connect$.subscribe(() => a.send("hello"));
 * // later: link.unsubscribe();
 * ```
 */
export function linkPeers(a: Peer, b: Peer): Subscription {
  // One subscription carries both directions: unsubscribing it, or `a` closing, unwires both.
  const link = a.signal$.subscribe((signal) => void b.signal(signal));
  link.add(b.signal$.subscribe((signal) => void a.signal(signal)));
  return link;
}
