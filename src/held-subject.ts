/**
 * Holding signals for whoever takes them: a value emitted while nobody listens is
 * kept until a subscriber takes it, so signals produced before `signal$` is
 * subscribed (or between two subscribers) are not lost.
 */
import { Observable, Subject } from "./rxjs-imports.js";

/**
 * Mirrors the hot `source`, holding every value emitted while nobody listens. A subscriber
 * takes held values one at a time, in order, then live ones: one that leaves early
 * (`firstValueFrom`, `take(1)`) leaves the rest held for the next subscriber.
 *
 * @example
 * ```ts
 * const signals = new Subject<string>();
 * const held = holdUntilTaken(signals);
 * signals.next("offer");                         // nobody listens: held
 * signals.next("candidate");                     // held too
 * await firstValueFrom(held);                    // "offer"; "candidate" stays held
 * held.subscribe(console.log);                   // logs "candidate", then live values
 * ```
 */
export function holdUntilTaken<T>(source: Observable<T>): Observable<T> {
  const live = new Subject<T>();
  const held: T[] = [];
  source.subscribe({ next: (value) => (live.observed ? live.next(value) : held.push(value)), complete: () => live.complete() });
  return new Observable<T>((subscriber) => {
    // A value emitted from inside next() while this runs is held too, so it comes after, in order.
    while (held.length > 0 && !subscriber.closed) for (const value of held.splice(0, 1)) subscriber.next(value);
    return live.subscribe(subscriber);
  });
}
