/**
 * One file being received: the pull-based stream its consumer reads, the pieces that
 * arrived ahead of the consumer, and the credit that keeps those within one window.
 * The receiver grants `window` bytes past what its consumer has read, and checks that the
 * sender keeps to it, so a transfer holds at most one window whatever the sender does.
 */
import { PeerError } from "../src/errors.js";
import { encodeCount, encodeReason, type TransferOffer } from "./transfer-frame.js";

/** A file arriving from the peer's `sendFile`: what the sender told of it, and its bytes as a stream. */
export interface IncomingFile {
  /** The transfer's id, unique among the transfers from that peer at the time. */
  id: number;
  name: string;
  /** MIME type, `""` if the sender gave none. */
  type: string;
  /** Size in bytes, where the sender knows it. */
  size?: number;
  /** What the sender passed as `meta`. */
  meta?: unknown;
  /**
   * The bytes, pull-based: reading grants the sender room for more, so the sender never
   * runs more than one window ahead. `cancel()` stops the transfer and tells the sender.
   * Errors with a `PeerError` if the sender aborts (`ERR_TRANSFER_CANCELLED`), the peer
   * closes before the last byte (`ERR_PEER_CLOSED`), or the sender breaks the protocol
   * (`ERR_FRAME_INVALID`, `ERR_FRAME_TOO_LARGE`).
   */
  stream: ReadableStream<Uint8Array>;
}

/** What a transfer needs from `receiveFiles`. */
export interface TransferSettings {
  window: number;
  maxFileSize: number;
  /** Sends a control frame to the sender. */
  send(frame: ArrayBuffer): void;
  /** Called once, when the transfer needs no more frames and holds no more bytes. */
  onFinish(): void;
}

export class IncomingTransfer {
  readonly file: IncomingFile;
  readonly #id: number;
  readonly #settings: TransferSettings;
  readonly #queue: (Uint8Array | undefined)[] = []; // pieces arrived, not yet read, from #head on
  #head = 0;
  #received = 0;
  #delivered = 0;
  #granted = 0;
  #ended = false; // the sender's end arrived: every byte is here
  #finished = false;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #onData: (() => void) | undefined; // a read waiting for the next piece

  constructor(id: number, offer: TransferOffer, settings: TransferSettings) {
    this.#id = id;
    this.#settings = settings;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#pull(),
        cancel: (reason: unknown) => {
          if (!this.#ended) this.#settings.send(encodeReason("cancel", id, reason instanceof Error ? reason.message : String(reason ?? "cancelled")));
          this.#finish();
        },
      },
      // Nothing is read ahead into the stream: a piece moves from our queue only as the consumer reads.
      { highWaterMark: 0 },
    );
    this.file = { id, name: offer.name, type: offer.type, ...(offer.size === undefined ? {} : { size: offer.size }), ...(offer.meta === undefined ? {} : { meta: offer.meta }), stream };
  }

  /** Accepts the transfer: grants the first window. */
  start(): void {
    this.#grant();
  }

  /** A data frame of this transfer: checks it against the offer, the credit and the limit, then queues it. */
  data(offset: number, bytes: Uint8Array): void {
    if (this.#finished) return;
    const end = this.#received + bytes.byteLength;
    const { size } = this.file;
    if (end > this.#settings.maxFileSize) {
      this.#settings.send(encodeReason("refuse", this.#id, `over the receiver's maxFileSize of ${this.#settings.maxFileSize} bytes`));
      return this.#error(new PeerError("ERR_FRAME_TOO_LARGE", `"${this.file.name}" passed maxFileSize ${this.#settings.maxFileSize}: refused`));
    }
    let problem: string | undefined;
    if (this.#ended) problem = "data after its end";
    else if (offset !== this.#received) problem = `data at byte ${offset}, expected ${this.#received}`;
    else if (end > this.#granted) problem = `data up to byte ${end}, past the ${this.#granted} granted`;
    else if (size !== undefined && end > size) problem = `data up to byte ${end}, past the ${size} offered`;
    if (problem !== undefined) return this.#violation(problem);
    this.#received = end;
    this.#queue.push(bytes);
    this.#onData?.();
  }

  /** The sender's end: every byte was sent. Acknowledges it if every byte is here. */
  end(total: number): void {
    if (this.#finished || this.#ended) return;
    const { size } = this.file;
    if (total !== this.#received || (size !== undefined && total !== size)) {
      return this.#violation(`end at ${total} bytes, ${this.#received} received${size === undefined ? "" : ` of ${size} offered`}`);
    }
    this.#ended = true;
    this.#settings.send(encodeCount("ack", this.#id, total));
    this.#onData?.();
  }

  /** The sender aborted. */
  abort(reason: string): void {
    if (!this.#ended) this.#error(new PeerError("ERR_TRANSFER_CANCELLED", `the sender aborted "${this.file.name}" after ${this.#received} bytes: ${reason}`));
  }

  /** The transfer cannot go on (the peer closed, or broke the protocol elsewhere); what fully arrived is still delivered. */
  stop(err: PeerError): void {
    if (this.#ended || this.#finished) return;
    if (err.code !== "ERR_PEER_CLOSED") this.#settings.send(encodeReason("cancel", this.#id, err.message));
    this.#error(err);
  }

  #violation(problem: string): void {
    const err = new PeerError("ERR_FRAME_INVALID", `transfer frame: "${this.file.name}": ${problem}`);
    this.#settings.send(encodeReason("cancel", this.#id, err.message));
    this.#error(err);
  }

  #error(err: PeerError): void {
    this.#controller?.error(err);
    this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#queue.length = 0;
    this.#head = 0;
    this.#onData = undefined;
    this.#settings.onFinish();
  }

  /** Hands one piece to the consumer, or closes the stream after the last; false if there is nothing yet. */
  #deliver(): boolean {
    const controller = this.#controller;
    if (this.#finished || controller === undefined) return true;
    const piece = this.#queue[this.#head];
    if (piece !== undefined) {
      this.#queue[this.#head++] = undefined; // let the piece go
      if (this.#head === this.#queue.length || this.#head > 1024) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      this.#delivered += piece.byteLength;
      controller.enqueue(piece);
      this.#grant();
      return true;
    }
    if (!this.#ended) return false;
    controller.close();
    this.#finish();
    return true;
  }

  #pull(): Promise<void> | undefined {
    if (this.#deliver()) return undefined;
    return new Promise((resolve) => {
      this.#onData = () => {
        if (!this.#deliver()) return;
        this.#onData = undefined;
        resolve();
      };
    });
  }

  /** Grants room up to one window past what the consumer has read, once a quarter window has been read since the last grant. */
  #grant(): void {
    if (this.#ended || this.#finished) return;
    const { window } = this.#settings;
    const limit = this.#delivered + window;
    const { size } = this.file;
    if (this.#granted > 0) {
      if (size !== undefined && this.#granted >= size) return; // room for every byte was granted already
      if (limit - this.#granted < Math.max(1, Math.floor(window / 4))) return;
    }
    this.#granted = limit;
    this.#settings.send(encodeCount("credit", this.#id, limit));
  }
}
