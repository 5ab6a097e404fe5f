/**
 * simple-peer's answerer protocol, both ends of it: an answerer that does not offer asks
 * the offerer for an offer with `transceiverRequest` and `renegotiate` signals, and an
 * offerer adds the transceivers such a request names (negotiation.ts makes the offer).
 */
import { PeerError } from "./errors.js";
import { supported } from "./runtime-quirks.js";
import type { SignalData } from "./types.js";

/** Transceivers a remote peer may make us add through transceiver requests, counting ours. */
export const MAX_TRANSCEIVERS = 64;

// Transceivers of ours already asked for with a transceiverRequest (a transceiver belongs to one connection).
const requested = new WeakSet<RTCRtpTransceiver>();

/**
 * Asks the offerer for what our tracks need: a transceiver request for a track of ours that
 * no m-line carries yet (the offerer's side needs the transceiver), and, `forDirections`, a
 * plain request to renegotiate for an m-line we start or stop sending on (addTrack reuses a
 * transceiver the remote offer made). Nothing else: @roamhq/wrtc also fires stale
 * negotiationneeded events. The requests go to `to.signal`.
 *
 * @example
 * ```ts
 * askForOffer(pc, { signal: (signal) => socket.send(JSON.stringify(signal)) }, true);
 * ```
 */
export function askForOffer(pc: RTCPeerConnection, to: { signal(signal: SignalData): void }, forDirections: boolean): void {
  const transceivers = pc.getTransceivers();
  const missing = transceivers.filter((t) => !t.mid && t.sender.track && t.direction !== "stopped" && !requested.has(t));
  for (const transceiver of missing) {
    requested.add(transceiver);
    // recvonly: the offerer only receives on it (a sendrecv m-line would bring us a remote track of no stream).
    to.signal({ type: "transceiverRequest", transceiverRequest: { kind: transceiver.sender.track?.kind ?? "", init: { direction: "recvonly" } } });
  }
  const changed = transceivers.some((t) => t.mid && t.currentDirection && t.currentDirection !== "stopped" && sends(t.currentDirection) !== sends(t.direction));
  if (missing.length === 0 && forDirections && changed) to.signal({ type: "renegotiate", renegotiate: true });
}

/**
 * Adds the transceiver a remote answerer asked for. Each request adds one for good: a remote
 * peer may not grow the connection without bound, so past {@link MAX_TRANSCEIVERS} it throws
 * `PeerError` `ERR_SIGNAL_INVALID`.
 *
 * @example
 * ```ts
 * addRequestedTransceiver(pc, "video", { direction: "recvonly" }); // negotiationneeded then makes the offer
 * ```
 */
export function addRequestedTransceiver(pc: RTCPeerConnection, kind: "audio" | "video", init: RTCRtpTransceiverInit): void {
  if (pc.getTransceivers().length >= MAX_TRANSCEIVERS) {
    throw new PeerError("ERR_SIGNAL_INVALID", `too many transceivers requested (limit ${MAX_TRANSCEIVERS})`);
  }
  supported("media", () => pc.addTransceiver(kind, init));
}

function sends(direction: RTCRtpTransceiverDirection | null): boolean {
  return direction === "sendrecv" || direction === "sendonly";
}
