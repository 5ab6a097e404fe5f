// The bench report says in how many connect runs a pair failed, and why: that contender's
// pairs stop there, and it has no figure for the run (in reports before 2026-12-02, no
// contender had).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderReport, type BenchResults } from "../../bench/report.js";
import type { Sample } from "../../bench/tasks.js";
import { RETRY_AFTER_MS, type Contender, type ContenderName, type Pair } from "../../bench/transport.js";
import { interleavedConnect } from "../../bench/workloads.js";

const base = JSON.parse(readFileSync(new URL("../../docs/benchmarks.json", import.meta.url), "utf8")) as BenchResults;

const connected = (series: string, ms: number): Sample => ({ series, metrics: { ms, ms_connected: ms - 0.3 }, intact: true });
const failed = (series: string, error: string): Sample => ({ series, metrics: {}, intact: false, error });

function chromiumConnect(runs: Sample[][]): string {
  const results: BenchResults = structuredClone(base);
  // Any runtime's parameters will do: only its connect runs are replaced, and it is named Chromium.
  const [first] = results.runtimes;
  if (!first) throw new Error("docs/benchmarks.json has no runtime's results to build on");
  results.runtimes = [{ ...first, runtime: "chromium", runs: { connect: runs } }];
  const report = renderReport(results, "");
  const section = report.slice(report.indexOf("## 3. Connect"));
  return section.slice(0, section.indexOf("\n## ")); // the heading line and its table
}

describe("bench report: connect runs with a failed pair", () => {
  const hang = "rtco, pair 3 of 20: timed out after 20000 ms";

  it("counts the runs where one contender failed, gives each reason once, and keeps the others' figures", () => {
    const text = chromiumConnect([
      [connected("raw", 10), connected("rxpeer", 11)],
      [connected("raw", 10), connected("rxpeer", 12), failed("rtco", hang)],
      [connected("raw", 10), connected("rxpeer", 13), failed("rtco", hang)],
      [connected("raw", 10), connected("rxpeer", 14)],
    ]);
    expect(text).toContain(`4 runs (in 2 of them a pair failed, so its series has none for that run: ${hang}):`);
    // rxpeer's four runs all count: 11, 12, 13 and 14 ms, median 12.5.
    expect(text).toMatch(/\| rxpeer \| 12\.5 \(11\.0-14\.0\) \|/);
  });

  it("says when a failed pair cost every series its figure (reports written before 2026-12-02)", () => {
    const text = chromiumConnect([[connected("raw", 10), connected("rxpeer", 11)], ["raw", "rxpeer"].map((series) => failed(series, hang))]);
    expect(text).toContain(`2 runs (in 1 of them a pair failed, so no series has a figure for that run: ${hang}):`);
  });

  it("says nothing of failures when every run has its figures", () => {
    const text = chromiumConnect([[connected("raw", 10), connected("rxpeer", 11)]]);
    expect(text).toContain("1 run:");
    expect(text).not.toContain("failed");
    expect(text).not.toContain("made again");
  });
});

describe("bench report: connect pairs made again", () => {
  const remade = (series: string, ms: number, count: number): Sample => ({ series, metrics: { ms, remade: count }, intact: true });

  it("sums each contender's remade pairs over the runs and names only those that had any", () => {
    const text = chromiumConnect([
      [remade("raw", 10, 1), remade("rxpeer", 11, 0), remade("rtco", 12, 0)],
      [remade("raw", 10, 2), remade("rxpeer", 11, 1), remade("rtco", 12, 0)],
    ]);
    expect(text).toContain("2 runs; pairs made again after 5 s without a first message, each timed from its first attempt: raw RTCPeerConnection pair 3, rxpeer 1:");
    expect(text).not.toMatch(/made again[^:]*@rtco/);
  });
});

