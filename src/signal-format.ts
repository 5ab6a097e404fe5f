/**
 * Signal parsing: turns whatever arrives from the signaling path (Artico
 * objects, simple-peer objects, or JSON strings of either) into one checked
 * shape, or a PeerError saying exactly what was wrong. Pure: no WebRTC here.
 */
import { PeerError, describe, preview } from "./errors.js";
import { readMarker, type RemoteMarker } from "./sdp-marker.js";
import type { SignalData, SimplePeerSignalData } from "./types.js";

/**
 * A signal after parsing: a description, a candidate, a request to renegotiate, or a
 * request to add a transceiver (simple-peer's answerer asks for one for each track it
 * added that the offers so far have no m-line for).
 */
export type ParsedSignal = (
  | DescriptionSignal
  | { kind: "candidate"; candidate: RTCIceCandidateInit }
  | { kind: "end-of-candidates" }
  | { kind: "renegotiate" }
  | { kind: "transceiver"; mediaKind: "audio" | "video"; init: RTCRtpTransceiverInit }
) & {
  /** Set for the Artico format (`type: "sdp"`, or a candidate in `data`): its senders, @rtco/peer and rxpeer, run perfect negotiation. */
  artico?: true;
};

/** A remote description, with what its rxpeer marker says of the sender (see sdp-marker.ts). */
export interface DescriptionSignal {
  kind: "description";
  description: RTCSessionDescriptionInit;
  rxpeer?: RemoteMarker;
  artico?: true;
}

/** Longest signal accepted, in characters: far above any real SDP, low enough to refuse floods. */
export const MAX_SIGNAL_LENGTH = 1 << 20;

// The field that names a signal sent without a type, in the order simple-peer reads them.
const IMPLIED_TYPES = ["candidate", "renegotiate", "transceiverRequest"];

const SDP_TYPES: readonly unknown[] = ["offer", "answer", "pranswer", "rollback"];

// The media types WebRTC negotiates. Any other is refused here, before WebRTC sees it:
// @roamhq/wrtc 0.10 crashes the whole process (SIGSEGV in createAnswer) answering an offer
// whose SCTP m-line has another type, e.g. "m=foo 9 UDP/DTLS/SCTP webrtc-datachannel".
const MEDIA_TYPES = ["audio", "video", "application"];

const DIRECTIONS: readonly unknown[] = ["sendrecv", "sendonly", "recvonly", "inactive"];

// RFC 8839's candidate-attribute, with node-datachannel's "a=" prefix: foundation,
// component, transport, priority, address (IPv4, IPv6 or a name such as mDNS's
// "<uuid>.local"), port, "typ" type, optional raddr / rport, then name-value extension
// pairs ("generation 0", "tcptype passive", ...; a value of one or more visible
// characters). ABNF literals are case-insensitive. Checked here so a malformed candidate
// is refused at once, not held until a remote description arrives and failing then.
const CANDIDATE_LINE =
  /^(a=)?candidate:[a-z\d+/]{1,32} \d{1,3} [!#-'*+.\d^-~-]+ \d{1,10} [\da-z.:-]+ \d{1,5} typ [!#-'*+.\d^-~-]+( raddr [\da-z.:-]+)?( rport \d{1,5})?( [!#-'*+.\d^-~-]+ [!-~]+)*$/i;

type Result = ParsedSignal | PeerError;
type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => value !== null && typeof value === "object";
const isString = (value: unknown): value is string => typeof value === "string";
const isStringOrNull = (value: unknown): value is string | null | undefined => value == null || isString(value);

// The refusal being thrown: the checks below throw it at the first thing wrong, and
// parseSignal returns it; anything else thrown came from the input (a Proxy, a getter).
let refusal: PeerError | undefined;

function refuse(message: string): never {
  throw (refusal = new PeerError("ERR_SIGNAL_INVALID", message));
}

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
    // Proxies and throwing getters end up here too: still a clean PeerError.
    return refusal && cause === refusal ? refusal : new PeerError("ERR_SIGNAL_INVALID", `signal could not be read: ${String(cause)}`, cause);
  }
}

function parseUnchecked(input: unknown): ParsedSignal {
  if (isString(input)) {
    checkLength("signal string", input, MAX_SIGNAL_LENGTH);
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      refuse(`signal string is not valid JSON: ${preview(input)}`);
    }
    if (isString(parsed)) refuse("signal JSON must encode an object, got a string");
    return parseUnchecked(parsed);
  }
  const signal = expectValue(input, "signal", (value) => isObject(value) && !Array.isArray(value), "an object or a JSON string") as Fields;
  // simple-peer reads a signal by its fields, and older versions send some without a type.
  const type = expectValue(ownField(signal, "type") ?? IMPLIED_TYPES.find((field) => ownField(signal, field) !== undefined), "signal.type", isString, "a string");

  if (type === "sdp") return { ...parseDescription(expectField(signal, "signal", "data", isObject, "a session description object"), "signal.data"), artico: true };
  if (type === "candidate") {
    // Artico's field is data, simple-peer's candidate.
    const field = ownField(signal, "data") !== undefined ? "data" : "candidate";
    const value = ownField(signal, field);
    // End of candidates (null, or an empty or null candidate line): nothing to apply.
    const line = isObject(value) ? ownField(value, "candidate") : undefined;
    const result: ParsedSignal = value === null || line === "" || line === null
      ? { kind: "end-of-candidates" }
      : parseCandidate(expectValue(value, `signal.${field}`, isObject, "an ICE candidate object"), `signal.${field}`);
    return field === "data" ? { ...result, artico: true } : result;
  }
  if (SDP_TYPES.includes(type)) return parseDescription(signal, "signal");
  if (type === "renegotiate") return { kind: "renegotiate" };
  if (type === "transceiverRequest") return parseTransceiverRequest(expectField(signal, "signal", "transceiverRequest", isObject, "an object"));
  return refuse(`signal.type "${preview(type)}" is not one of ${["sdp", ...SDP_TYPES, ...IMPLIED_TYPES].join(", ")}`);
}

