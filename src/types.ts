/**
 * The public data shapes of rxpeer: what goes over the data channel and
 * what the signaling path carries.
 */

/** What `send()` accepts and what the chunking operators frame. */
export type PeerData = string | Blob | ArrayBuffer | ArrayBufferView;

/** What `data$` emits: text stays text, every binary payload arrives as an ArrayBuffer. */
export type PeerMessage = string | ArrayBuffer;

/**
 * An answerer's request for an offer, in simple-peer's shape (both formats share it): an
 * answerer that does not know its remote peer runs perfect negotiation asks rather than offers.
 */
export type OfferRequestSignal =
  | { type: "renegotiate"; renegotiate: true }
  | { type: "transceiverRequest"; transceiverRequest: { kind: string; init?: RTCRtpTransceiverInit } };

/** A signal in the Artico (@rtco/peer) format, as `signal$` emits it: plain JSON-safe objects. */
export type SignalData =
  | { type: "sdp"; data: RTCSessionDescriptionInit }
  | { type: "candidate"; data: RTCIceCandidateInit }
  | OfferRequestSignal;

/** A signal in simple-peer's format (`@types/simple-peer`'s `SignalData`). */
export type SimplePeerSignalData =
  | { type: "offer" | "answer" | "pranswer" | "rollback"; sdp?: string }
  | { type: "candidate"; candidate: RTCIceCandidateInit }
  | OfferRequestSignal;

/** A local `replaceTrack` that resolved, as `replacetrack$` emits it (`newTrack` is `null` when sending stopped). */
export interface PeerReplaceTrackEvent {
  oldTrack: MediaStreamTrack;
  newTrack: MediaStreamTrack | null;
}

/** A remote track and the stream it belongs to, as `track$` / `removetrack$` emit them. */
export interface PeerTrackEvent {
  track: MediaStreamTrack;
  stream: MediaStream;
}
