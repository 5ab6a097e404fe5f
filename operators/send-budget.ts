/**
 * `sendTo`'s flow control: how many bytes may go to the channel before `bufferedAmount` must
 * be read again (the read is a slow cross-thread call on @roamhq/wrtc), and when a wait for
 * the queue to drain may end early.
 */
import type { Observable } from "rxjs";
import { drained } from "./drained.js";
import type { SendChannel } from "./send-target.js";
import type { Watermarks } from "./watermarks.js";

/**
 * The queue estimate of one `sendTo`: the last `bufferedAmount` read plus the bytes sent since,
 * kept as the bytes that may still go before the high-water mark.
 *
 * @example
 * ```ts
 * const budget = new SendBudget(watermarksFor({}));
 * const wait = budget.admit(frame.byteLength, peer.channel);
 * if (wait === undefined) {
 *   peer.send(frame);
 *   budget.spend(frame.byteLength);
 * } // else wait until it completes, then ask again
 * ```
 */
export class SendBudget {
  readonly #marksFor: (channel: SendChannel) => Watermarks;
  #marks: Watermarks | undefined;
  /** Bytes that may still go before bufferedAmount must be read again. */
  #bytes = 0;
  /** Bytes the source pushed since the drain wait began or was last checked. */
  #pushedWhileDraining = 0;

  constructor(marksFor: (channel: SendChannel) => Watermarks) {
    this.#marksFor = marksFor;
  }

  /**
   * Whether a message of `size` bytes may go now: undefined if so, else the wait until the
   * channel has drained to the low mark (then ask again). `bufferedAmount` is read only when
   * the budget is spent; with no channel there is nothing to measure, and it goes as the peer allows.
   */
  admit(size: number, channel: SendChannel | undefined): Observable<never> | undefined {
    if (size <= this.#bytes || channel === undefined) return undefined;
    const marks = (this.#marks ??= this.#marksFor(channel));
    const buffered = channel.bufferedAmount;
    // Hysteresis: going on only from at or below `low` earns at least high - low bytes
    // per read, where going on whenever one message fits would read once per message.
    if (buffered <= marks.low) {
      this.#bytes = marks.high - buffered;
      return undefined;
    }
    this.#bytes = 0; // read afresh once drained
    this.#pushedWhileDraining = 0;
    return drained(channel, marks.low);
  }

  /** Counts `size` bytes handed to the channel. */
  spend(size: number): void {
    this.#bytes -= size;
  }

  /**
   * Called, during a drain wait, for each message of `size` bytes the source pushes. A source
   * that pushes synchronously (chunk() framing a large message, from(array)) keeps the thread,
   * so the drain wait's timer cannot fire until it stops, while the runtime's own thread empties
   * the queue: once per high - low bytes pushed meanwhile, look again. True if the queue is down
   * to the low mark (the budget is refilled, the wait may end): the same rule as `admit`, read
   * earlier, so the queue still never passes the high mark.
   */
  drainedMeanwhile(size: number, channel: SendChannel | undefined): boolean {
    const marks = this.#marks;
    if (channel === undefined || marks === undefined) return false;
    this.#pushedWhileDraining += size;
    if (this.#pushedWhileDraining < marks.high - marks.low) return false;
    this.#pushedWhileDraining = 0;
    const buffered = channel.bufferedAmount;
    if (buffered > marks.low) return false;
    this.#bytes = marks.high - buffered;
    return true;
  }
}
