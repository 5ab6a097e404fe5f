// The hold-until-taken stream behind signal$: each value goes to one taker, and a value
// no subscriber has taken stays held for the next one.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Subject, firstValueFrom, take, takeUntil } from "rxjs";
import { holdUntilTaken } from "../../src/held-subject.js";

function held<T>(): { source: Subject<T>; held: ReturnType<typeof holdUntilTaken<T>> } {
  const source = new Subject<T>();
  return { source, held: holdUntilTaken(source) };
}

describe("holdUntilTaken", () => {
  it("hands values emitted before the first subscriber to it, then live ones", () => {
    const { source, held: stream } = held<number>();
    source.next(1);
    source.next(2);
    const first: number[] = [];
    stream.subscribe((value) => first.push(value));
    source.next(3);
    expect(first).toEqual([1, 2, 3]);
  });

  it("leaves what a subscriber did not take for the next one (firstValueFrom)", async () => {
    const { source, held: stream } = held<string>();
    source.next("offer");
    source.next("candidate 1");
    source.next("candidate 2");
    expect(await firstValueFrom(stream)).toBe("offer");
    const later: string[] = [];
    stream.subscribe((value) => later.push(value));
    expect(later).toEqual(["candidate 1", "candidate 2"]);
  });

  it("leaves the rest held when a subscriber unsubscribes inside next", () => {
    const { source, held: stream } = held<number>();
    for (const value of [1, 2, 3, 4]) source.next(value);
    const first: number[] = [];
    const stop = new Subject<void>();
    stream.pipe(takeUntil(stop)).subscribe((value) => {
      first.push(value);
      stop.next(); // unsubscribes from inside next, while the held values are being handed over
    });
    const taken: number[] = [];
    stream.pipe(take(2)).subscribe((value) => taken.push(value));
    const rest: number[] = [];
    stream.subscribe((value) => rest.push(value));
    expect(first).toEqual([1]);
    expect(taken).toEqual([2, 3]);
    expect(rest).toEqual([4]);
  });

  it("holds again what is emitted after the last subscriber left", () => {
    const { source, held: stream } = held<number>();
    stream.pipe(take(1)).subscribe();
    source.next(1); // taken by take(1), which then leaves
    source.next(2); // nobody listens: held
    const later: number[] = [];
    stream.subscribe((value) => later.push(value));
    expect(later).toEqual([2]);
  });

  it("gives a second subscriber live values only, while the first takes the held ones", () => {
    const { source, held: stream } = held<number>();
    source.next(1);
    const first: number[] = [];
    const second: number[] = [];
    stream.subscribe((value) => first.push(value));
    stream.subscribe((value) => second.push(value));
    source.next(2);
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2]);
  });

  it("keeps order when a value is emitted from inside next while held values are handed over", () => {
    const { source, held: stream } = held<string>();
    source.next("a");
    source.next("b");
    const seen: string[] = [];
    stream.subscribe((value) => {
      seen.push(value);
      if (value === "a") source.next("a'");
    });
    expect(seen).toEqual(["a", "b", "a'"]);
  });

  it("delivers held values then completes when subscribed after completion", () => {
    const { source, held: stream } = held<string>();
    source.next("offer");
    source.complete();
    const seen: string[] = [];
    let completed = false;
    stream.subscribe({ next: (value) => seen.push(value), complete: () => (completed = true) });
    expect(seen).toEqual(["offer"]);
    expect(completed).toBe(true);
  });

  it("hands each value to every subscriber live at the time, or else to exactly one later subscriber (property)", () => {
    // A script of steps: emit the next value, or subscribe someone who takes `count` values and leaves.
    const step = fc.oneof(fc.constant({ kind: "emit" as const, count: 0 }), fc.record({ kind: fc.constant("take" as const), count: fc.integer({ min: 1, max: 3 }) }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const { source, held: stream } = held<number>();
        const actual: number[][] = [];
        // The model: live takers share a live value; with none, it waits in `waiting` for the next taker.
        const expected: number[][] = [];
        const live: { index: number; left: number }[] = [];
        const waiting: number[] = [];
        let next = 0;
        for (const { kind, count } of steps) {
          if (kind === "emit") {
            const value = next++;
            if (live.length === 0) waiting.push(value);
            for (const taker of [...live]) {
              expected[taker.index]?.push(value);
              if (--taker.left === 0) live.splice(live.indexOf(taker), 1);
            }
            source.next(value);
          } else {
            const index = actual.length;
            const got: number[] = [];
            actual.push(got);
            const taken = waiting.splice(0, count);
            expected.push(taken);
            if (taken.length < count) live.push({ index, left: count - taken.length });
            stream.pipe(take(count)).subscribe((value) => got.push(value));
          }
        }
        expect(actual).toEqual(expected);
        // Whatever is still held goes, in order, to the next subscriber.
        const last: number[] = [];
        stream.subscribe((value) => last.push(value));
        expect(last).toEqual(waiting);
      }),
      { numRuns: 1000 },
    );
  });
});
