/**
 * `rxpeer/simple-peer`: a drop-in for simple-peer 9.11, built on rxpeer's Peer.
 * `import SimplePeer from "rxpeer/simple-peer"` in ESM; `require("rxpeer/simple-peer")`
 * is the class itself, as `require("simple-peer")` is.
 *
 * @packageDocumentation
 */
import { SimplePeer } from "./simple-peer.js";

export default SimplePeer;
export type { SimplePeerOptions, SimplePeerError, SimplePeerEvents, AddressInfo } from "./simple-peer.js";
export type { Chunk, PipeDestination } from "./duplex.js";
export type { Listener } from "./emitter.js";