// The scheduler behind the connect figure, with contenders that only count their calls (its
// pairs' WebRTC is what the bench itself measures; here only who is asked for a pair matters).
describe("bench connect figure: a contender whose pair fails", () => {
  function contender(name: ContenderName, failOnCall = Infinity): Contender & { calls: number } {
    const stub = {
      name,
      backpressure: true,
      calls: 0,
      connect: async (): Promise<Pair> => {
        stub.calls++;
        if (stub.calls === failOnCall) throw new Error("no connection");
        return { close: () => {}, connectMs: 10 + stub.calls, connectDetail: { connected: 9 } } as unknown as Pair;
      },
    };
    return stub;
  }

  it("loses its own figure and is asked for no more pairs, while the others go on", async () => {
    const steady = contender("raw");
    const failing = contender("rtco", 3);
    const [steadyResult, failingResult] = await interleavedConnect([steady, failing], 10, 1000);
    expect(failing.calls).toBe(3);
    expect(failingResult?.error).toBe("rtco, pair 2 of 10: no connection");
    // Two blocks of one untimed and five timed pairs: calls 2-6 and 8-12 are timed (12-16, 18-22 ms).
    expect(steady.calls).toBe(12);
    expect(steadyResult?.error).toBeUndefined();
    expect(steadyResult?.medianMs).toBe(17);
    expect(steadyResult?.remade).toBe(0);
  });

  it("counts a pair that took the retry's wait or longer as made again, timed or untimed, and no other", async () => {
    // Calls 1 (untimed) and 4 (timed) took the wait; 3 came in just under it.
    const took = [RETRY_AFTER_MS + 1, 10, RETRY_AFTER_MS - 1, RETRY_AFTER_MS, 10, 10];
    let calls = 0;
    const slow: Contender = {
      name: "raw",
      backpressure: true,
      connect: async () => ({ close: () => {}, connectMs: took[calls++] ?? 10, connectDetail: {} }) as unknown as Pair,
    };
    const [result] = await interleavedConnect([slow], 5, 1000);
    expect(calls).toBe(6);
    expect(result?.remade).toBe(2);
  });
});

describe("the bench report's machine line", () => {
  const machineLine = (udpDropped: number | undefined): string => {
    const results: BenchResults = structuredClone(base);
    if (udpDropped === undefined) delete results.machine.udpDropped;
    else results.machine.udpDropped = udpDropped;
    return renderReport(results, "").split("\n").find((line) => line.startsWith("- Machine:")) ?? "";
  };

  it("says how many UDP datagrams the kernel dropped during the run, where it was read", () => {
    expect(machineLine(31_116)).toMatch(/; 31,116 UDP datagrams dropped by the kernel on a full socket receive buffer during the run/);
    expect(machineLine(0)).toMatch(/; 0 UDP datagrams dropped/);
  });

  it("says nothing of drops in a report that has no count (before 2026-12-02, or not Linux)", () => {
    expect(machineLine(undefined)).not.toMatch(/UDP/);
    expect(machineLine(undefined)).toMatch(/^- Machine: .* after\.$/);
  });
});

describe("the bench report's targets", () => {
  /** The Node bulk sendTo() target's cell, for runs whose rxpeer/raw rate ratios are `ratios`. */
  const sendToCell = (ratios: number[]): string => {
    const results: BenchResults = structuredClone(base);
    const [first] = results.runtimes;
    if (!first) throw new Error("docs/benchmarks.json has no runtime's results to build on");
    const run = (ratio: number): Sample[] => [
      { series: "raw", metrics: { rate: 100, ms: 1000, arrived: 1, failedSends: 0 }, intact: true },
      { series: "rxpeer-sendTo", metrics: { rate: 100 * ratio, ms: 1000 / ratio, arrived: 1, failedSends: 0 }, intact: true },
    ];
    results.runtimes = [{ ...first, runtime: "node", runs: { bulk: ratios.map(run) } }];
    const row = renderReport(results, "").split("\n").find((line) => line.startsWith("| bulk, sendTo() 64 KiB messages >= 0.95 of raw |"));
    return row?.split("|")[2]?.trim() ?? "";
  };

  it("gives a median that two decimals would round onto the other side of its target to three", () => {
    expect(sendToCell([0.94, 0.946, 0.99])).toBe("0.946 (0.94-0.99) **not met**");
  });

  it("keeps two decimals where they read as the verdict does", () => {
    expect(sendToCell([0.9, 0.951, 0.99])).toBe("0.95 (0.90-0.99) **met**");
    expect(sendToCell([0.9, 0.93, 0.99])).toBe("0.93 (0.90-0.99) **not met**");
  });
});
