// Marble tests of the liveness clock: beats while the remote speaks, "dead" after a
// whole timeout of silence, never on a single late tick.
import { describe, expect, it } from "vitest";
import { TestScheduler } from "rxjs/testing";
import { livenessClock } from "../../src/liveness.js";

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

// A beat of 1 frame and a timeout of 5 beats.
const beat = 1;
const timeout = 5;

describe("livenessClock", () => {
  it("beats while messages keep arriving, and never ends on its own", () => {
    scheduler().run(({ cold, expectObservable }) => {
      let received = 0;
      cold("a".repeat(40)).subscribe(() => received++);
      expectObservable(livenessClock(() => received, timeout, beat), "^ 30ms !").toBe("-" + "b".repeat(30), { b: "beat" });
    });
  });

  it("declares the remote dead after a timeout of silent ticks in a row, then ends", () => {
    scheduler().run(({ cold, expectObservable }) => {
      let received = 0;
      cold("aaa|").subscribe(() => received++);
      // Messages at 0, 1 and 2: ticks 1 and 2 see a new count, ticks 3 to 7 none: dead on the 5th silent one.
      expectObservable(livenessClock(() => received, timeout, beat)).toBe("-bbbbbb(d|)", { b: "beat", d: "dead" });
    });
  });

  it("forgives a silence one tick shorter than the timeout", () => {
    scheduler().run(({ cold, expectObservable }) => {
      let received = 0;
      // Ticks 1 to 3 silent, a message at 4 (before tick 4 reads it), then ticks 5 to 8 silent.
      cold("a---a").subscribe(() => received++);
      expectObservable(livenessClock(() => received, timeout, beat), "^ 8ms !").toBe("-bbbbbbbb", { b: "beat" });
    });
  });

  it("counts from what was received before it started", () => {
    scheduler().run(({ expectObservable }) => {
      const received = 7;
      expectObservable(livenessClock(() => received, timeout, beat)).toBe("-bbbb(d|)", { b: "beat", d: "dead" });
    });
  });

  it("stops its clock when unsubscribed", () => {
    scheduler().run(({ expectObservable, flush }) => {
      let reads = 0;
      expectObservable(livenessClock(() => reads++, timeout, beat), "^ 3ms !").toBe("-bbb", { b: "beat" });
      flush();
      // One read at subscribe, one per tick: nothing after the unsubscription at 3.
      expect(reads).toBe(4);
    });
  });
});

describe("livenessClock with a timeout that is not a whole number of beats", () => {
  it("rounds the silence up to whole beats", () => {
    scheduler().run(({ expectObservable }) => {
      expectObservable(livenessClock(() => 0, 2.5, beat)).toBe("-bb(d|)", { b: "beat", d: "dead" });
    });
  });
});

describe("livenessClock with timeout 0", () => {
  it("only beats, however long the silence", () => {
    scheduler().run(({ expectObservable }) => {
      expectObservable(livenessClock(() => 0, 0, beat), "^ 40ms !").toBe("-" + "b".repeat(40), { b: "beat" });
    });
  });
});
