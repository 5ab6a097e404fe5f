/**
 * Signal parsing: turns whatever arrives from the signaling path (Artico
 * objects, simple-peer objects, or JSON strings of either) into one checked
 * shape, or a PeerError saying exactly what was wrong. Pure: no WebRTC here.
 */
import { PeerError, describe, preview } from "../../src/errors.js";
import type { SignalData, SimplePeerSignalData } from "../../src/types.js";

/**
 * A signal after parsing: a description, a candidate, a request to renegotiate, or a
 * request to add a transceiver (simple-peer's answerer asks for one for each track it
 * added that the offers so far have no m-line for).
 */
export type ParsedSignal = (
  | { kind: "description"; description: RTCSessionDescriptionInit }
  | { kind: "candidate"; candidate: RTCIceCandidateInit }
  | { kind: "end-of-candidates" }
  | { kind: "renegotiate" }
  | { kind: "transceiver"; mediaKind: "audio" | "video"; init: RTCRtpTransceiverInit }
) & {
  /** Set for the Artico format (`type: "sdp"`, or a candidate in `data`): its senders, @rtco/peer and rxpeer, run perfect negotiation. */
  artico?: true;
};

/** Longest signal accepted, in characters: far above any real SDP, low enough to refuse floods. */
export const MAX_SIGNAL_LENGTH = 1 << 20;

// The field that names a signal sent without a type, in the order simple-peer reads them.
const IMPLIED_TYPES = ["candidate", "renegotiate", "transceiverRequest"] as const;

const SDP_TYPES: ReadonlySet<string> = new Set(["offer", "answer", "pranswer", "rollback"]);

// The media types WebRTC negotiates. Any other is refused here, before WebRTC sees it:
// @roamhq/wrtc 0.10 crashes the whole process (SIGSEGV in createAnswer) answering an offer
// whose SCTP m-line has another type, e.g. "m=foo 9 UDP/DTLS/SCTP webrtc-datachannel".
const MEDIA_TYPES: ReadonlySet<string> = new Set(["audio", "video", "application"]);

