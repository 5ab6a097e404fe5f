/**
 * A message-based Duplex stream without Node: the part of Node's `stream.Duplex`
 * that simple-peer's users rely on (`write` / `end` with backpressure and `drain`,
 * `data` / `end` / `finish` events, `pipe`, `pause` / `resume`), so
 * `rxpeer/simple-peer` runs in browsers with no `stream`, `buffer` or `process`
 * polyfill. Node's own `readable.pipe(peer)` writes into it as into any Writable.
 *
 * Each chunk is one message: the subclass sends what is written
 * ({@link MessageDuplex.writeMessage}) and pushes what arrives.
 */
import { Emitter } from "./emitter.js";

/** What can be written: one message each. Strings are sent as UTF-8 bytes unless `objectMode`. */
export type Chunk = string | ArrayBuffer | ArrayBufferView | Blob;

/** A Writable to pipe into: Node's, the web's through an adapter, or another peer. */
export interface PipeDestination {
  write(chunk: never): unknown;
  end(): unknown;
  emit?(event: "pipe", source: unknown): unknown;
}

// Node's default highWaterMark: 16 KiB, or 16 objects in objectMode.
const HIGH_WATER_MARK = 16 * 1024;
const OBJECT_HIGH_WATER_MARK = 16;

type WriteCallback = (error?: Error | null) => void;

/**
 * Base class of a peer that is also a Duplex stream of messages.
 *
 * @example
 * ```ts
 * class Echo extends MessageDuplex {
 *   protected writeMessage(chunk: Chunk, done: (error?: Error | null) => void): void {
 *     this.push(chunk); // a loopback: what is written comes back as data
 *     done();
 *   }
 * }
 * new Echo(false).on("data", (bytes) => console.log(bytes)).write("hi");
 * ```
 */
export abstract class MessageDuplex extends Emitter {
  /** False once the readable side has ended. */
  readable = true;
  /** False once the writable side has ended. */
  writable = true;

  readonly #objectMode: boolean;
  readonly #incoming: unknown[] = [];
  // null: not yet flowing (held until a `data` listener, `resume()` or `pipe()`); false: paused.
  #flowing: boolean | null = null;
  #ended = false;
  #endEmitted = false;
  // Writes handed on and not yet done, in bytes (objects in objectMode).
  #buffered = 0;
  #pendingWrites = 0;
  #needDrain = false;
  #ending = false;
  #finished = false;

  constructor(objectMode: boolean) {
    super();
    this.#objectMode = objectMode;
  }

  /** Node's readable state, the fields simple-peer's users read. */
  get _readableState(): { ended: boolean; endEmitted: boolean; flowing: boolean | null; objectMode: boolean } {
    return { ended: this.#ended, endEmitted: this.#endEmitted, flowing: this.#flowing, objectMode: this.#objectMode };
  }

  /** Node's writable state, the fields simple-peer's users read. */
  get _writableState(): { ended: boolean; finished: boolean; needDrain: boolean; objectMode: boolean } {
    return { ended: this.#ending, finished: this.#finished, needDrain: this.#needDrain, objectMode: this.#objectMode };
  }

  /** Whether a `write` returned false and `drain` is still to come (read by Node's `pipe`). */
  get writableNeedDrain(): boolean {
    return this.#needDrain;
  }

  /**
   * Writes one message. Returns false once enough is waiting to be sent: wait for `drain`.
   * Strings are sent as UTF-8 bytes, as simple-peer's stream does, unless `objectMode`.
   */
  write(chunk: Chunk, encoding?: string | WriteCallback, callback?: WriteCallback): boolean {
    const done = typeof encoding === "function" ? encoding : callback;
    if (this.#ending) {
      const error = Object.assign(new Error("write after end"), { code: "ERR_STREAM_WRITE_AFTER_END" });
      queueMicrotask(() => done?.(error));
      return false;
    }
    const message = typeof chunk === "string" && !this.#objectMode ? new TextEncoder().encode(chunk) : chunk;
    const size = this.#objectMode ? 1 : sizeOf(message);
    this.#buffered += size;
    this.#pendingWrites++;
    const ok = this.#buffered < (this.#objectMode ? OBJECT_HIGH_WATER_MARK : HIGH_WATER_MARK);
    if (!ok) this.#needDrain = true;
    // As Node: the callback and `drain` come after write() returned, even when the send was synchronous.
    this.writeMessage(message, (error) =>
      queueMicrotask(() => {
        this.#buffered -= size;
        this.#pendingWrites--;
        done?.(error);
        if (this.#needDrain && this.#buffered <= 0) {
          this.#needDrain = false;
          this.emit("drain");
        }
        this.#maybeFinish();
      }),
    );
    return ok;
  }

  /** Ends the writable side, after `chunk` if given: `finish` follows once every write is done. */
  end(chunk?: Chunk | (() => void), encoding?: string | (() => void), callback?: () => void): this {
    const done = [chunk, encoding, callback].find((argument) => typeof argument === "function") as (() => void) | undefined;
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") this.write(chunk);
    if (done) this.once("finish", done);
    if (this.#ending) return this;
    this.#ending = true;
    this.writable = false;
    this.#maybeFinish();
    return this;
  }

  /** Stops `data` events; what arrives meanwhile is held. */
  pause(): this {
    this.#flowing = false;
    return this;
  }

  /** Starts (or restarts) `data` events, held messages first. */
  resume(): this {
    this.#flowing = true;
    queueMicrotask(() => this.#flow());
    return this;
  }

  /** Whether `pause()` was called since the last `resume()`. */
  isPaused(): boolean {
    return this.#flowing === false;
  }

  /**
   * Writes every message into `destination`, and ends it at `end` unless `{ end: false }`.
   * A data channel cannot be paused, so nothing is held back when `destination` is slow.
   */
  pipe<T extends PipeDestination>(destination: T, options: { end?: boolean } = {}): T {
    this.on("data", (chunk: never) => destination.write(chunk));
    if (options.end !== false) this.once("end", () => destination.end());
    destination.emit?.("pipe", this);
    return destination;
  }

  /** Sends one written message; `done` once it is handed to the channel (backpressure waits before that). */
  protected abstract writeMessage(chunk: Chunk, done: (error?: Error | null) => void): void;

  /** Hands a received message to readers; `null` ends the readable side. */
  protected push(chunk: unknown): void {
    if (this.#ended) return;
    if (chunk === null) this.#ended = true;
    else this.#incoming.push(chunk);
    this.#flow();
  }

  protected override listenerAdded(event: string | symbol): void {
    // As Node: the first `data` listener starts the flow, unless paused on purpose.
    if (event === "data" && this.#flowing === null) this.resume();
  }

  #flow(): void {
    while (this.#flowing && this.#incoming.length > 0) this.emit("data", this.#incoming.shift());
    if (this.#flowing && this.#ended && !this.#endEmitted && this.#incoming.length === 0) {
      this.#endEmitted = true;
      this.readable = false;
      queueMicrotask(() => this.emit("end"));
    }
  }

  #maybeFinish(): void {
    if (!this.#ending || this.#finished || this.#pendingWrites > 0) return;
    this.#finished = true;
    queueMicrotask(() => this.emit("finish"));
  }
}

function sizeOf(chunk: Chunk): number {
  if (typeof chunk === "string") return chunk.length;
  if (chunk instanceof Blob) return chunk.size;
  return chunk.byteLength;
}
