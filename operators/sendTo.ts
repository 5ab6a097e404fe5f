/**
 * The `sendTo()` operator: the one place that writes to a data channel with backpressure.
 * It reads `bufferedAmount` once per budget of bytes (the read is a slow cross-thread call
 * on @roamhq/wrtc), and waits for the queue to drain on `bufferedamountlow` where the
 * runtime fires it, always with a polling fallback (@roamhq/wrtc never fires it).
 */
import { Observable, of, type OperatorFunction, type Subscription } from "rxjs";
import { PeerError, describe } from "../src/errors.js";
import { isBlob, readBlobs } from "../src/read-blobs.js";
import type { PeerData } from "../src/types.js";
import { byteSize } from "./byte-size.js";
import { drained, firesDrainEvent } from "./drained.js";
import { isBinary } from "./frame.js";
import { subscribeChained } from "./subscribe-chained.js";

/** The part of a data channel `sendTo` reads; an `RTCDataChannel` has it. */
export interface SendChannel {
  readonly bufferedAmount: number;
  /** Read only when a send fails, to tell a channel the remote closed from a real error. */
  readonly readyState?: string;
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
  /**
   * Stop handing messages to the channel once this many bytes are queued in it. Default:
   * 64 KiB where the channel fires `bufferedamountlow` (browsers), 1 MiB where it must be
   * polled (@roamhq/wrtc): the fastest of a sweep on each (docs/benchmarks.md).
   */
  highWaterMark?: number;
  /** Once stopped, go on when the queue is down to this many bytes (default: a quarter of `highWaterMark`). */
  lowWaterMark?: number;
}

// The defaults are the fastest of a sweep of watermark pairs on each kind of channel
// (bench/sendTo-watermarks.ts; the figures and why they differ are in docs/benchmarks.md).

/** Default high-water mark where the channel fires `bufferedamountlow` (browsers). */
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;
/** Default high-water mark where `bufferedAmount` must be polled (@roamhq/wrtc). */
export const DEFAULT_POLLED_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Sends each value to `peer` once it is connected, never letting the channel's send queue
 * grow past `highWaterMark`, and emits the running total of bytes sent.
 *
 * <span class="informal">The backpressured `peer.send`: put it at the end of a pipeline
 * (usually after {@link chunk}) and subscribe.</span>
 *
 * ```
 * source:     -a-b-----c-|
 * connected$: f---t------
 *             sendTo(peer)
 * bytes sent: ----(xy)-z-|
 *
 * a = 16 bytes, b = 16 bytes, c = 16 bytes
 * f = false, t = true
 * x = 16, y = 32, z = 48
 * ```
 *
 * Values are sent in order. Before the peer is connected (and while `connected$` is false)
 * they wait; a Blob is read with `arrayBuffer()` first, in its turn. The queue estimate
 * is the last `bufferedAmount` read plus the bytes sent since, so `bufferedAmount` is read
 * only when that estimate would pass `highWaterMark`; if the real amount is then above
 * `lowWaterMark`, sending pauses until it is at or below it (`bufferedamountlow` where it
 * fires, a short poll always). While paused, a source that goes on pushing synchronously
 * (`chunk()` framing a large message) holds the thread that poll needs, so `bufferedAmount`
 * is also read again once per `highWaterMark - lowWaterMark` bytes pushed meanwhile, and
 * sending goes on as soon as it is at or below `lowWaterMark`: the channel does not run dry
 * while frames are being made. A message bigger than `highWaterMark` goes alone into a
 * queue at or below `lowWaterMark`.
 *
 * The output completes once the source has completed and its last value was handed to the
 * channel (bytes may still be in the channel's queue: destroying the peer at once can lose
 * them). It errors with `ERR_PEER_CLOSED` if the peer closes (or is already closed) before
 * that, and passes a source error on at once, dropping what is still waiting.
 * Unsubscribing stops sending and drops what waits.
 *
 * Errors, which end the output, stop pulling the source and drop what waits:
 * - `ERR_DATA_CHANNEL`: a value that is not a string, Blob, ArrayBuffer or view (as
 *   `peer.send()` refuses it; the message says what it was), as soon as it arrives; or a
 *   Blob that cannot be read, or a send the channel refuses.
 * - `ERR_FRAME_TOO_LARGE`: a message over the connection's `sctp.maxMessageSize` (pipe
 *   it through {@link chunk} first).
 * - `ERR_PEER_CLOSED`: the peer closed (or was closed) before the last value was handed over.
 * - A source error, or an error of `connected$` / `close$`, is passed on as it is. Bad
 *   watermarks throw a `RangeError` at call time.
 *
 * Each `sendTo` keeps its own estimate, so N of them on one channel may queue up to
 * N × `highWaterMark` together (well under the 16 MiB where runtimes overflow, at the defaults).
 *
 * Memory: RxJS sources push, so values that arrive faster than the channel drains wait in
 * this operator's queue; `sendTo` never reads ahead of it but cannot slow a source down.
 * A source that produces on demand (e.g. one value per emitted total, via a Subject) keeps
 * memory flat; `chunk()` of one large message queues its frames here (about its size again).
 *
 * @example
 * Send 10 MiB to a peer (two peers in one page here), with progress.
 * ```ts
 * import { of } from "rxjs";
 * import Peer, { linkPeers } from "rxpeer";
 * import { chunk, dechunk, sendTo } from "rxpeer/operators";
 *
 * const alice = new Peer({ initiator: true }); // on Node: new Peer({ initiator: true, wrtc })
 * const bob = new Peer();
 * linkPeers(alice, bob);
 * bob.data$.pipe(dechunk()).subscribe((file) => console.log("bob got", file)); // bob got ArrayBuffer(10485760)
 * of(new Uint8Array(10 * 1024 * 1024)).pipe(chunk(), sendTo(alice)).subscribe({
 *   next: (bytes) => console.log(`${bytes} bytes sent`), // ... 10506304 bytes sent (frames include their headers)
 *   complete: () => console.log("all handed to the channel"),
 *   error: (err) => console.error(err.code), // ERR_PEER_CLOSED if alice closes first
 * });
 * ```
 *
 * @see {@link chunk}
 * @see {@link bufferUntilConnected}
 *
 * @param peer Where to send: a `Peer` (or anything with its `connected$`, `close$`, `destroyed`, `send`, `channel`).
 * @param options `highWaterMark` (default 64 KiB in browsers, 1 MiB on @roamhq/wrtc) and
 * `lowWaterMark` (default a quarter of it), in bytes.
 * @return A function that returns an Observable of the running total of bytes sent.
 */