// RFC 8839's candidate-attribute, with node-datachannel's "a=" prefix: foundation,
// component, transport, priority, address (IPv4, IPv6 or a name such as mDNS's
// "<uuid>.local"), port, "typ" type, optional raddr / rport, then name-value extension
// pairs ("generation 0", "tcptype passive", ...; a value of one or more visible
// characters). ABNF literals are case-insensitive. Checked here so a malformed candidate
// is refused at once, not held until a remote description arrives and failing then.
const CANDIDATE_LINE =
  /^(a=)?candidate:[a-z\d+/]{1,32} \d{1,3} [!#-'*+.\d^-~A-Z-]+ \d{1,10} [\da-z.:-]+ \d{1,5} typ [!#-'*+.\d^-~A-Z-]+( raddr [\da-z.:-]+)?( rport \d{1,5})?( [!#-'*+.\d^-~A-Z-]+ [!-~]+)*$/i;

type Result = ParsedSignal | PeerError;

const invalid = (message: string): PeerError => new PeerError("ERR_SIGNAL_INVALID", message);

/**
 * Parses a signal in either format, or a JSON string of either, into a {@link ParsedSignal}.
 * Never throws: bad input comes back as a `PeerError` with code `ERR_SIGNAL_INVALID`.
 *
 * @example
 * ```ts
 * parseSignal('{"type":"candidate","data":{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host"}}');
 * // { kind: "candidate", candidate: { candidate: "candidate:1 1 udp ..." } }
 * parseSignal({ type: "offer", sdp: "v=0..." }); // { kind: "description", description: {...} }
 * parseSignal(42); // PeerError ERR_SIGNAL_INVALID "signal must be an object or a JSON string, got number"
 * ```
 */
export function parseSignal(input: unknown): Result {
  try {
    return parseUnchecked(input);
  } catch (cause) {
    // Proxies and throwing getters end up here: still a clean PeerError.
    return new PeerError("ERR_SIGNAL_INVALID", `signal could not be read: ${String(cause)}`, cause);
  }
}

function parseUnchecked(input: unknown): Result {
  if (typeof input === "string") {
    if (input.length > MAX_SIGNAL_LENGTH) {
      return invalid(`signal string is ${input.length} characters, over the limit of ${MAX_SIGNAL_LENGTH}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      return invalid(`signal string is not valid JSON: ${preview(input)}`);
    }
    if (typeof parsed === "string") return invalid("signal JSON must encode an object, got a string");
    return parseUnchecked(parsed);
  }
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return invalid(`signal must be an object or a JSON string, got ${describe(input)}`);
  }
  const signal = input as Record<string, unknown>;
  // simple-peer reads a signal by its fields, and older versions send some without a type.
  const type = ownField(signal, "type") ?? IMPLIED_TYPES.find((field) => ownField(signal, field) !== undefined);
  if (typeof type !== "string") return invalid(`signal.type must be a string, got ${describe(type)}`);

  if (type === "sdp") return artico(parseDescription(ownField(signal, "data"), "signal.data"));
  if (type === "candidate") {
    // Artico's field is data, simple-peer's candidate.
    const field = ownField(signal, "data") !== undefined ? "data" : "candidate";
    const value = ownField(signal, field);
    // End of candidates (null, or an empty or null candidate line): nothing to apply.
    const line = value !== null && typeof value === "object" ? ownField(value as Record<string, unknown>, "candidate") : undefined;
    const result = value === null || line === "" || line === null
      ? { kind: "end-of-candidates" as const }
      : parseCandidate(value, `signal.${field}`);
    return field === "data" ? artico(result) : result;
  }
  if (SDP_TYPES.has(type)) return parseDescription(signal, "signal");
  if (type === "renegotiate") return { kind: "renegotiate" };
  if (type === "transceiverRequest") return parseTransceiverRequest(ownField(signal, "transceiverRequest"));
  return invalid(`signal.type "${preview(type)}" is not one of sdp, candidate, offer, answer, pranswer, rollback, renegotiate, transceiverRequest`);
}

function artico(result: Result): Result {
  return result instanceof PeerError ? result : { ...result, artico: true };
}

function parseDescription(value: unknown, where: string): Result {
  if (value === null || typeof value !== "object") return invalid(`${where} must be a session description object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  const type = ownField(record, "type");
  if (typeof type !== "string" || !SDP_TYPES.has(type)) {
    return invalid(`${where}.type must be offer, answer, pranswer or rollback, got ${describe(type)}`);
  }
  const sdp = ownField(record, "sdp");
  if (type === "rollback") return { kind: "description", description: { type } };
  if (typeof sdp !== "string") return invalid(`${where}.sdp must be a string, got ${describe(sdp)}`);
  if (sdp.length > MAX_SIGNAL_LENGTH) return invalid(`${where}.sdp is ${sdp.length} characters, over the limit of ${MAX_SIGNAL_LENGTH}`);
  if (!sdp.startsWith("v=0")) return invalid(`${where}.sdp is not an SDP (no leading "v=0"): ${preview(sdp)}`);
  for (const [, media = ""] of sdp.matchAll(/^m=([^ \r\n]*)/gm)) {
    if (!MEDIA_TYPES.has(media)) return invalid(`${where}.sdp has an m-line of media type "${preview(media)}": only audio, video and application are supported`);
  }
  return { kind: "description", description: { type: type as RTCSdpType, sdp } };
}

function parseCandidate(value: unknown, where: string): Result {
  if (value === null || typeof value !== "object") return invalid(`${where} must be an ICE candidate object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  const candidate = ownField(record, "candidate");
  if (typeof candidate !== "string") return invalid(`${where}.candidate must be a string, got ${describe(candidate)}`);
  if (candidate.length > 4096) return invalid(`${where}.candidate is ${candidate.length} characters, over the limit of 4096`);
  if (candidate !== "" && !CANDIDATE_LINE.test(candidate)) {
    return invalid(`${where}.candidate is not an ICE candidate line (RFC 8839): ${preview(candidate)}`);
  }
  const sdpMid = ownField(record, "sdpMid");
  if (sdpMid !== undefined && sdpMid !== null && typeof sdpMid !== "string") return invalid(`${where}.sdpMid must be a string or null, got ${describe(sdpMid)}`);
  const sdpMLineIndex = ownField(record, "sdpMLineIndex");
  if (sdpMLineIndex !== undefined && sdpMLineIndex !== null && !(Number.isInteger(sdpMLineIndex) && (sdpMLineIndex as number) >= 0)) {
    return invalid(`${where}.sdpMLineIndex must be a non-negative integer or null, got ${describe(sdpMLineIndex)}`);
  }
  if (sdpMid == null && sdpMLineIndex == null) return invalid(`${where} needs sdpMid or sdpMLineIndex`);
  const usernameFragment = ownField(record, "usernameFragment");
  if (usernameFragment !== undefined && usernameFragment !== null && typeof usernameFragment !== "string") {
    return invalid(`${where}.usernameFragment must be a string or null, got ${describe(usernameFragment)}`);
  }
  // Checked above: each field is of its type, or null/undefined, which plainCandidate drops.
  return { kind: "candidate", candidate: plainCandidate({ candidate, sdpMid, sdpMLineIndex, usernameFragment } as RTCIceCandidateInit) };
}

const DIRECTIONS: ReadonlySet<string> = new Set(["sendrecv", "sendonly", "recvonly", "inactive"]);

// Only the direction is taken from the remote init: it is the one field that is plain
// data, and a remote peer has no business choosing our streams or encodings.
function parseTransceiverRequest(value: unknown): Result {
  const where = "signal.transceiverRequest";
  if (value === null || typeof value !== "object") return invalid(`${where} must be an object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  const mediaKind = ownField(record, "kind");
  if (mediaKind !== "audio" && mediaKind !== "video") return invalid(`${where}.kind must be "audio" or "video", got ${describe(mediaKind)}`);
  const init = ownField(record, "init");
  if (init === undefined || init === null) return { kind: "transceiver", mediaKind, init: {} };
  if (typeof init !== "object") return invalid(`${where}.init must be an object, got ${describe(init)}`);
  const direction = ownField(init as Record<string, unknown>, "direction");
  if (direction === undefined) return { kind: "transceiver", mediaKind, init: {} };
  if (typeof direction !== "string" || !DIRECTIONS.has(direction)) {
    return invalid(`${where}.init.direction must be sendrecv, sendonly, recvonly or inactive, got ${describe(direction)}`);
  }
  return { kind: "transceiver", mediaKind, init: { direction: direction as RTCRtpTransceiverDirection } };
}

/**
 * Builds the Artico-format signal for a local description: a fresh plain object,
 * safe for `JSON.stringify` whatever the runtime's description class is.
 *
 * @example
 * ```ts
 * descriptionSignal(await pc.createOffer()); // { type: "sdp", data: { type: "offer", sdp: "v=0..." } }
 * ```
 */
export function descriptionSignal(description: RTCSessionDescriptionInit): SignalData {
  // Local offers and answers always carry an sdp (only a rollback has none, and none is sent).
  return { type: "sdp", data: { type: description.type, sdp: description.sdp } };
}

/**
 * Builds the Artico-format signal for a local ICE candidate as a plain object.
 *
 * @example
 * ```ts
 * pc.onicecandidate = ({ candidate }) => candidate && emit(candidateSignal(candidate));
 * ```
 */
export function candidateSignal(candidate: RTCIceCandidateInit): SignalData {
  return { type: "candidate", data: plainCandidate(candidate) };
}

// A fresh plain candidate init: only the fields that are set, so it is JSON-safe and
// carries nothing of the runtime's RTCIceCandidate class (or of a remote peer's object).
function plainCandidate(candidate: RTCIceCandidateInit): RTCIceCandidateInit {
  const data: RTCIceCandidateInit = { candidate: candidate.candidate ?? "" };
  if (candidate.sdpMid != null) data.sdpMid = candidate.sdpMid;
  if (candidate.sdpMLineIndex != null) data.sdpMLineIndex = candidate.sdpMLineIndex;
  if (candidate.usernameFragment != null) data.usernameFragment = candidate.usernameFragment;
  return data;
}

/**
 * Converts an Artico-format signal to simple-peer's format.
 *
 * @example
 * ```ts
 * toSimplePeerFormat({ type: "sdp", data: { type: "offer", sdp } }); // { type: "offer", sdp }
 * toSimplePeerFormat({ type: "candidate", data: c }); // { type: "candidate", candidate: c }
 * ```
 */
export function toSimplePeerFormat(signal: SignalData): SimplePeerSignalData {
  if (signal.type !== "sdp" && signal.type !== "candidate") return signal;
  if (signal.type === "candidate") return { type: "candidate", candidate: { ...signal.data } };
  const { type, sdp } = signal.data;
  return sdp === undefined ? { type } : { type, sdp };
}

/** Reads an own property only, so `__proto__` tricks and inherited getters are never consulted. */
function ownField(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
