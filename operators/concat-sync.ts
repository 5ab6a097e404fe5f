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
      const waiting: T[] = [];
      let busy = false;
      let sourceDone = false;
      const end = (): void => {
        if (subscriber.closed) return;
        try {
          finish?.();
        } catch (err) {
          return subscriber.error(err);
        }
        subscriber.complete();
      };
      subscribeChained(subscriber, source, {
        next: (value) => {
          if (busy) {
            waiting.push(value);
            return;
          }
          busy = true;
          try {
            project(value, subscriber);
            for (let head = 0; head < waiting.length && !subscriber.closed; head++) project(waiting[head] as T, subscriber);
          } finally {
            busy = false;
            waiting.length = 0;
          }
          if (sourceDone) end();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (!busy) end();
        },
      });
    });
}
