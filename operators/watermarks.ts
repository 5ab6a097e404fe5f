/**
 * `sendTo`'s watermarks: the options, their checks, and the measured default for each way
 * a channel reports draining.
 */
import { SEND_QUEUE_LIMIT } from "../src/data-channel.js";
import { firesDrainEvent } from "./drained.js";
import type { SendChannel } from "./send-target.js";

export interface SendToOptions {
  /**
   * Stop handing messages to the channel once this many bytes are queued in it. Default:
   * 64 KiB where the channel fires `bufferedamountlow` (browsers), 1 MiB where it must be
   * polled (@roamhq/wrtc): the fastest of a sweep on each (docs/benchmarks.md). At most
   * 15.75 MiB is in force: past 16 MiB queued, runtimes refuse sends.
   */
  highWaterMark?: number;
  /** Once stopped, go on when the queue is down to this many bytes (default: a quarter of `highWaterMark`). */
  lowWaterMark?: number;
}

/** The pair in force on one channel, in bytes. */
export interface Watermarks {
  readonly high: number;
  readonly low: number;
}

// The defaults are the fastest of a sweep of watermark pairs on each kind of channel
// (bench/sendTo-watermarks.ts; the figures and why they differ are in docs/benchmarks.md).

/** Default high-water mark where the channel fires `bufferedamountlow` (browsers). */
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;
/** Default high-water mark where `bufferedAmount` must be polled (@roamhq/wrtc). */
export const DEFAULT_POLLED_HIGH_WATER_MARK = 1024 * 1024;

/**
 * The highest high-water mark in force, whatever `highWaterMark` says: the channel's send queue
 * holds 16 MiB on Chromium and @roamhq/wrtc, which refuse a message past it, and a queue at the
 * mark still takes one more message of up to 256 KiB (the largest any runtime sends).
 */
export const MAX_HIGH_WATER_MARK = SEND_QUEUE_LIMIT - 256 * 1024;

/**
 * Checks `options` at call time and returns how to pick the watermarks for a channel: what
 * was given, else the measured default for how that channel reports draining.
 *
 * @example
 * ```ts
 * const marksFor = watermarksFor({ highWaterMark: 256 * 1024 });
 * marksFor(peer.channel); // { high: 262144, low: 65536 }
 * ```
 *
 * @throws RangeError for a watermark that is not a number >= 0, or a low mark over the high one.
 */
export function watermarksFor({ highWaterMark, lowWaterMark }: SendToOptions): (channel: SendChannel) => Watermarks {
  if (highWaterMark !== undefined && !(Number.isFinite(highWaterMark) && highWaterMark >= 0)) {
    throw new RangeError(`sendTo(): highWaterMark must be a number >= 0, got ${highWaterMark}`);
  }
  if (lowWaterMark !== undefined && !(Number.isFinite(lowWaterMark) && lowWaterMark >= 0 && lowWaterMark <= (highWaterMark ?? Infinity))) {
    throw new RangeError(`sendTo(): lowWaterMark must be from 0 to highWaterMark, got ${lowWaterMark}`);
  }
  return (channel) => {
    const fallback = firesDrainEvent(channel) ? DEFAULT_HIGH_WATER_MARK : DEFAULT_POLLED_HIGH_WATER_MARK;
    const high = Math.min(highWaterMark ?? Math.max(fallback, lowWaterMark ?? 0), MAX_HIGH_WATER_MARK);
    return { high, low: Math.min(lowWaterMark ?? Math.floor(high / 4), high) };
  };
}
