/**
 * The data channel side of a Peer: wires an RTCDataChannel's callbacks to
 * handlers, normalises what arrives (text stays text, binary becomes an
 * ArrayBuffer on every runtime) and sends any PeerData in order.
 */
import { EMPTY, Subject, catchError, concatMap, finalize, of, type BehaviorSubject, type Subscription } from "rxjs";
import { PeerError, describe, toPeerError } from "./errors.js";
import { HEARTBEAT, livenessClock } from "./liveness.js";
import { isBlob, readBlobs } from "./read-blobs.js";
import { refusedAsClosed } from "./runtime-quirks.js";
import type { PeerData, PeerMessage } from "./types.js";

/**
 * Sub-protocol an rxpeer creator puts on its channel. An rxpeer answerer that sees it
 * sends {@link READY_OPEN_MARKER} as its first message, once its channel is wired.
 */
export const HANDSHAKE_PROTOCOL = "rxpeer";
/** The ready marker of an rxpeer 0.1.0 answerer, which expects no {@link OPEN_MARKER} back. */
export const READY_MARKER = "\u0000rxpeer:ready";
/** The answerer's ready marker: it reports open at the creator's {@link OPEN_MARKER}. */
export const READY_OPEN_MARKER = "\u0000rxpeer:ready+open";
/** The creator's reply, sent just before it reports open: so the creator's connect comes first, as simple-peer's. */
export const OPEN_MARKER = "\u0000rxpeer:open";
/** How long either side waits for the other's marker before reporting open anyway (a non-rxpeer or older remote). */
export const READY_TIMEOUT_MS = 100;

/**
 * Where a channel is in its life: `connecting` until the channel opens, `opening` while
 * either side waits for the other's marker, `open` once open is reported, `closed` for good.
 */
export type ChannelState = "connecting" | "opening" | "open" | "closed";

export interface DataChannelHandlers {
  open(): void;
  message(data: PeerMessage): void;
  close(): void;
  error(error: PeerError): void;
  /** The connection's largest message, read once when the channel opens (a slow native read on @roamhq/wrtc). */
  maxMessageSize(): number;
  /** An rxpeer remote has sent nothing, not even a heartbeat, for `livenessTimeout` ms. */
  dead(): void;
}

/**
 * Owns one RTCDataChannel for its lifetime. Its state is tracked from events rather
 * than read from `readyState`, which is a blocking cross-thread call on @roamhq/wrtc.
 *
 * @example
 * ```ts
 * const state = new BehaviorSubject<ChannelState>("connecting");
 * const link = new DataChannelLink(pc.createDataChannel("chat"), true, state, handlers, 5000);
 * link.send("hello"); // once state.value is "open", from handlers.open() on
 * ```
 */
export class DataChannelLink {
  readonly #state: BehaviorSubject<ChannelState>;
  readonly #createdHere: boolean;
  readonly #handlers: DataChannelHandlers;
  // The other side's marker is still to come (the creator waits for ready, the answerer for open; consumed once).
  #markerDue: boolean;
  // Creator side: the answerer asked for the open marker.
  #sendOpenMarker = false;
  #openTimer: ReturnType<typeof setTimeout> | undefined;
  #maxMessageSize = Infinity;
  // Sends waiting behind a Blob being read; while any is queued, later sends queue too, so order is kept.
  readonly #queue = new Subject<PeerData>();
  #queued = 0;
  // Liveness (with an rxpeer remote only): messages counted each way, read at each beat.
  readonly #livenessTimeout: number;
  #received = 0;
  #sent = 0;
  #liveness: Subscription | undefined;

