/**
 * The data channel side of a Peer: wires an RTCDataChannel's callbacks to
 * handlers, normalises what arrives (text stays text, binary becomes an
 * ArrayBuffer on every runtime) and sends any PeerData in order.
 */
import type { BehaviorSubject } from "./rxjs-imports.js";
import { PeerError, describe, toPeerError } from "./errors.js";
import { BEAT_MS, HEARTBEAT, livenessClock } from "./liveness.js";
import { blobBytes, isBlob } from "./read-blobs.js";
import { refusedAsClosed } from "./runtime-quirks.js";
import type { PeerData, PeerMessage } from "./types.js";

/**
 * Sub-protocol an rxpeer creator puts on an in-band channel (facing a remote that did not
 * say it is rxpeer): an rxpeer 0.1.0 answerer that sees it sends {@link READY_MARKER}.
 */
export const HANDSHAKE_PROTOCOL = "rxpeer";
/** The first message of an rxpeer 0.1.0 answerer on an in-band channel, and of ours facing a 0.1.0 creator. */
export const READY_MARKER = "\u0000rxpeer:ready";
/** The creator's first message on the pre-negotiated channel: the answerer reports open when it arrives. */
export const OPEN_MARKER = "\u0000rxpeer:open";
/** How long a side waits for the other's marker before reporting open anyway. */
export const READY_TIMEOUT_MS = 100;
/** The stream id of the channel an rxpeer creator pre-negotiates. */
export const PRE_NEGOTIATED_ID = 0;
/**
 * A message of up to this many bytes goes without reading the connection's limit: it fits any
 * (RFC 8831's interoperable size). The limit is read at the first larger one: on @roamhq/wrtc
 * that read blocks on the signaling thread, and at open it sat on the path of every connect.
 */
export const ALWAYS_FITS = 16 * 1024;
/**
 * What a channel's send queue holds on @roamhq/wrtc (libwebrtc's limit). There, a message that
 * would take the queue past it is dropped without a word, and later ones that fit still go;
 * Chromium, on the same limit, throws "send queue is full". So on a channel without
 * `bufferedAmountLowThreshold` (@roamhq/wrtc's) sends are checked against it.
 */
export const SEND_QUEUE_LIMIT = 16 * 1024 * 1024;

/**
 * How a link opens (see `#onChannelOpen`):
 * - `lead`: the creator's pre-negotiated channel, facing an rxpeer answerer: sends
 *   {@link OPEN_MARKER} and reports open at `open`;
 * - `follow`: the answerer's side of it: reports open at that marker;
 * - `wait`: the creator's in-band channel facing an answer in the Artico format without the
 *   rxpeer marker (@rtco/peer, or rxpeer 0.1.0): reports open at a first {@link READY_MARKER},
 *   or {@link READY_TIMEOUT_MS} after `open`;
 * - `ready`: an answerer facing an rxpeer 0.1.0 creator: sends {@link READY_MARKER} and reports open at `open`;
 * - `plain`: anything else (simple-peer, a channel of the user's config): reports open one
 *   macrotask after `open`; a first {@link READY_MARKER} is still consumed.
 */
export type OpenHandshake = "lead" | "follow" | "wait" | "ready" | "plain";

/**
 * Where a channel is in its life: `connecting` until the channel opens, `opening` while
 * either side waits for the other's marker, `open` once open is reported, `closed` for good.
 */
export type ChannelState = "connecting" | "opening" | "open" | "closed";

const TIMEOUTS: Partial<Record<OpenHandshake, number>> = { follow: READY_TIMEOUT_MS, wait: READY_TIMEOUT_MS, plain: 0 };
// The marker a side's first message may be: the answerer's is the creator's open marker; a side that sends a marker itself awaits none.
const MARKERS_DUE: Partial<Record<OpenHandshake, string>> = { follow: OPEN_MARKER, wait: READY_MARKER, plain: READY_MARKER };

