/**
 * What differs between WebRTC implementations, met from their behaviour rather than their
 * names: candidates written as SDP lines with no m-line index (node-datachannel), calls an
 * implementation has but does not implement (node-datachannel's media), and a channel whose
 * `readyState` lags behind its close (node-datachannel).
 */
import { PeerError } from "./errors.js";

/**
 * A candidate every implementation accepts: the `a=` prefix of an SDP attribute line dropped,
 * and a missing `sdpMLineIndex` taken from the m-line of `sdp` whose mid is `sdpMid`
 * (@roamhq/wrtc refuses a candidate without an index; node-datachannel sends none).
 *
 * @example
 * ```ts
 * normaliseCandidate({ candidate: "a=candidate:1 1 UDP 1 192.0.2.2 9 typ host", sdpMid: "0" }, sdp);
 * // { candidate: "candidate:1 1 UDP 1 192.0.2.2 9 typ host", sdpMid: "0", sdpMLineIndex: 0 }
 * ```
 */
export function normaliseCandidate(candidate: RTCIceCandidateInit, sdp: () => string | undefined): RTCIceCandidateInit {
  // `sdp` is read only for a candidate without an index.
  const index = candidate.sdpMLineIndex ?? (sdp() ?? "").split(/\r?\nm=/).slice(1).findIndex((section) => section.split(/\r?\n/).includes(`a=mid:${candidate.sdpMid}`));
  // Field by field: an implementation's RTCIceCandidate keeps them as getters, which a spread would miss.
  return { candidate: candidate.candidate?.replace(/^a=/, ""), sdpMid: candidate.sdpMid, sdpMLineIndex: index >= 0 ? index : undefined, usernameFragment: candidate.usernameFragment };
}

/**
 * Runs a WebRTC call that some implementations have only as a stub: a "Not implemented"
 * exception becomes `PeerError` `ERR_WEBRTC_SUPPORT` saying what the implementation lacks.
 * Anything else thrown passes through unchanged.
 *
 * @example
 * ```ts
 * supported("sending media", () => pc.addTrack(track, stream)); // node-datachannel: throws ERR_WEBRTC_SUPPORT
 * ```
 */
export function supported<T>(lacking: string, call: () => T): T {
  try {
    return call();
  } catch (cause) {
    if (cause instanceof Error && /not implemented/i.test(cause.message)) {
      throw new PeerError("ERR_WEBRTC_SUPPORT", `this WebRTC implementation does not support ${lacking} (${cause.message})`, cause);
    }
    throw cause;
  }
}

/**
 * Whether a `send()` that threw did so because the channel is closed: its `readyState` says
 * so, or the error does. node-datachannel's native channel closes a turn before its
 * `readyState` and its `close` event, and in that turn a send fails on a channel that still
 * reads `open`, with "DataChannel is closed", "... not open" or, once the association is
 * gone, "Sending failed" (libdatachannel's messages). Read only after a send failed (`readyState`
 * is a slow cross-thread read on @roamhq/wrtc).
 *
 * @example
 * ```ts
 * try { channel.send(data); } catch (e) { if (refusedAsClosed(channel, e)) return "closed"; throw e; }
 * ```
 */
export function refusedAsClosed(channel: { readonly readyState: string }, cause: unknown): boolean {
  return channel.readyState !== "open" || (cause instanceof Error && /\bis closed\b|\bnot open\b|\bsending failed\b/i.test(cause.message));
}
