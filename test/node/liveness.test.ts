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
 * the tick due then (at 0: before the clock starts), and `packets[i] === "p"` a packet the
 * transport hears then (no `packets`: the clock has no transport to ask). Returns the ticks
 * on the same timeline ("b" beat, "h" heard, "d" dead, "-" none), how many times `received`
 * was read, and how many timers the clock left.
 */
async function run(
  messages: string,
  frames: number,
  { clockTimeout = timeout, stopAt = Infinity, packets, heard }: { clockTimeout?: number; stopAt?: number; packets?: string; heard?: () => Promise<number> } = {},
): Promise<{ ticks: string; reads: number; pendingTimers: number }> {
  let received = 0;
  let heardCount = 0;
  let reads = 0;
  let now = 0;
  const ticks = Array.from({ length: frames }, () => "-");
  const arrive = () => {
    if (messages[now] === "a") received++;
    if (packets?.[now] === "p") heardCount++;
  };
  arrive();
  const hear = heard ?? (packets === undefined ? undefined : async () => heardCount);
  const stop = livenessClock(() => (reads++, received), clockTimeout, (tick) => (ticks[now] = tick[0]!), beat, hear);
  for (now = 1; now < frames; now++) {
    if (now === stopAt) stop();
    arrive();
    await vi.advanceTimersByTimeAsync(1);
  }
  return { ticks: ticks.join(""), reads, pendingTimers: vi.getTimerCount() };
}

describe("livenessClock", () => {
  it("beats while messages keep arriving, and never ends on its own", async () => {
    const { ticks, pendingTimers } = await run("a".repeat(31), 31);
    expect(ticks).toBe("-" + "b".repeat(30));
    expect(pendingTimers).toBe(1);
  });

  it("declares the remote dead after a timeout of silent ticks in a row, then stops", async () => {
    // Messages at 0, 1 and 2: ticks 1 and 2 see a new count, ticks 3 to 7 none: dead on the 5th silent one.
    const { ticks, pendingTimers } = await run("aaa", 12);
    expect(ticks).toBe("-bbbbbbd----");
    expect(pendingTimers).toBe(0);
  });

  it("forgives a silence one tick shorter than the timeout", async () => {
    // Ticks 1 to 3 silent, a message at 4 (before tick 4 reads it), then ticks 5 to 8 silent.
    expect((await run("a---a", 9)).ticks).toBe("-bbbbbbbb");
  });

  it("counts from what was received before it started", async () => {
    expect((await run("a", 8)).ticks).toBe("-bbbbd--");
  });

  it("stops its clock when stopped", async () => {
    const { ticks, reads, pendingTimers } = await run("", 10, { stopAt: 4 });
    expect(ticks).toBe("-bbb------");
    // One read at the start, one per tick: nothing after the stop at 4.
    expect(reads).toBe(4);
    expect(pendingTimers).toBe(0);
  });
});

describe("livenessClock stopped from inside its own tick", () => {
  it("ticks no more and leaves no timer", async () => {
    const ticks: string[] = [];
    const stop = livenessClock(() => 0, 0, (tick) => {
      ticks.push(tick);
      if (ticks.length === 2) stop();
    }, beat);
    await vi.advanceTimersByTimeAsync(10);
    expect(ticks).toEqual(["beat", "beat"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("livenessClock with a timeout that is not a whole number of beats", () => {
  it("rounds the silence up to whole beats", async () => {
    expect((await run("", 6, { clockTimeout: 2.5 })).ticks).toBe("-bbd--");
  });
});

describe("livenessClock with timeout 0", () => {
  it("only beats, however long the silence", async () => {
    expect((await run("", 41, { clockTimeout: 0 })).ticks).toBe("-" + "b".repeat(40));
  });
});

describe("livenessClock with a transport to ask", () => {
  it("spares a remote whose transport heard it during the silence, and counts the silence afresh", async () => {
    // Ticks 1 to 5 silent, a packet at 3: tick 5 hears it. Ticks 6 to 10 silent, no packet: dead.
    const { ticks, pendingTimers } = await run("a", 13, { packets: "---p" });
    expect(ticks).toBe("-bbbbhbbbbd--");
    expect(pendingTimers).toBe(0);
  });

  it("keeps sparing a remote whose transport goes on hearing it", async () => {
    expect((await run("a", 16, { packets: "---p----p----p" })).ticks).toBe("-bbbbhbbbbhbbbbh");
  });

  it("does not count what the transport heard up to the first silent tick", async () => {
    // Packets at 0 and 1 are in the count read at tick 1, where the silence begins.
    expect((await run("a", 8, { packets: "pp" })).ticks).toBe("-bbbbd--");
  });

  it("gives the remote up on time when the transport hears nothing", async () => {
    expect((await run("aa", 9, { packets: "" })).ticks).toBe("-bbbbbd--");
  });

  it("takes a transport that cannot be read for a silent one", async () => {
    let reads = 0;
    const heard = () => (reads++ ? Promise.reject(new Error("closed")) : Promise.resolve(0));
    expect((await run("a", 8, { heard })).ticks).toBe("-bbbbd--");
  });

  it("ticks no more once stopped while it reads the transport", async () => {
    // The read at the 5th silent tick (at 5) answers at 8, after the clock was stopped at 6.
    let reads = 0;
    const heard = () => new Promise<number>((resolve) => (reads++ ? setTimeout(() => resolve(1), 3) : resolve(0)));
    const { ticks, pendingTimers } = await run("a", 12, { heard, stopAt: 6 });
    expect(ticks).toBe("-bbbb-------");
    expect(pendingTimers).toBe(0);
  });
});