export interface DataChannelHandlers {
  open(): void;
  message(data: PeerMessage): void;
  close(): void;
  error(error: PeerError): void;
  /** The connection's largest message, read once, at the first message over {@link ALWAYS_FITS} (a slow native read on @roamhq/wrtc). */
  maxMessageSize(): number;
  /** An rxpeer remote has sent nothing, not even a heartbeat, for `livenessTimeout` ms, and its transport heard nothing from it meanwhile. */
  dead(): void;
  /** A count that moves whenever the transport hears the remote (`packetsHeard`). */
  heard(): Promise<number>;
}

/**
 * Owns one RTCDataChannel for its lifetime. Its state is tracked from events rather
 * than read from `readyState`, which is a blocking cross-thread call on @roamhq/wrtc.
 *
 * @example
 * ```ts
 * const state = new BehaviorSubject<ChannelState>("connecting");
 * const link = new DataChannelLink(pc.createDataChannel("chat"), "plain", state, handlers, 5000);
 * link.send("hello"); // once state.value is "open", from handlers.open() on
 * ```
 */
export class DataChannelLink {
  /** The RTCDataChannel this link owns. */
  declare readonly channel: RTCDataChannel;
  readonly #state: BehaviorSubject<ChannelState>;
  readonly #handshake: OpenHandshake;
  readonly #handlers: DataChannelHandlers;
  // The marker the remote's first message may be (consumed then), until a first message came.
  #markerDue: string | undefined;
  #openTimer: ReturnType<typeof setTimeout> | undefined;
  #maxMessageSize: number | undefined;
  // Where sends are checked against SEND_QUEUE_LIMIT: the most the queue can hold now (the last
  // `bufferedAmount` read, a slow native call, plus what was sent since), so it is read only
  // when that could pass the limit. -Infinity, never passing it: not checked (the runtime throws
  // by itself, or has no limit).
  #queuedAtMost: number;
  // Sends waiting behind a Blob being read, chained in order; while any is queued, later
  // sends queue too, so order is kept. Each link of the chain settles (never rejects).
  #queue = Promise.resolve();
  #queued = 0;
  // Liveness (with an rxpeer remote only): messages counted each way, read at each beat.
  readonly #livenessTimeout: number;
  #received = 0;
  #sent = 0;
  // Stops the liveness clock, once it runs.
  #liveness: (() => void) | undefined;

