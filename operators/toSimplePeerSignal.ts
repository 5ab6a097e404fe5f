/**
 * The `toSimplePeerSignal()` operator: signals for a simple-peer on the other side.
 */
import { map, type OperatorFunction } from "rxjs";
import { toSimplePeerFormat } from "../src/signal-format.js";
import type { SignalData, SimplePeerSignalData } from "../src/types.js";

/**
 * Converts each signal from rxpeer's format (`{ type: "sdp" | "candidate", data }`) to
 * simple-peer's (`{ type: "offer", sdp }`, `{ type: "candidate", candidate }`).
 *
 * <span class="informal">Lets an rxpeer talk to a simple-peer through the same signaling.</span>
 *
 * ```
 * signal$:     -o---c---|
 *              toSimplePeerSignal()
 * simple-peer: -p---q---|
 *
 * o = { type: "sdp", data: { type: "offer", sdp } }, c = { type: "candidate", data: candidate }
 * p = { type: "offer", sdp }, q = { type: "candidate", candidate }
 * ```
 *
 * The other direction needs no operator: `peer.signal()` accepts either format.
 *
 * @example
 * ```ts
 * import Peer from "rxpeer";
 * import { toSimplePeerSignal } from "rxpeer/operators";
 *
 * const peer = new Peer({ initiator: true }); // on Node: new Peer({ initiator: true, wrtc })
 * peer.signal$.pipe(toSimplePeerSignal()).subscribe((signal) => console.log(signal.type)); // offer, then candidate...
 * // Incoming simple-peer signals need no conversion: peer.signal(signal) accepts both formats.
 * ```
 *
 * @return A function that returns an Observable of signals in simple-peer's format.
 */
export function toSimplePeerSignal(): OperatorFunction<SignalData, SimplePeerSignalData> {
  return map(toSimplePeerFormat);
}
