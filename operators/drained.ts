/**
 * Waiting for a data channel's send queue to drain, the one wait behind `sendTo`'s
 * backpressure: on `bufferedamountlow` where the runtime fires it, and always by polling.
 */
import { Observable } from "rxjs";
import type { SendChannel } from "./send-target.js";

/** Polling period while waiting for the queue to drain, where `bufferedamountlow` never fires. */
const POLL_MS = 1;
/** Polling period as a fallback where the event fires. */
const FALLBACK_POLL_MS = 20;

/**
 * Whether `channel` reports draining with `bufferedamountlow` (browsers, node-datachannel);
 * where it does not (@roamhq/wrtc), `bufferedAmount` must be polled.
 *
 * @example
 * ```ts
 * const highWaterMark = firesDrainEvent(peer.channel) ? 64 * 1024 : 1024 * 1024;
 * ```
 */
export function firesDrainEvent(channel: SendChannel): boolean {
  return "bufferedAmountLowThreshold" in channel;
}

/**
 * Completes once the channel's queue is down to `low`: on `bufferedamountlow` where the
 * runtime fires it, and always by polling, since @roamhq/wrtc never fires it.
 */
export function drained(channel: SendChannel, low: number): Observable<never> {
  return new Observable<never>((subscriber) => {
    const hasEvent = firesDrainEvent(channel);
    const done = (): void => subscriber.complete();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      if (channel.bufferedAmount <= low) done();
      else timer = setTimeout(poll, hasEvent ? FALLBACK_POLL_MS : POLL_MS);
    };
    if (hasEvent) {
      channel.bufferedAmountLowThreshold = low;
      channel.addEventListener("bufferedamountlow", done);
    }
    timer = setTimeout(poll, hasEvent ? FALLBACK_POLL_MS : POLL_MS);
    return () => {
      clearTimeout(timer);
      if (hasEvent) channel.removeEventListener("bufferedamountlow", done);
    };
  });
}
