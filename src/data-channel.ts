/**
 * The data channel side of a Peer: wires an RTCDataChannel's callbacks to
 * handlers, normalises what arrives (text stays text, binary becomes an
 * ArrayBuffer on every runtime) and sends any PeerData in order.
 */
import { PeerError } from "./errors.js";
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
 * link.send("hello"); // once handlers.open() has run
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
    channel.onopen = () => this.#onChannelOpen();
    channel.onmessage = (event: MessageEvent) => this.#onChannelMessage(event.data);
    channel.onclose = () => this.#onChannelClose();
    channel.onerror = (event: Event) => this.#onChannelError(event);
    if (channel.readyState === "open") queueMicrotask(() => this.#onChannelOpen());
  }

  /**
   * Sends one message. Throws `ERR_NOT_CONNECTED` unless open; Blobs are read first,
   * and anything sent after a Blob waits for it, so order is always kept.
   */
  send(data: PeerData): void {
    if (!this.isOpen) throw new PeerError("ERR_NOT_CONNECTED", "cannot send: the data channel is not open");
    if (typeof data === "string" || data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      if (this.#pendingReads === 0) {
        this.#sendNow(data);
        return;
      }
    } else if (!isBlob(data)) {
      throw invalidPayload(data);
    }
    this.#pendingReads++;
    const payload = isBlob(data) ? data.arrayBuffer() : data;
    this.#sendChain = this.#sendChain.then(async () => {
      try {
        const bytes = await payload;
        if (this.isOpen) this.#sendNow(bytes as string | ArrayBuffer | ArrayBufferView);
      } catch (cause) {
        this.#handlers.error(cause instanceof PeerError ? cause : new PeerError("ERR_DATA_CHANNEL", `could not read Blob to send: ${String(cause)}`, cause));
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
    channel.onopen = null;
    channel.onmessage = null;
    channel.onclose = null;
    channel.onerror = null;
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
      throw new PeerError("ERR_DATA_CHANNEL", `send failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
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
    } else if (this.#awaitingMarker) {
      this.#openTimer = setTimeout(() => this.#reportOpen(), READY_TIMEOUT_MS);
    } else {
      this.#openTimer = setTimeout(() => this.#reportOpen(), 0);
    }
  }

  #reportOpen(): void {
    if (this.isOpen || this.#closed) return;
    clearTimeout(this.#openTimer);
    this.isOpen = true;
    this.#handlers.open();
  }

  #onMarker(): void {
    this.#awaitingMarker = false;
    if (this.#channelOpen) this.#reportOpen();
  }

  #onChannelMessage(data: unknown): void {
    if (this.#awaitingMarker && data === READY_MARKER) return this.#onMarker();
    if (typeof data === "string" || data instanceof ArrayBuffer) this.#handlers.message(data);
    else if (ArrayBuffer.isView(data)) this.#handlers.message(copyToArrayBuffer(data));
    else this.#handlers.error(new PeerError("ERR_DATA_CHANNEL", `received a message of unexpected type ${Object.prototype.toString.call(data)}`));
  }

  #onChannelClose(): void {
    if (this.#closed) return;
    this.isOpen = false;
    this.#handlers.close();
  }

  #onChannelError(event: Event): void {
    if (this.#closed) return;
    const detail = (event as Event & { error?: unknown }).error;
    // Chromium at times reports the remote peer closing as an SCTP "User-Initiated
    // Abort" (cause code 12) just before `close`: a remote close, not an error.
    if (isRemoteAbort(detail)) return;
    const message = detail instanceof Error ? detail.message : "unknown error";
    this.#handlers.error(new PeerError("ERR_DATA_CHANNEL", `data channel error: ${message}`, detail ?? event));
  }
}

function isRemoteAbort(detail: unknown): boolean {
  return typeof detail === "object" && detail !== null && (detail as { sctpCauseCode?: unknown }).sctpCauseCode === 12;
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob !== "undefined" && data instanceof Blob;
}

function invalidPayload(data: unknown): PeerError {
  const kind = data === null ? "null" : typeof data === "object" ? Object.prototype.toString.call(data) : typeof data;
  return new PeerError("ERR_DATA_CHANNEL", `send() takes a string, Blob, ArrayBuffer or ArrayBufferView, got ${kind}`);
}

function copyToArrayBuffer(view: ArrayBufferView): ArrayBuffer {
  const copy = new Uint8Array(view.byteLength);
  copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return copy.buffer;
}
