/**
 * What differs between WebRTC implementations, met from their behaviour rather than their
 * names: candidates written as SDP lines with no m-line index (node-datachannel), and
 * calls an implementation has but does not implement (node-datachannel's media).
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
  const line = candidate.candidate ?? "";
  if (!line.startsWith("a=") && candidate.sdpMLineIndex != null) return candidate;
  const index = candidate.sdpMLineIndex ?? (sdp() ?? "").split(/\r?\nm=/).slice(1).findIndex((section) => section.split(/\r?\n/).includes(`a=mid:${candidate.sdpMid}`));
  // Field by field: an implementation's RTCIceCandidate keeps them as getters, which a spread would miss.
  return { candidate: line.replace(/^a=/, ""), sdpMid: candidate.sdpMid, sdpMLineIndex: index >= 0 ? index : undefined, usernameFragment: candidate.usernameFragment };
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