function parseDescription(record: Fields, where: string): ParsedSignal {
  const type = expectField(record, where, "type", (value) => SDP_TYPES.includes(value), SDP_TYPES.join(", ")) as RTCSdpType;
  if (type === "rollback") return { kind: "description", description: { type } };
  const sdp = expectField(record, where, "sdp", isString, "a string");
  checkLength(`${where}.sdp`, sdp, MAX_SIGNAL_LENGTH);
  if (!sdp.startsWith("v=0")) refuse(`${where}.sdp is not an SDP (no leading "v=0"): ${preview(sdp)}`);
  for (const [, media = ""] of sdp.matchAll(/^m=([^ \r\n]*)/gm)) {
    if (!MEDIA_TYPES.includes(media)) refuse(`${where}.sdp has an m-line of media type "${preview(media)}": only audio, video and application are supported`);
  }
  const rxpeer = readMarker(sdp);
  if (rxpeer === null) refuse(`${where}.sdp has an a=rxpeer line that is no data channel`);
  return { kind: "description", description: { type, sdp }, ...(rxpeer && { rxpeer }) };
}

function parseCandidate(record: Fields, where: string): ParsedSignal {
  const candidate = expectField(record, where, "candidate", isString, "a string");
  checkLength(`${where}.candidate`, candidate, 4096);
  // An empty line never gets here: it is an end of candidates.
  if (!CANDIDATE_LINE.test(candidate)) refuse(`${where}.candidate is not an ICE candidate line (RFC 8839): ${preview(candidate)}`);
  const sdpMid = expectField(record, where, "sdpMid", isStringOrNull, "a string or null");
  const sdpMLineIndex = expectField(record, where, "sdpMLineIndex", (value): value is number | null | undefined => value == null || (Number.isInteger(value) && (value as number) >= 0), "a non-negative integer or null");
  if (sdpMid == null && sdpMLineIndex == null) refuse(`${where} needs sdpMid or sdpMLineIndex`);
  const usernameFragment = expectField(record, where, "usernameFragment", isStringOrNull, "a string or null");
  return { kind: "candidate", candidate: plainCandidate({ candidate, sdpMid, sdpMLineIndex, usernameFragment }) };
}

// Only the direction is taken from the remote init: it is the one field that is plain
// data, and a remote peer has no business choosing our streams or encodings.
function parseTransceiverRequest(record: Fields): ParsedSignal {
  const where = "signal.transceiverRequest";
  const mediaKind = expectField(record, where, "kind", (value) => value === "audio" || value === "video", '"audio" or "video"') as "audio" | "video";
  const init = expectField(record, where, "init", (value) => value == null || isObject(value), "an object") as Fields | null | undefined;
  const direction = init ? expectField(init, `${where}.init`, "direction", (value) => value === undefined || DIRECTIONS.includes(value), DIRECTIONS.join(", ")) : undefined;
  return { kind: "transceiver", mediaKind, init: direction === undefined ? {} : { direction: direction as RTCRtpTransceiverDirection } };
}

/** `value` when it is what `where` must be; else refuses: "`where` must be `expected`, got ...". */
function expectValue<T>(value: unknown, where: string, ok: (value: unknown) => value is T, expected: string): T;
function expectValue(value: unknown, where: string, ok: (value: unknown) => boolean, expected: string): unknown;
function expectValue(value: unknown, where: string, ok: (value: unknown) => boolean, expected: string): unknown {
  if (!ok(value)) refuse(`${where} must be ${expected}, got ${describe(value)}`);
  return value;
}

/** `record`'s own field `key`, checked as {@link expectValue} does. */
function expectField<T>(record: Fields, where: string, key: string, ok: (value: unknown) => value is T, expected: string): T;
function expectField(record: Fields, where: string, key: string, ok: (value: unknown) => boolean, expected: string): unknown;
function expectField(record: Fields, where: string, key: string, ok: (value: unknown) => boolean, expected: string): unknown {
  return expectValue(ownField(record, key), `${where}.${key}`, ok, expected);
}

function checkLength(what: string, text: string, limit: number): void {
  if (text.length > limit) refuse(`${what} is ${text.length} characters, over the limit of ${limit}`);
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
  const data: Record<string, unknown> = { candidate: candidate.candidate ?? "" };
  for (const key of ["sdpMid", "sdpMLineIndex", "usernameFragment"] as const) if (candidate[key] != null) data[key] = candidate[key];
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
function ownField(record: Fields, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
