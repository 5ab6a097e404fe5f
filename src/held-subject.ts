/**
 * A Subject that holds what is emitted while nobody listens and hands it to the
 * first subscriber, so signals produced before `signal$` is subscribed are not lost.
 */
import { Observable, Subject } from "rxjs";

/**
 * A hot stream that never drops values emitted before its first subscriber.
 *
 * @example
 * ```ts
 * const signals = new HeldSubject<string>();
 * signals.next("offer");                 // nobody listens yet: held
 * signals.observable.subscribe(console.log); // logs "offer", then live values
 * ```
 */
export class HeldSubject<T> {
  readonly #live = new Subject<T>();
  #held: T[] | undefined = [];

  /** The hot stream; the first subscriber receives what was held, in order. */
  readonly observable = new Observable<T>((subscriber) => {
    const held = this.#held;
    this.#held = undefined;
    if (held) for (const value of held) subscriber.next(value);
    return this.#live.subscribe(subscriber);
  });

  next(value: T): void {
    if (this.#held) this.#held.push(value);
    else this.#live.next(value);
  }

  complete(): void {
    this.#live.complete();
  }
}
