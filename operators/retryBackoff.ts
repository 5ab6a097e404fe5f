/**
 * The `retryBackoff()` operator: RxJS `retry` with an exponential, capped, optionally
 * jittered delay. Timing goes through `timer`, so TestScheduler drives it in tests.
 */
import { retry, timer, type MonoTypeOperatorFunction } from "rxjs";
import { checkOptions } from "./arguments.js";

export interface RetryBackoffOptions {
  /** Delay before the first retry, in ms (default 1000). */
  initialDelay?: number;
  /** Cap on any delay, in ms (default 30000). */
  maxDelay?: number;
  /** Retries before the error is let through (default Infinity). */
  maxRetries?: number;
  /** Fraction from 0 to 1 by which a delay may be shortened at random (default 0: no jitter). */
  jitter?: number;
  /** Start again from `initialDelay` and a fresh retry count once a value arrives (default false). */
  resetOnSuccess?: boolean;
  /** Source of randomness for jitter, returning a number in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/**
 * Resubscribes to the source when it errors, waiting longer after each failure.
 *
 * <span class="informal">`retry` with exponential backoff: for flaky signaling
 * sockets and reconnect loops.</span>
 *
 * ```
 * source (cold): -a-#
 *                retryBackoff({ initialDelay: 2, maxDelay: 4, maxRetries: 2 })
 * result:        -a----a------a-#
 * ```
 *
 * The n-th retry (n = 1, 2, ...) waits `d = min(maxDelay, initialDelay * 2^(n-1))`, then with
 * jitter `d * (1 - jitter * r)` for `r = random()` in [0, 1): never longer than the capped
 * delay, never shorter than `(1 - jitter)` of it. After `maxRetries` retries the next error
 * is passed on. With `resetOnSuccess`, a value from the source resets n to 1.
 *
 * @example
 * Retry a failing call after about 100 ms, then 200 ms (each up to 20% shorter).
 * ```ts
 * import { defer, of, throwError } from "rxjs";
 * import { retryBackoff } from "rxpeer/operators";
 *
 * let attempts = 0;
 * defer(() => (++attempts < 3 ? throwError(() => new Error("busy")) : of(`ok after ${attempts} tries`)))
 *   .pipe(retryBackoff({ initialDelay: 100, maxDelay: 1000, jitter: 0.2 }))
 *   .subscribe((result) => console.log(result)); // ok after 3 tries
 * // For a signaling socket: webSocket(url).pipe(retryBackoff({ initialDelay: 500, resetOnSuccess: true }))
 * ```
 *
 * @see {@link https://rxjs.dev/api/operators/retry retry}
 *
 * @param options `initialDelay` (1000 ms), `maxDelay` (30000 ms), `maxRetries` (Infinity),
 * `jitter` (0), `resetOnSuccess` (false), `random` (`Math.random`).
 * @return A function that returns an Observable that mirrors the source, resubscribing after errors.
 */
export function retryBackoff<T>(options: RetryBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  checkOptions("retryBackoff", options);
  const { initialDelay = 1000, maxDelay = 30_000, maxRetries = Infinity, jitter = 0, resetOnSuccess = false, random = Math.random } = options;
  if (!(initialDelay >= 0)) throw new RangeError(`retryBackoff(): initialDelay must be >= 0, got ${initialDelay}`);
  if (!(maxDelay >= 0)) throw new RangeError(`retryBackoff(): maxDelay must be >= 0, got ${maxDelay}`);
  if (!(maxRetries >= 0)) throw new RangeError(`retryBackoff(): maxRetries must be >= 0, got ${maxRetries}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`retryBackoff(): jitter must be from 0 to 1, got ${jitter}`);

  return retry<T>({
    count: maxRetries,
    resetOnSuccess,
    delay: (_error: unknown, retryCount: number) => timer(backoffDelay(retryCount, initialDelay, maxDelay, jitter, random)),
  });
}

/** The delay before retry number `retryCount` (from 1), as documented on {@link retryBackoff}. */
export function backoffDelay(retryCount: number, initialDelay: number, maxDelay: number, jitter: number, random: () => number): number {
  const capped = Math.min(maxDelay, initialDelay * 2 ** (retryCount - 1));
  if (jitter === 0) return capped;
  const r = Math.min(Math.max(random(), 0), 1);
  return capped * (1 - jitter * r);
}