export function sendTo(peer: SendTarget, options: SendToOptions = {}): OperatorFunction<PeerData, number> {
  const { highWaterMark, lowWaterMark } = options;
  if (highWaterMark !== undefined && !(Number.isFinite(highWaterMark) && highWaterMark >= 0)) {
    throw new RangeError(`sendTo(): highWaterMark must be a number >= 0, got ${highWaterMark}`);
  }
  if (lowWaterMark !== undefined && !(Number.isFinite(lowWaterMark) && lowWaterMark >= 0 && lowWaterMark <= (highWaterMark ?? Infinity))) {
    throw new RangeError(`sendTo(): lowWaterMark must be from 0 to highWaterMark, got ${lowWaterMark}`);
  }
  /** The watermarks for a channel: what was given, else the measured default for how it reports draining. */
  const watermarks = (channel: SendChannel): { high: number; low: number } => {
    const fallback = firesDrainEvent(channel) ? DEFAULT_HIGH_WATER_MARK : DEFAULT_POLLED_HIGH_WATER_MARK;
    const high = highWaterMark ?? Math.max(fallback, lowWaterMark ?? 0);
    return { high, low: lowWaterMark ?? Math.floor(high / 4) };
  };

  return (source) =>
    new Observable<number>((subscriber) => {
      // Values not yet sent; `head` is the next one (an index, so taking one is O(1)).
      const queue: (SendableData | Blob | undefined)[] = [];
      let head = 0;
      let sourceDone = false;
      let connected = false;
      let pumping = false;
      let total = 0;
      let budget = 0; // bytes that may still go before bufferedAmount must be read again
      let paused: Subscription | undefined; // while the channel drains, or a Blob is read
      let draining: Subscription | undefined; // `paused` when it is a drain wait
      let queuedWhileDraining = 0; // bytes the source pushed since the drain wait began or was last checked
      let marks: { high: number; low: number } | undefined;
      let limit: number | undefined; // the connection's sctp.maxMessageSize, 0 if unknown

      const failPeerClosed = (): void => subscriber.error(new PeerError("ERR_PEER_CLOSED", `peer closed with ${queue.length - head} value(s) not sent`));

      /** Holds the pump until `until$` completes; the wait ends with the output, being chained to it. */
      const pauseUntil = <T>(until$: Observable<T>, onValue: (value: T) => void): void => {
        const wait = subscribeChained(subscriber, until$, {
          next: onValue,
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            paused = draining = undefined;
            pump();
          },
        });
        if (!wait.closed) paused = wait;
      };

      const pump = (): void => {
        if (pumping) return;
        pumping = true;
        try {
          while (connected && paused === undefined && head < queue.length && !subscriber.closed) {
            const value = queue[head];
            if (value === undefined) break;
            if (isBlob(value)) {
              // Read in its turn: what came after it waits in the queue, so order holds.
              pauseUntil(of(value).pipe(readBlobs()), (bytes) => (queue[head] = bytes));
              continue;
            }
            const size = byteSize(value);
            // Read once: on @roamhq/wrtc every getter of the connection is a slow native call.
            limit ??= peer.connection?.sctp?.maxMessageSize ?? 0;
            if (limit > 0 && size > limit) {
              return subscriber.error(new PeerError("ERR_FRAME_TOO_LARGE", `message of ${size} bytes is over the connection's maxMessageSize ${limit}: pipe it through chunk() first`));
            }
            if (size > budget && !refillBudget()) continue;
            queue[head++] = undefined;
            peer.send(value);
            budget -= size;
            total += size;
            subscriber.next(total);
          }
          if (head === queue.length) {
            queue.length = 0;
            head = 0;
          } else if (head > 1024) {
            queue.splice(0, head);
            head = 0;
          }
          if (sourceDone && queue.length === 0 && paused === undefined) subscriber.complete();
        } catch (err) {
          subscriber.error(sendError(err, peer));
        } finally {
          pumping = false;
        }
      };

      /** Reads bufferedAmount; true if sending may go on, else pauses until the channel has drained. */
      const refillBudget = (): boolean => {
        const channel = peer.channel;
        if (channel === undefined) return true; // nothing to measure: send as the peer allows
        marks ??= watermarks(channel);
        const { high, low } = marks;
        const buffered = channel.bufferedAmount;
        // Hysteresis: going on only from at or below `low` earns at least high - low bytes
        // per read, where going on whenever one message fits would read once per message.
        if (buffered <= low) {
          budget = high - buffered;
          return true;
        }
        budget = 0; // read afresh once drained
        pauseUntil(drained(channel, low), () => undefined);
        draining = paused;
        queuedWhileDraining = 0;
        return false;
      };

      /**
       * A source that pushes synchronously (chunk() framing a large message, from(array)) keeps
       * the thread, so the drain wait's timer cannot fire until it stops, while the runtime's own
       * thread empties the queue: once per budget of bytes pushed meanwhile, look again, and go
       * on at once if the queue is down to the low mark. The same rule as refillBudget, read
       * earlier: the queue still never passes the high mark.
       */
      const recheckDrain = (size: number): void => {
        const channel = peer.channel;
        if (draining === undefined || draining !== paused || channel === undefined || marks === undefined) return;
        queuedWhileDraining += size;
        if (queuedWhileDraining < marks.high - marks.low) return;
        queuedWhileDraining = 0;
        const buffered = channel.bufferedAmount;
        if (buffered > marks.low) return;
        draining.unsubscribe();
        paused = draining = undefined;
        budget = marks.high - buffered;
      };

      if (peer.destroyed) return failPeerClosed();
      // Each input is chained to the output before it runs: when the output ends (an error,
      // take(1) downstream), a synchronous source stops at once instead of running on.
      subscribeChained(subscriber, peer.close$, { next: failPeerClosed, error: (err: unknown) => subscriber.error(err), complete: failPeerClosed });
      subscribeChained(subscriber, peer.connected$, {
        next: (isConnected) => {
          connected = isConnected;
          pump();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => undefined, // close$ tells when the peer is gone
      });
      subscribeChained(subscriber, source, {
        next: (value) => {
          const item = sendable(value);
          queue.push(item);
          if (draining !== undefined && !isBlob(item)) recheckDrain(byteSize(item));
          pump();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          pump();
        },
      });

      return () => {
        queue.length = 0;
      };
    });
}

