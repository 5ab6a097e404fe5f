// The bench report says how many of a figure's runs were lost, and why: a connect run stops
// at its first pair that fails, so it has no figure for any contender.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderReport, type BenchResults } from "../../bench/report.js";
import type { Sample } from "../../bench/tasks.js";

const base = JSON.parse(readFileSync(new URL("../../docs/benchmarks.json", import.meta.url), "utf8")) as BenchResults;

const connected = (series: string, ms: number): Sample => ({ series, metrics: { ms, ms_connected: ms - 0.3 }, intact: true });
const lost = (error: string): Sample[] => ["raw", "rxpeer"].map((series) => ({ series, metrics: {}, intact: false, error }));

function chromiumConnect(runs: Sample[][]): string {
  const results: BenchResults = structuredClone(base);
  // Any runtime's parameters will do: only its connect runs are replaced, and it is named Chromium.
  const [first] = results.runtimes;
  if (!first) throw new Error("docs/benchmarks.json has no runtime's results to build on");
  results.runtimes = [{ ...first, runtime: "chromium", runs: { connect: runs } }];
  const report = renderReport(results, "");
  const section = report.slice(report.indexOf("## 3. Connect"));
  return section.slice(0, section.indexOf("\n\n", section.indexOf("**Chromium")));
}

describe("bench report: connect runs lost", () => {
  it("counts the lost runs and gives each distinct reason once", () => {
    const text = chromiumConnect([
      [connected("raw", 10), connected("rxpeer", 11)],
      lost("rtco, pair 3 of 20: timed out after 20000 ms"),
      lost("rtco, pair 3 of 20: timed out after 20000 ms"),
      [connected("raw", 12), connected("rxpeer", 12)],
    ]);
    expect(text).toContain("4 runs (2 of them lost, no figure for any series: rtco, pair 3 of 20: timed out after 20000 ms):");
  });

  it("says nothing of losses when every run has its figures", () => {
    const text = chromiumConnect([[connected("raw", 10), connected("rxpeer", 11)]]);
    expect(text).toContain("1 run:");
    expect(text).not.toContain("lost");
  });
});
