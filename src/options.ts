/**
 * Peer options: their defaults, and finding a WebRTC implementation
 * (the injected `wrtc`, else the runtime's globals).
 */
import { PeerError, describe } from "./errors.js";
import { DEFAULT_LIVENESS_TIMEOUT_MS, MIN_LIVENESS_TIMEOUT_MS } from "./liveness.js";
import type { LogLevel } from "./logger.js";

/**
 * A WebRTC implementation: the browser's globals, or a module such as `@roamhq/wrtc` on Node.
 * The Peer reads only `RTCPeerConnection` and `MediaStream`: descriptions and candidates go to
 * the connection as plain objects. The other two classes are accepted, as @rtco/peer and
 * simple-peer users pass them, and never read.
 */
export interface WebRTCImplementation {
  RTCPeerConnection: typeof RTCPeerConnection;
  /** Makes a stream for a remote track sent without one; without it such a track is ignored. */
  MediaStream?: typeof MediaStream;
  /** Accepted for compatibility; never read. */
  RTCSessionDescription?: typeof RTCSessionDescription;
  /** Accepted for compatibility; never read. */
  RTCIceCandidate?: typeof RTCIceCandidate;
}

/** Options of a {@link Peer}; every one is optional when constructing. */
export interface PeerOptions {
  /** 0 none, 1 errors, 2 +warnings, 3 +info, 4 +debug; printed to `console` with a `[rxpeer]` prefix. Default 1. */
  debug: LogLevel;
  /** Create the data channel and start negotiating at once. Default false. */
  initiator: boolean;
  /** Passed to `RTCPeerConnection`. No STUN or TURN server unless you give one. */
  config: RTCConfiguration | undefined;
  /** Data channel label; random by default. The non-initiator adopts the remote label. */
  channelName: string;
  /** `RTCDataChannelInit` for the data channel the initiator creates. Default `{}`. */
  channelConfig: RTCDataChannelInit;
  /** A WebRTC implementation, e.g. `@roamhq/wrtc` on Node. Default: the globals. */
  wrtc: WebRTCImplementation | undefined;
  /** Send ICE candidates as they come (default true); false sends each description once ICE gathering completed, candidates inside. */
  trickle: boolean;
  /** With `trickle: false`, how long to wait for ICE gathering before sending the description anyway, in ms. Default 5000 (simple-peer's). */
  iceCompleteTimeout: number;
  /** Rewrites each local offer's and answer's SDP before it is applied and sent. Default: unchanged. */
  sdpTransform: (sdp: string) => string;
  /** Passed to `createOffer`. Default `{}`. */
  offerOptions: RTCOfferOptions;
  /** Passed to `createAnswer`. Default `{}`. */
  answerOptions: RTCAnswerOptions;
  /**
   * With an rxpeer remote: how long it may send nothing at all (rxpeer sends a heartbeat every
   * second when idle) before it is reported dead, as `ERR_CONNECTION_FAILURE` then `close$`, in
   * ms. Default 5000; 0 disables the check (heartbeats still go out); otherwise at least 2000.
   */
  livenessTimeout: number;
}

/** Options after defaults are applied, with the WebRTC implementation found. */
export interface ResolvedOptions extends PeerOptions {
  wrtc: WebRTCImplementation;
}

/**
 * Checks the options, applies defaults and finds a WebRTC implementation. Throws
 * `PeerError` `ERR_INVALID_ARGUMENT` for an option of the wrong type, and
 * `ERR_WEBRTC_SUPPORT` when there is no implementation.
 *
 * @example
 * ```ts
 * resolveOptions({ initiator: true }).channelName; // e.g. "k3x9q0z1m2ab"
 * ```
 */
export function resolveOptions(options: Partial<PeerOptions> = {}): ResolvedOptions {
  if (options === null || typeof options !== "object") throw new PeerError("ERR_INVALID_ARGUMENT", `options must be an object, got ${describe(options)}`);
  // Each option's default, whose type (`typeof`, never null) the option must have: a wrong
  // type is a mistake to report at once, not a value to guess at (`channelConfig: 5` would
  // otherwise be silently dropped). `config`'s is empty: the connection's own defaults.
  const resolved: Omit<PeerOptions, "wrtc"> = {
    debug: 1,
    initiator: false,
    config: {},
    // About 52 random bits in base 36. The label only tells one connection's channel from
    // another's, so it needs no cryptographic randomness: crypto.getRandomValues is a native
    // call that costs a browser more than the rest of resolveOptions, on every new Peer.
    channelName: Math.random().toString(36).slice(2),
    channelConfig: {},
    trickle: true,
    iceCompleteTimeout: 5000,
    sdpTransform: (sdp) => sdp,
    offerOptions: {},
    answerOptions: {},
    livenessTimeout: DEFAULT_LIVENESS_TIMEOUT_MS,
  };
  for (const [name, fallback] of Object.entries(resolved)) {
    const value: unknown = options[name as keyof PeerOptions];
    if (value === undefined) continue;
    const type = typeof fallback;
    if (value === null || typeof value !== type) throw new PeerError("ERR_INVALID_ARGUMENT", `option ${name} must be of type ${type}, got ${describe(value)}`);
    (resolved as Record<string, unknown>)[name] = value;
  }
  const { livenessTimeout } = resolved;
  if (livenessTimeout !== 0 && !(livenessTimeout >= MIN_LIVENESS_TIMEOUT_MS && livenessTimeout < 2 ** 31)) {
    throw new PeerError("ERR_INVALID_ARGUMENT", `option livenessTimeout must be 0 or from ${MIN_LIVENESS_TIMEOUT_MS} ms up, got ${livenessTimeout}`);
  }
  // Without an injected implementation the runtime's globals are one (a browser's, or a polyfill's).
  const wrtc = options.wrtc ?? (globalThis as Partial<WebRTCImplementation>);
  if (typeof wrtc.RTCPeerConnection !== "function") {
    throw new PeerError(
      "ERR_WEBRTC_SUPPORT",
      "no WebRTC implementation (no RTCPeerConnection): pass one as the wrtc option (@roamhq/wrtc on Node)",
    );
  }
  return { ...resolved, wrtc: wrtc as WebRTCImplementation };
}
