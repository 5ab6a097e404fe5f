/**
 * How an operator that cannot be composed from RxJS built-ins subscribes to its inputs:
 * the way RxJS's own `operate` + `createOperatorSubscriber` do, with public classes only.
 * The inner observer is added to its parent (the operator's downstream subscriber)
 * *before* the source runs, so when the output ends while a synchronous source is still
 * emitting, the source sees `closed` at once and stops: `subscriber.add(source.subscribe(...))`
 * would add the teardown only after a synchronous source had run to its end.
 */
import { Subscription, type Observable, type Observer } from "rxjs";

/**
 * An observer that is also a Subscription: RxJS then uses it as the subscriber itself
 * (no wrapper), so the source's teardown is added to it and it is closed with its parent.
 */
class ChainedObserver<T> extends Subscription implements Observer<T> {
  readonly #observer: Observer<T>;

  constructor(observer: Observer<T>) {
    super();
    this.#observer = observer;
  }

  next(value: T): void {
    if (this.closed) return;
    try {
      this.#observer.next(value);
    } catch (err) {
      // As in RxJS operators: a handler that throws ends this input with that error.
      this.error(err);
    }
  }

  error(err: unknown): void {
    if (this.closed) return;
    this.unsubscribe();
    this.#observer.error(err);
  }

  complete(): void {
    if (this.closed) return;
    this.unsubscribe();
    this.#observer.complete();
  }
}

/**
 * Subscribes `observer` to `source` as a child of `parent`: unsubscribing `parent`
 * (the downstream subscriber ending, for an operator) stops `source`, even one that is
 * emitting synchronously from inside this call. Nothing is subscribed if `parent` is
 * already closed. A `next` handler that throws ends the input with `error`.
 *
 * @example
 * ```ts
 * new Observable<number>((subscriber) => {
 *   subscribeChained(subscriber, source, {
 *     next: (value) => subscriber.next(value * 2),
 *     error: (err) => subscriber.error(err),
 *     complete: () => subscriber.complete(),
 *   });
 * });
 * ```
 *
 * @return The inner subscription, to end this input alone.
 */
export function subscribeChained<T>(parent: Subscription, source: Observable<T>, observer: Observer<T>): Subscription {
  const inner = new ChainedObserver(observer);
  parent.add(inner);
  if (!inner.closed) source.subscribe(inner);
  return inner;
}
