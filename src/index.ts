/**
 * rxpeer: a WebRTC peer whose every event is an RxJS Observable, with an
 * EventEmitter facade compatible with @rtco/peer.
 *
 * @packageDocumentation
 */
export { Peer, Peer as default } from "./peer.js";
export { PeerError, type PeerErrorCode } from "./errors.js";
export { linkPeers } from "./link-peers.js";
export type { PeerOptions, WebRTCImplementation } from "./options.js";
export type { LogLevel } from "./logger.js";
export type { PeerEvents, PeerEventName, PeerEmissions, PeerEventStreams } from "./facade.js";
export type { PeerData, PeerMessage, SignalData, SimplePeerSignalData, PeerTrackEvent, PeerReplaceTrackEvent } from "./types.js";
