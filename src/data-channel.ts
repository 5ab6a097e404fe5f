/**
 * The data channel side of a Peer: wires an RTCDataChannel's callbacks to
 * handlers, normalises what arrives (text stays text, binary becomes an
 * ArrayBuffer on every runtime) and sends any PeerData in order.
 */
import { PeerError, describe, toPeerError } from "./errors.js";
import type { PeerData, PeerMessage } from "./types.js";

/**
 * Sub-protocol an rxpeer creator puts on its channel. An rxpeer answerer that sees it
 * sends {@link READY_MARKER} as its first message, once its channel is wired.
 */
export const HANDSHAKE_PROTOCOL = "rxpeer";
/** The answerer's one control message; the creator consumes it and never emits it on data$. */
export const READY_MARKER = "\u0000rxpeer:ready";
/** How long a creator waits for the marker before reporting open anyway (a non-rxpeer answerer). */
export const READY_TIMEOUT_MS = 100;

export interface DataChannelHandlers {
  open(): void;
  message(data: PeerMessage): void;
  close(): void;
  error(error: PeerError): void;
}

/**
 * Owns one RTCDataChannel for its lifetime. `isOpen` is tracked from events rather
 * than read from `readyState`, which is a blocking cross-thread call on @roamhq/wrtc.
 *
 * @example
 * ```ts
 * const link = new DataChannelLink(pc.createDataChannel("chat"), true, handlers);
 * link.send("hello"); // while link.isOpen, from handlers.open() on
 * ```
 */
export class DataChannelLink {
  isOpen = false;
  #closed = false;
  // Blobs must be read before sending; while any is being read, later sends wait behind it.
  #pendingReads = 0;
  #sendChain: Promise<void> = Promise.resolve();

  #openTimer: ReturnType<typeof setTimeout> | undefined;
  #channelOpen = false;
  // Creator side of the open handshake: the answerer's marker is still to come.
  #awaitingMarker: boolean;

  /**
   * @param channel the RTCDataChannel to own
   * @param createdHere whether this side created the channel (see {@link DataChannelLink.onChannelOpen})
   * @param handlers where events go
   */
  readonly #createdHere: boolean;
  readonly #handlers: DataChannelHandlers;

  constructor(
    readonly channel: RTCDataChannel,
    createdHere: boolean,
    handlers: DataChannelHandlers,
  ) {
    this.#createdHere = createdHere;
    this.#handlers = handlers;
    this.#awaitingMarker = createdHere && channel.protocol === HANDSHAKE_PROTOCOL;
    channel.binaryType = "arraybuffer";
    // close() detaches these handlers first, so none of them runs after it (both runtimes
    // read the on* handler when they dispatch).
    channel.onopen = () => this.#onChannelOpen();
    channel.onmessage = (event: MessageEvent) => this.#onChannelMessage(event.data);
    channel.onclose = () => {
      this.isOpen = false;
      this.#handlers.close();
    };
    channel.onerror = (event: Event) => this.#onChannelError(event);
    if (channel.readyState === "open") queueMicrotask(() => this.#onChannelOpen());
  }

  /**
   * Sends one message; only while `isOpen` (the Peer checks it). Blobs are read first,
   * and anything sent after a Blob waits for it, so order is always kept.
   */
  send(data: PeerData): void {
    if (typeof data === "string" || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      if (this.#pendingReads === 0) {
        this.#sendNow(data);
        return;
      }
    } else if (!(data instanceof Blob)) {
      throw new PeerError("ERR_DATA_CHANNEL", `send() takes a string, Blob, ArrayBuffer or ArrayBufferView, got ${describe(data)}`);
    }
    this.#pendingReads++;
    // Blob is a global on every runtime rxpeer supports (Node 20+ and browsers).
    const payload = data instanceof Blob ? data.arrayBuffer() : data;
    this.#sendChain = this.#sendChain.then(async () => {
      try {
        const bytes = await payload;
        if (this.isOpen) this.#sendNow(bytes as string | ArrayBuffer | ArrayBufferView);
      } catch (cause) {
        this.#handlers.error(toPeerError("ERR_DATA_CHANNEL", "could not read Blob to send", cause));
      } finally {
        this.#pendingReads--;
      }
    });
  }

  /** Closes the channel and detaches every handler. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.isOpen = false;
    clearTimeout(this.#openTimer);
    const { channel } = this;
    channel.onopen = channel.onmessage = channel.onclose = channel.onerror = null;
    try {
      channel.close();
    } catch {
      // Already closed by the remote side or the connection: nothing left to release.
    }
  }

  #sendNow(data: string | ArrayBuffer | ArrayBufferView): void {
    try {
      // The overloads of send() differ per type; one call site keeps this path small.
      (this.channel.send as (payload: string | ArrayBuffer | ArrayBufferView) => void)(data);
    } catch (cause) {
      throw toPeerError("ERR_DATA_CHANNEL", "send failed", cause);
    }
  }

  // An answerer on @roamhq/wrtc can deliver, in the instant its new channel is wired,
  // later messages before earlier ones (it registers for new messages before replaying
  // the ones that came first): 26 of 300 pairs here when the creator sent at `open`.
  // So the creator reports open only once the rxpeer answerer says, by its first
  // message, that its channel is wired. A remote without rxpeer never says it: then
  // open is reported after READY_TIMEOUT_MS, or one macrotask later without a handshake.
  #onChannelOpen(): void {
    if (this.#channelOpen || this.#closed) return;
    this.#channelOpen = true;
    if (!this.#createdHere) {
      if (this.channel.protocol === HANDSHAKE_PROTOCOL) this.#sendNow(READY_MARKER);
      this.#reportOpen();
    } else {
      this.#openTimer = setTimeout(() => this.#reportOpen(), this.#awaitingMarker ? READY_TIMEOUT_MS : 0);
    }
  }

  #reportOpen(): void {
    if (this.isOpen || this.#closed) return;
    clearTimeout(this.#openTimer);
    this.isOpen = true;
    this.#handlers.open();
  }

  #onChannelMessage(data: unknown): void {
    if (this.#awaitingMarker && data === READY_MARKER) {
      this.#awaitingMarker = false;
      if (this.#channelOpen) this.#reportOpen();
      return;
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
