/**
 * The `sendTo()` operator: the one place that writes to a data channel with backpressure.
 * It reads `bufferedAmount` once per budget of bytes (the read is a slow cross-thread call
 * on @roamhq/wrtc), and waits for the queue to drain on `bufferedamountlow` where the
 * runtime fires it, always with a polling fallback (@roamhq/wrtc never fires it).
 */
import { Observable, type OperatorFunction } from "rxjs";
import { PeerError } from "../src/errors.js";
import type { PeerData } from "../src/types.js";

/** The part of a data channel `sendTo` reads; an `RTCDataChannel` has it. */
export interface SendChannel {
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold?: number;
  addEventListener(type: "bufferedamountlow", listener: () => void): void;
  removeEventListener(type: "bufferedamountlow", listener: () => void): void;
}

/** What `sendTo` needs of a peer; `Peer` has it. */
export interface SendTarget {
  readonly connected$: Observable<boolean>;
  readonly close$: Observable<void>;
  readonly destroyed: boolean;
  readonly channel?: SendChannel | undefined;
  readonly connection?: { readonly sctp: { readonly maxMessageSize: number } | null } | undefined;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
}

export interface SendToOptions {
  /** Stop handing messages to the channel once this many bytes are queued in it (default 1 MiB). */
  highWaterMark?: number;
  /** Once stopped, go on when the queue is down to this many bytes (default 256 KiB, and at most `highWaterMark`). */
  lowWaterMark?: number;
}

/** Default high-water mark: see docs/wire-format.md, "Backpressure", for the measurements behind it. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/** Default low-water mark. */
export const DEFAULT_LOW_WATER_MARK = 256 * 1024;
/** Polling period while waiting for the queue to drain, where `bufferedamountlow` never fires. */
const POLL_MS = 1;
/** Polling period as a fallback where the event fires. */
const FALLBACK_POLL_MS = 20;

/**
 * Sends each value to `peer` once it is connected, never letting the channel's send queue
 * grow past `highWaterMark`, and emits the running total of bytes sent.
 *
 * <span class="informal">The backpressured `peer.send`: put it at the end of a pipeline
 * (usually after {@link chunk}) and subscribe.</span>
 *
 * ```
 * source:     -a-b-c------------|         a, b, c: 16 KiB each
 * connected$: f----t-------------
 * sendTo():   -----x-y-------z--|         x = 16384, y = 32768, z = 49152 (c waited for the queue to drain)
 * ```
 *
 * Values are sent in order. Before the peer is connected (and while `connected$` is false)
 * they wait; a Blob is read with `arrayBuffer()` first, in its turn. The queue estimate
 * is the last `bufferedAmount` read plus the bytes sent since, so `bufferedAmount` is read
 * only when that estimate would pass `highWaterMark`; if the real amount is then above
 * `lowWaterMark`, sending pauses until it is at or below it (`bufferedamountlow` where it
 * fires, a short poll always). A message bigger than `highWaterMark` goes alone into a
 * queue at or below `lowWaterMark`. A message over the connection's `sctp.maxMessageSize`
 * errors with `ERR_FRAME_TOO_LARGE` (pipe through {@link chunk} first).
 *
 * The output completes once the source has completed and its last value was handed to the
 * channel (bytes may still be in the channel's queue: destroying the peer at once can lose
 * them). It errors with `ERR_PEER_CLOSED` if the peer closes (or is already closed) before
 * that, and passes a source error on at once, dropping what is still waiting.
 * Unsubscribing stops sending and drops what waits.
 *
 * Memory: RxJS sources push, so values that arrive faster than the channel drains wait in
 * this operator's queue; `sendTo` never reads ahead of it but cannot slow a source down.
 * A source that produces on demand (e.g. one value per emitted total, via a Subject) keeps
 * memory flat; `chunk()` of one large message queues its frames here (about its size again).
 *
 * ## Example
 *
 * ```ts
 * import { from } from "rxjs";
 * import { chunk, sendTo } from "rxpeer/operators";
 *
 * from([file]).pipe(chunk(), sendTo(peer)).subscribe({
 *   next: (bytes) => progress.value = bytes,
 *   complete: () => console.log("sent"),
 *   error: (err) => console.error(err.code), // e.g. ERR_PEER_CLOSED
 * });
 * ```
 *
 * @see {@link chunk}
 * @see {@link bufferUntilConnected}
 *
 * @param peer Where to send: a `Peer` (or anything with its `connected$`, `close$`, `destroyed`, `send`, `channel`).
 * @param options `highWaterMark` (default 1 MiB) and `lowWaterMark` (default 256 KiB), in bytes.
 * @return A function that returns an Observable of the running total of bytes sent.
 */
