// The hold-until-subscribed stream behind signal$.
import { describe, expect, it } from "vitest";
import { HeldSubject } from "../../src/held-subject.js";

describe("HeldSubject", () => {
  it("hands values emitted before the first subscriber to it, then live ones", () => {
    const subject = new HeldSubject<number>();
    subject.next(1);
    subject.next(2);
    const first: number[] = [];
    subject.observable.subscribe((value) => first.push(value));
    subject.next(3);
    expect(first).toEqual([1, 2, 3]);
  });

  it("gives later subscribers only live values", () => {
    const subject = new HeldSubject<number>();
    subject.next(1);
    subject.observable.subscribe(() => {});
    const second: number[] = [];
    subject.observable.subscribe((value) => second.push(value));
    subject.next(2);
    expect(second).toEqual([2]);
  });

  it("delivers held values then completes when subscribed after completion", () => {
    const subject = new HeldSubject<string>();
    subject.next("offer");
    subject.complete();
    const seen: string[] = [];
    let completed = false;
    subject.observable.subscribe({ next: (value) => seen.push(value), complete: () => (completed = true) });
    expect(seen).toEqual(["offer"]);
    expect(completed).toBe(true);
  });
});
