/**
 * The `sendTo()` operator: the one place that writes to a data channel with backpressure.
 * It reads `bufferedAmount` once per budget of bytes (the read is a slow cross-thread call
 * on @roamhq/wrtc), and waits for the queue to drain on `bufferedamountlow` where the
 * runtime fires it, always with a polling fallback (@roamhq/wrtc never fires it). The
 * budget is send-budget.ts, the watermarks watermarks.ts, the queue send-queue.ts, one
 * message's checks send-message.ts; this file wires them to the peer and the source.
 */
import { Observable, defer, type OperatorFunction, type Subscription } from "rxjs";
import { PeerError } from "../src/errors.js";
import { blobBytes, isBlob } from "../src/read-blobs.js";
import type { PeerData } from "../src/types.js";
import { checkOptions, checkMembers } from "./arguments.js";
import { byteSize } from "./byte-size.js";
import { SendBudget } from "./send-budget.js";
import { sendError, sendable, type SendableData } from "./send-message.js";
import { SendQueue } from "./send-queue.js";
import { SEND_TARGET_MEMBERS, type SendTarget } from "./send-target.js";
import { subscribeChained } from "./subscribe-chained.js";
import { watermarksFor, type SendToOptions } from "./watermarks.js";

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
 * A `highWaterMark` over 15.75 MiB counts as 15.75 MiB, so one `sendTo` never fills the queue.
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
  checkMembers("sendTo", "peer", peer, SEND_TARGET_MEMBERS);
  checkOptions("sendTo", options);
  const marksFor = watermarksFor(options);

  return (source) =>
    new Observable<number>((subscriber) => {
      const queue = new SendQueue<SendableData | Blob>(); // values not yet sent
      const budget = new SendBudget(marksFor);
      let sourceDone = false;
      let connected = false;
      let pumping = false;
      let total = 0;
      let paused: Subscription | undefined; // while the channel drains, or a Blob is read
      let draining: Subscription | undefined; // `paused` when it is a drain wait
      let limit: number | undefined; // the connection's sctp.maxMessageSize, 0 if unknown

      const failPeerClosed = (): void => subscriber.error(new PeerError("ERR_PEER_CLOSED", `peer closed with ${queue.length} value(s) not sent`));

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
          while (connected && paused === undefined && !subscriber.closed) {
            const value = queue.next();
            if (value === undefined) break;
            if (isBlob(value)) {
              // Read in its turn: what came after it waits in the queue, so order holds.
              pauseUntil(defer(() => blobBytes(value)), (bytes) => queue.replaceNext(bytes));
              continue;
            }
            const size = byteSize(value);
            // Read once: on @roamhq/wrtc every getter of the connection is a slow native call.
            limit ??= peer.connection?.sctp?.maxMessageSize ?? 0;
            if (limit > 0 && size > limit) {
              return subscriber.error(new PeerError("ERR_FRAME_TOO_LARGE", `message of ${size} bytes is over the connection's maxMessageSize ${limit}: pipe it through chunk() first`));
            }
            const drain$ = budget.admit(size, peer.channel);
            if (drain$ !== undefined) {
              pauseUntil(drain$, () => undefined);
              draining = paused;
              continue;
            }
            queue.take();
            peer.send(value);
            budget.spend(size);
            total += size;
            subscriber.next(total);
          }
          queue.compact();
          if (sourceDone && queue.length === 0 && paused === undefined) subscriber.complete();
        } catch (err) {
          subscriber.error(sendError(err, peer));
        } finally {
          pumping = false;
        }
      };

      /** While a drain wait holds the pump, a value pushed meanwhile may show the queue has drained already. */
      const recheckDrain = (size: number): void => {
        if (draining === undefined || draining !== paused || !budget.drainedMeanwhile(size, peer.channel)) return;
        draining.unsubscribe();
        paused = draining = undefined;
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

      return () => queue.clear();
    });
}
