// The liveness clock on vitest's fake clock: beats while the remote speaks, "dead" after a
// whole timeout of silence, never on a single late tick.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { livenessClock } from "../../src/liveness.js";

// A beat of 1 ms and a timeout of 5 beats.
const beat = 1;
const timeout = 5;

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/**
 * Runs a clock for `frames` ms: `messages[i] === "a"` is a message arriving at ms i, before
 * the tick due then (at 0: before the clock starts). Returns the ticks on the same timeline
 * ("b" beat, "d" dead, "-" none), how many times `received` was read, and the clock's stop.
 */
function run(messages: string, frames: number, clockTimeout = timeout, stopAt = Infinity): { ticks: string; reads: number; pendingTimers: number } {
  let received = 0;
  let reads = 0;
  let now = 0;
  const ticks = Array.from({ length: frames }, () => "-");
  if (messages[0] === "a") received++;
  const stop = livenessClock(() => (reads++, received), clockTimeout, (tick) => (ticks[now] = tick === "beat" ? "b" : "d"), beat);
  for (now = 1; now < frames; now++) {
    if (now === stopAt) stop();
    if (messages[now] === "a") received++;
    vi.advanceTimersByTime(1);
  }
  return { ticks: ticks.join(""), reads, pendingTimers: vi.getTimerCount() };
}

describe("livenessClock", () => {
  it("beats while messages keep arriving, and never ends on its own", () => {
    const { ticks, pendingTimers } = run("a".repeat(31), 31);
    expect(ticks).toBe("-" + "b".repeat(30));
    expect(pendingTimers).toBe(1);
  });

  it("declares the remote dead after a timeout of silent ticks in a row, then stops", () => {
    // Messages at 0, 1 and 2: ticks 1 and 2 see a new count, ticks 3 to 7 none: dead on the 5th silent one.
    const { ticks, pendingTimers } = run("aaa", 12);
    expect(ticks).toBe("-bbbbbbd----");
    expect(pendingTimers).toBe(0);
  });

  it("forgives a silence one tick shorter than the timeout", () => {
    // Ticks 1 to 3 silent, a message at 4 (before tick 4 reads it), then ticks 5 to 8 silent.
    expect(run("a---a", 9).ticks).toBe("-bbbbbbbb");
  });

  it("counts from what was received before it started", () => {
    expect(run("a", 8).ticks).toBe("-bbbbd--");
  });

  it("stops its clock when stopped", () => {
    const { ticks, reads, pendingTimers } = run("", 10, timeout, 4);
    expect(ticks).toBe("-bbb------");
    // One read at the start, one per tick: nothing after the stop at 4.
    expect(reads).toBe(4);
    expect(pendingTimers).toBe(0);
  });
});

describe("livenessClock with a timeout that is not a whole number of beats", () => {
  it("rounds the silence up to whole beats", () => {
    expect(run("", 6, 2.5).ticks).toBe("-bbd--");
  });
});

describe("livenessClock with timeout 0", () => {
  it("only beats, however long the silence", () => {
    expect(run("", 41, 0).ticks).toBe("-" + "b".repeat(40));
  });
});