  /**
   * @param channel the RTCDataChannel to own
   * @param handshake how it opens: whether the remote is rxpeer, and which side this is
   * @param state the one lifecycle value; this link moves it on, its owner derives `connected$` and `ready` from it
   * @param handlers where events go
   * @param livenessTimeout ms an rxpeer remote may stay silent before `handlers.dead()` (0: never)
   */
  constructor(
    channel: RTCDataChannel,
    handshake: OpenHandshake,
    state: BehaviorSubject<ChannelState>,
    handlers: DataChannelHandlers,
    livenessTimeout: number,
  ) {
    this.channel = channel;
    this.#livenessTimeout = livenessTimeout;
    this.#state = state;
    this.#handshake = handshake;
    this.#handlers = handlers;
    this.#markerDue = MARKERS_DUE[handshake];
    this.#queuedAtMost = "bufferedAmountLowThreshold" in channel ? -Infinity : 0;
    channel.binaryType = "arraybuffer";
    // close() detaches these handlers first, so none of them runs after it (both runtimes
    // read the on* handler when they dispatch).
    channel.onopen = () => this.#onChannelOpen();
    channel.onmessage = (event: MessageEvent) => this.#onChannelMessage(event.data);
    channel.onclose = () => {
      this.close();
      handlers.close();
    };
    channel.onerror = (event: Event) => this.#onChannelError(event);
    if (channel.readyState === "open") queueMicrotask(() => this.#onChannelOpen());
  }

  /** Whether open has been reported and the channel is not closed. */
  get isOpen(): boolean {
    return this.#state.value === "open";
  }

  /**
   * Sends one message; only while `isOpen` (the Peer checks it). Throws `ERR_FRAME_TOO_LARGE`
   * for a message over the connection's limit, sending nothing. Blobs are read first, and
   * anything sent after a Blob waits for it, so order is always kept.
   */
  send(data: PeerData): void {
    const blob = isBlob(data);
    if (!blob && typeof data !== "string" && !(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      throw new PeerError("ERR_DATA_CHANNEL", `send() takes a string, Blob, ArrayBuffer or ArrayBufferView, got ${describe(data)}`);
    }
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: a string is measured only when it may be over
    // the limit, so a string of 5.5 to 16 KiB is not encoded once more on every send.
    const most = blob ? data.size : typeof data !== "string" ? data.byteLength : data.length * 3;
    const limit = most > ALWAYS_FITS ? (this.#maxMessageSize ??= this.#handlers.maxMessageSize()) : Infinity;
    const bytes = typeof data === "string" && most > limit ? new Blob([data]).size : most;
    if (bytes > limit) {
      throw new PeerError("ERR_FRAME_TOO_LARGE", `send() of ${bytes} bytes is over this connection's limit of ${limit} bytes (sctp.maxMessageSize): split it with chunk() from "rxpeer/operators"`);
    }
    if (blob || this.#queued > 0) {
      this.#queued++;
      // Held behind a Blob: bytes are copied (into a Blob), so the caller may reuse its buffer once send() returns, as with a channel's own send().
      const queued = blob || typeof data === "string" ? data : new Blob([data as BlobPart]);
      this.#queue = this.#queue.then(() => this.#sendQueued(queued));
    } else this.#sendNow(data);
  }

  /** Closes the channel and detaches every handler. Idempotent. */
  close(): void {
    if (this.#state.value === "closed") return;
    this.#state.next("closed");
    clearTimeout(this.#openTimer);
    this.#liveness?.();
    const { channel } = this;
    channel.onopen = channel.onmessage = channel.onclose = channel.onerror = null;
    try {
      channel.close();
    } catch {
      // Already closed by the remote side or the connection: nothing left to release.
    }
  }

  // A Blob that cannot be read is reported, and what was queued behind it is still sent.
  async #sendQueued(data: string | Blob): Promise<void> {
    try {
      const bytes = isBlob(data) ? await blobBytes(data) : data;
      if (this.isOpen) this.#sendNow(bytes);
    } catch (error) {
      // blobBytes and #sendNow throw nothing but PeerErrors.
      this.#handlers.error(error as PeerError);
    } finally {
      this.#queued--;
    }
  }

  #sendNow(data: string | ArrayBuffer | ArrayBufferView): void {
    // Every view goes as its bytes: node-datachannel copies other views element by element.
    const payload = ArrayBuffer.isView(data) && !(data instanceof Uint8Array) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
    // Counted at most 3 bytes per UTF-16 unit of a string, and before the send: one that then
    // fails leaves the bound above the queue, which only brings the next read sooner.
    const size = typeof payload === "string" ? payload.length * 3 : payload.byteLength;
    if ((this.#queuedAtMost += size) > SEND_QUEUE_LIMIT && (this.#queuedAtMost = this.channel.bufferedAmount + size) > SEND_QUEUE_LIMIT) {
      this.#queuedAtMost -= size;
      throw new PeerError("ERR_DATA_CHANNEL", `send queue is full (${this.#queuedAtMost} bytes): let bufferedAmount fall, or use sendTo()`);
    }
    try {
      // The overloads of send() differ per type; one call site keeps this path small.
      (this.channel.send as (payload: string | ArrayBuffer | ArrayBufferView) => void)(payload);
      this.#sent++;
    } catch (cause) {
      // A channel closed under us is a send after close, on every runtime.
      if (refusedAsClosed(this.channel, cause)) throw toPeerError("ERR_NOT_CONNECTED", "cannot send: the data channel has closed", cause);
      throw toPeerError("ERR_DATA_CHANNEL", "send failed", cause);
    }
  }

  // An answerer on @roamhq/wrtc can deliver, in the instant its new in-band channel is
  // wired (`datachannel`), later messages before earlier ones (it registers for new
  // messages before replaying the ones that came first): 26 of 300 pairs here when the
  // creator sent at `open`. Between rxpeer peers the channel is pre-negotiated instead (made
  // on both sides, wired long before anything arrives), so the creator reports open at
  // `open`, and sends OPEN_MARKER first: the answerer reports open when it arrives, so the
  // creator's connect comes first, as with simple-peer. Facing an in-band channel of a
  // remote that may be rxpeer 0.1.0, the creator still waits for its ready marker.
  #onChannelOpen(): void {
    if (this.#state.value !== "connecting") return;
    this.#state.next("opening");
    const handshake = this.#handshake;
    const timeout = TIMEOUTS[handshake];
    if (timeout === undefined) {
      this.#sendNow(handshake === "lead" ? OPEN_MARKER : READY_MARKER);
      this.#reportOpen();
    } else this.#openTimer = setTimeout(() => this.#reportOpen(), timeout);
  }

  #reportOpen(): void {
    if (this.#state.value !== "opening") return;
    clearTimeout(this.#openTimer);
    this.#state.next("open");
    if (this.#handshake === "lead" || this.#handshake === "follow") this.#watchLiveness();
    this.#handlers.open();
  }

  // Only between rxpeer peers (their descriptions told each side so): a heartbeat on every idle
  // beat, and the remote declared dead once it has sent nothing for the timeout and its transport
  // heard nothing from it meanwhile. Without it a killed remote goes unnoticed until ICE's consent
  // check gives up, tens of seconds later; without the transport's word, a live remote whose
  // messages are stuck behind a stalled SCTP stream would be given up (docs/reliability.md).
  #watchLiveness(): void {
    if (this.#liveness) return;
    // A beat goes out only if nothing else did since the last tick (or since the watch began).
    let sentBefore = this.#sent;
    const handlers = this.#handlers;
    this.#liveness = livenessClock(() => this.#received, this.#livenessTimeout, (tick) => {
      if (tick === "dead") return handlers.dead();
      try {
        if (this.#sent === sentBefore && this.isOpen) this.#sendNow(HEARTBEAT);
      } catch {
        // A channel that cannot take a heartbeat is closing: its close event follows.
      }
      sentBefore = this.#sent;
    }, BEAT_MS, handlers.heard);
  }

  #onChannelMessage(data: unknown): void {
    this.#received++;
    // A message may be dispatched before `open`: the channel is open by then.
    this.#onChannelOpen();
    // Only a peer of this version heartbeats: one that does is watched, whatever the handshake saw.
    if (data === HEARTBEAT) return this.#watchLiveness();
    const marker = this.#markerDue;
    this.#markerDue = undefined;
    this.#reportOpen();
    if (data === marker) return;
    if (typeof data === "string" || data instanceof ArrayBuffer) this.#handlers.message(data);
    // A view (a runtime's Buffer) becomes a copy of just its bytes.
    else if (ArrayBuffer.isView(data)) this.#handlers.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer);
    else this.#handlers.error(new PeerError("ERR_DATA_CHANNEL", `received a message of unexpected type ${Object.prototype.toString.call(data)}`));
  }

  #onChannelError(event: Event): void {
    const detail = (event as Event & { error?: unknown }).error;
    // Chromium at times reports the remote peer closing as an SCTP "User-Initiated
    // Abort" (cause code 12) just before `close`: a remote close, not an error.
    if ((detail as { sctpCauseCode?: unknown } | null | undefined)?.sctpCauseCode === 12) return;
    this.#handlers.error(toPeerError("ERR_DATA_CHANNEL", "data channel error", detail ?? event));
  }
}
