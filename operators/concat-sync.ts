/**
 * `concatMap` for work that emits synchronously, as chunk()'s framing and dechunk()'s
 * unpacking do: no inner Observable is made per value. On the per-message path (one 1 KiB
 * message, one frame) those inner subscriptions were most of the operators' own cost.
 * Internal to the operators.
 */
import { Observable, type OperatorFunction } from "rxjs";
import { subscribeChained } from "./subscribe-chained.js";

/** Where `project` puts what a value gives: the output's subscriber. */
export interface SyncSink<R> {
  next(value: R): void;
  /** True once the output has ended (an error, or downstream unsubscribed): stop emitting. */
  readonly closed: boolean;
}

/**
 * Calls `project` for each value, which emits that value's outputs into the sink at once.
 * As with `concatMap`, outputs keep the order of their values: a value that arrives while
 * an earlier one is still being emitted (a consumer feeding the source from inside the
 * output) waits for it, and the output completes after the last one. A `project` that
 * throws ends the output with that error and stops the source. `finish`, if given, runs
 * once the source has completed and every output is out, just before the output completes;
 * if it throws, the output errors with that instead (dechunk()'s check for incomplete
 * messages, without a `concat` layer on every value).
 */
export function concatSync<T, R>(project: (value: T, sink: SyncSink<R>) => void, finish?: () => void): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const end = (): void => {
        if (subscriber.closed) return;
        try {
          finish?.();
        } catch (err) {
          return subscriber.error(err);
        }
        subscriber.complete();
      };
      const run = serially<T | typeof SOURCE_DONE>((value) => (value === SOURCE_DONE ? end() : project(value, subscriber)), subscriber);
      subscribeChained(subscriber, source, {
        next: run,
        error: (err: unknown) => subscriber.error(err),
        complete: () => run(SOURCE_DONE),
      });
    });
}

/** Pushed after the source's last value: the output ends once everything before it is out. */
export const SOURCE_DONE: unique symbol = Symbol("source done");

/**
 * Calls `handle` for each value pushed, in order: a value pushed while `handle` is running
 * (from inside the output it emits into) waits until it returns. Once `output` is closed the
 * values still waiting are dropped, as they are when `handle` throws (the throw goes on).
 *
 * @example
 * ```ts
 * const run = serially((value: number) => subscriber.next(value), subscriber);
 * run(1); // emits 1, and 2 after it if a consumer pushed 2 from inside its handler
 * ```
 */
export function serially<T>(handle: (value: T) => void, output: { readonly closed: boolean }): (value: T) => void {
  const waiting: T[] = [];
  let busy = false;
  return (value) => {
    if (busy) {
      waiting.push(value);
      return;
    }
    busy = true;
    try {
      handle(value);
      for (let head = 0; head < waiting.length && !output.closed; head++) handle(waiting[head] as T);
    } finally {
      busy = false;
      // Setting an array's length is a runtime call even when it is empty: on a lone
      // message's path this runs for every value, and almost always nothing waited.
      if (waiting.length > 0) waiting.length = 0;
    }
  };
}