  /**
   * @param channel the RTCDataChannel to own
   * @param createdHere whether this side created the channel (it waits for the answerer's ready marker, the answerer for its open marker)
   * @param state the one lifecycle value; this link moves it on, its owner derives `connected$` and `ready` from it
   * @param handlers where events go
   * @param livenessTimeout ms an rxpeer remote may stay silent before `handlers.dead()` (0: never)
   */
  constructor(
    readonly channel: RTCDataChannel,
    createdHere: boolean,
    state: BehaviorSubject<ChannelState>,
    handlers: DataChannelHandlers,
    livenessTimeout: number,
  ) {
    this.#livenessTimeout = livenessTimeout;
    this.#state = state;
    this.#createdHere = createdHere;
    this.#handlers = handlers;
    this.#markerDue = channel.protocol === HANDSHAKE_PROTOCOL;
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
    // A Blob that cannot be read is reported, and what was queued behind it is still sent.
    this.#queue
      .pipe(
        concatMap((data) =>
          of(data).pipe(
            readBlobs(),
            catchError((error: PeerError) => {
              handlers.error(error);
              return EMPTY;
            }),
            finalize(() => this.#queued--),
          ),
        ),
      )
      .subscribe((data) => {
        try {
          if (this.isOpen) this.#sendNow(data);
        } catch (error) {
          handlers.error(toPeerError("ERR_DATA_CHANNEL", "send failed", error));
        }
      });
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
    const limit = this.#maxMessageSize;
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: only a string that may be over is measured.
    const bytes = blob ? data.size : typeof data !== "string" ? data.byteLength : data.length * 3 <= limit ? 0 : new Blob([data]).size;
    if (bytes > limit) {
      throw new PeerError("ERR_FRAME_TOO_LARGE", `send() of ${bytes} bytes is over this connection's limit of ${limit} bytes (sctp.maxMessageSize): split it with chunk() from "rxpeer/operators"`);
    }
    if (blob || this.#queued > 0) {
      this.#queued++;
      this.#queue.next(data);
    } else this.#sendNow(data);
  }

  /** Closes the channel and detaches every handler. Idempotent. */
  close(): void {
    if (this.#state.value === "closed") return;
    this.#state.next("closed");
    clearTimeout(this.#openTimer);
    this.#liveness?.unsubscribe();
    this.#queue.complete();
    const { channel } = this;
    channel.onopen = channel.onmessage = channel.onclose = channel.onerror = null;
    try {
      channel.close();
    } catch {
      // Already closed by the remote side or the connection: nothing left to release.
    }
  }

  #sendNow(data: string | ArrayBuffer | ArrayBufferView): void {
    // Every view goes as its bytes: node-datachannel copies other views element by element.
    const payload = ArrayBuffer.isView(data) && !(data instanceof Uint8Array) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
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

  // An answerer on @roamhq/wrtc can deliver, in the instant its new channel is wired,
  // later messages before earlier ones (it registers for new messages before replaying
  // the ones that came first): 26 of 300 pairs here when the creator sent at `open`.
  // So the creator reports open only once the rxpeer answerer says, by its first
  // message, that its channel is wired. A remote without rxpeer never says it: then
  // open is reported after READY_TIMEOUT_MS, or one macrotask later without a handshake.
  // The creator then replies with OPEN_MARKER and reports open; the answerer reports open
  // when that reply (or, from an rxpeer 0.1.0 creator, any first message) arrives. So, as
  // with simple-peer, the creator's connect comes before the answerer's.
  #onChannelOpen(): void {
    if (this.#state.value !== "connecting") return;
    this.#state.next("opening");
    if (!this.#createdHere && this.#markerDue) this.#sendNow(READY_OPEN_MARKER);
    this.#openTimer = setTimeout(() => this.#reportOpen(), this.#markerDue ? READY_TIMEOUT_MS : 0);
  }

  #reportOpen(): void {
    if (this.#state.value !== "opening") return;
    clearTimeout(this.#openTimer);
    if (this.#sendOpenMarker) this.#sendNow(OPEN_MARKER);
    this.#maxMessageSize = this.#handlers.maxMessageSize();
    this.#state.next("open");
    this.#handlers.open();
  }

  // Only between rxpeer peers (the handshake told each side so): a heartbeat on every idle
  // beat, and the remote declared dead once it has sent nothing for the timeout. Without it a
  // killed remote goes unnoticed until ICE's consent check gives up, tens of seconds later.
  #watchLiveness(): void {
    if (this.#liveness) return;
    // A beat goes out only if nothing else did since the last tick (or since the watch began).
    let sentBefore = this.#sent;
    this.#liveness = livenessClock(() => this.#received, this.#livenessTimeout).subscribe((tick) => {
      if (tick === "dead") return this.#handlers.dead();
      if (this.#sent === sentBefore && this.isOpen) this.#trySend(HEARTBEAT);
      sentBefore = this.#sent;
    });
  }

  #trySend(data: string): void {
    try {
      this.#sendNow(data);
    } catch {
      // A channel that cannot take a heartbeat is closing: its close event follows.
    }
  }

  #onChannelMessage(data: unknown): void {
    this.#received++;
    // Only a peer of this version heartbeats: one that does is watched, whatever the handshake saw.
    if (data === HEARTBEAT) return this.#watchLiveness();
    if (this.#markerDue) {
      this.#markerDue = false;
      this.#sendOpenMarker = data === READY_OPEN_MARKER;
      // A marker later than READY_TIMEOUT_MS (a loaded machine) still gets its reply.
      if (this.isOpen && this.#sendOpenMarker) this.#trySend(OPEN_MARKER);
      this.#reportOpen();
      // Each side's marker says it is rxpeer of this version (an rxpeer 0.1.0 one never heartbeats).
      if (data === (this.#createdHere ? READY_OPEN_MARKER : OPEN_MARKER)) this.#watchLiveness();
      if (this.#createdHere ? data === READY_MARKER || data === READY_OPEN_MARKER : data === OPEN_MARKER) return;
    }
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