export function sendTo(peer: SendTarget, options: SendToOptions = {}): OperatorFunction<PeerData, number> {
  const high = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  const low = options.lowWaterMark ?? Math.min(DEFAULT_LOW_WATER_MARK, high);
  if (!(Number.isFinite(high) && high >= 0)) throw new RangeError(`sendTo(): highWaterMark must be a number >= 0, got ${high}`);
  if (!(Number.isFinite(low) && low >= 0 && low <= high)) throw new RangeError(`sendTo(): lowWaterMark must be from 0 to highWaterMark (${high}), got ${low}`);

  return (source) =>
    new Observable<number>((subscriber) => {
      // Values not yet sent; `head` is the next one (an index, so taking one is O(1)).
      const queue: (PeerData | undefined)[] = [];
      let head = 0;
      let sourceDone = false;
      let connected = false;
      let blocked = false; // reading a Blob, or waiting for the channel to drain
      let pumping = false;
      let total = 0;
      let budget = 0; // bytes that may still go before bufferedAmount must be read again
      let endWait: (() => void) | undefined;

      const closed = (): void => subscriber.error(new PeerError("ERR_PEER_CLOSED", `peer closed with ${queue.length - head} value(s) not sent`));

      const pump = (): void => {
        if (pumping) return;
        pumping = true;
        try {
          while (connected && !blocked && head < queue.length && !subscriber.closed) {
            const value = queue[head];
            if (value === undefined) break;
            if (isBlob(value)) return readBlob(value);
            const size = byteSize(value);
            const limit = peer.connection?.sctp?.maxMessageSize ?? 0;
            if (limit > 0 && size > limit) {
              return subscriber.error(new PeerError("ERR_FRAME_TOO_LARGE", `message of ${size} bytes is over the connection's maxMessageSize ${limit}: pipe it through chunk() first`));
            }
            if (size > budget && !refillBudget()) return;
            queue[head++] = undefined;
            peer.send(value);
            budget -= size;
            total += size;
            subscriber.next(total);
          }
          if (head === queue.length || head > 1024) {
            queue.splice(0, head);
            head = 0;
          }
          if (sourceDone && queue.length === 0 && !blocked) subscriber.complete();
        } catch (err) {
          subscriber.error(sendError(err));
        } finally {
          pumping = false;
        }
      };

      /** Reads bufferedAmount; true if sending may go on, else starts waiting for the drain. */
      const refillBudget = (): boolean => {
        const channel = peer.channel;
        if (channel === undefined) return true; // nothing to measure: send as the peer allows
        const buffered = channel.bufferedAmount;
        // Hysteresis: going on only from at or below `low` earns at least high - low bytes
        // per read, where going on whenever one message fits would read once per message.
        if (buffered <= low) {
          budget = high - buffered;
          return true;
        }
        waitForDrain(channel);
        return false;
      };

      const waitForDrain = (channel: SendChannel): void => {
        blocked = true;
        const hasEvent = "bufferedAmountLowThreshold" in channel;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const resume = (): void => {
          endWait?.();
          pump();
        };
        const poll = (): void => {
          const buffered = channel.bufferedAmount;
          if (buffered <= low) resume();
          else timer = setTimeout(poll, hasEvent ? FALLBACK_POLL_MS : POLL_MS);
        };
        if (hasEvent) {
          channel.bufferedAmountLowThreshold = low;
          channel.addEventListener("bufferedamountlow", resume);
        }
        timer = setTimeout(poll, hasEvent ? FALLBACK_POLL_MS : POLL_MS);
        endWait = () => {
          endWait = undefined;
          blocked = false;
          budget = 0; // read afresh before the next send
          clearTimeout(timer);
          if (hasEvent) channel.removeEventListener("bufferedamountlow", resume);
        };
      };

      const readBlob = (blob: Blob): void => {
        blocked = true;
        blob.arrayBuffer().then(
          (buffer) => {
            if (subscriber.closed) return;
            queue[head] = buffer;
            blocked = false;
            pump();
          },
          (cause: unknown) => subscriber.error(cause),
        );
      };

      if (peer.destroyed) {
        closed();
        return;
      }
      const closeSubscription = peer.close$.subscribe({ next: closed, complete: closed });
      const connectedSubscription = peer.connected$.subscribe((isConnected) => {
        connected = isConnected;
        pump();
      });
      const sourceSubscription = source.subscribe({
        next: (value) => {
          queue.push(value);
          pump();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          pump();
        },
      });

      return () => {
        endWait?.();
        sourceSubscription.unsubscribe();
        connectedSubscription.unsubscribe();
        closeSubscription.unsubscribe();
        queue.length = 0;
      };
    });
}

/** `peer.send` failing because the channel is gone means the peer closed under us. */
function sendError(err: unknown): unknown {
  if (err instanceof PeerError && err.code === "ERR_NOT_CONNECTED") return new PeerError("ERR_PEER_CLOSED", `peer closed while sending: ${err.message}`, err);
  return err;
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== "undefined" && value instanceof Blob;
}

/** Bytes a value takes on the wire; strings count in UTF-8, as the channel sends them. */
function byteSize(value: Exclude<PeerData, Blob>): number {
  return typeof value === "string" ? utf8Length(value) : value.byteLength;
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++; // a surrogate pair: 2 code units, 4 bytes
      bytes += 2;
    } else bytes += 2; // 3 bytes (a lone surrogate is sent as U+FFFD, also 3)
  }
  return bytes;
}
