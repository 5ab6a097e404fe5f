// A bench task that throws in the browser page (or a page that crashed) costs that task's
// samples, not the bench: the browser is started again and the next task is measured.
import { describe, expect, it } from "vitest";
import { PROFILES, runBench } from "../../bench/run.js";

describe("bench: a task that fails in the browser", () => {
  it("is recorded as failed, and the next task runs in a browser started again", async () => {
    const smoke = PROFILES.smoke?.chromium;
    if (!smoke) throw new Error("no smoke profile for Chromium");
    const lines: string[] = [];
    // A message size of 0 makes the bulk task's messages an array of infinite length: it
    // throws in the page before any of its series is measured.
    const results = await runBench({
      profile: "test",
      chromium: { params: { ...smoke.params, bulkMessageSize: 0 }, runs: { bulk: 1, connect: 1 }, contenders: ["raw"] },
      size: false,
      log: (line) => lines.push(line),
    });
    const [chromium] = results.runtimes;
    const bulk = chromium?.runs.bulk?.flat() ?? [];
    expect(bulk.map((sample) => sample.series)).toEqual(["raw"]);
    expect(bulk[0]?.error).toMatch(/Invalid array length/);
    expect(lines.some((line) => line.includes("the browser is started again"))).toBe(true);
    const connect = chromium?.runs.connect?.flat() ?? [];
    expect(connect.map((sample) => [sample.series, sample.error])).toEqual([["raw", undefined]]);
  }, 120_000);
});