/** What the queue holds: what a data channel sends, or a Blob still to be read. */
type SendableData = string | ArrayBuffer | ArrayBufferView;

/** `value` itself if it can be sent (a Blob once read); else the PeerError that says what it was. */
function sendable(value: unknown): SendableData | Blob {
  if (typeof value === "string" || isBinary(value) || isBlob(value)) return value;
  // The code peer.send() refuses the same value with: sendTo is its backpressured form.
  throw new PeerError("ERR_DATA_CHANNEL", `sendTo() sends strings, Blobs, ArrayBuffers and ArrayBufferViews, got ${describe(value)}`);
}

/**
 * A send that fails because the channel is gone means the peer closed under us: before connect
 * (`ERR_NOT_CONNECTED`), or a channel the remote closed before the peer's `close$` came
 * (`ERR_DATA_CHANNEL` with the channel no longer open).
 */
function sendError(err: unknown, peer: SendTarget): unknown {
  if (!(err instanceof PeerError)) return err;
  const gone = err.code === "ERR_NOT_CONNECTED" || (err.code === "ERR_DATA_CHANNEL" && (peer.destroyed || (peer.channel?.readyState ?? "open") !== "open"));
  return gone ? new PeerError("ERR_PEER_CLOSED", `peer closed while sending: ${err.message}`, err) : err;
}
