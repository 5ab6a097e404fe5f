// The benchmark harness (`npm run bench`) at tiny sizes, so it cannot rot: every figure
// runs once on Node and in headless Chromium (with the Chromium files figure: two pages,
// a Blob to OPFS), raw and rxpeer on node-datachannel and in headless Firefox (where
// installed), every series must deliver its data intact,
// and the report and chart must be written. No timing is asserted: figures on a shared
// machine are noise at these sizes.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROFILES, runBench } from "../../bench/run.js";
import { SERIES } from "../../bench/tasks.js";
import { FIREFOX_PATH } from "../support/firefox.js";

describe("bench harness, smoke profile", () => {
  it("measures every series of every figure on every runtime with the data intact, and writes the report", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "rxpeer-bench-"));
    try {
      const smoke = PROFILES.smoke;
      if (!smoke) throw new Error("no smoke profile");
      const results = await runBench({ ...smoke, outDir, log: () => undefined });

      expect(results.runtimes.map((r) => r.runtime)).toEqual(["node", "node-datachannel", "chromium", ...(FIREFOX_PATH ? ["firefox"] : [])]);
      for (const runtime of results.runtimes) {
        const figures =
          runtime.runtime === "node"
            ? (["bulk", "small", "pingpong", "connect", "memory", "files"] as const)
            : runtime.runtime === "chromium"
              ? (["bulk", "small", "pingpong", "connect", "browserFiles"] as const)
              : (["bulk", "small", "pingpong", "connect"] as const);
        // node-datachannel and Firefox run raw against rxpeer only.
        const everyContender = runtime.runtime === "node" || runtime.runtime === "chromium";
        for (const figure of figures) {
          const samples = runtime.runs[figure]?.flat() ?? [];
          const expected = SERIES[figure].filter((s) => everyContender || ["raw", "rxpeer", "rxpeer-send", "rxpeer-batch"].includes(s.contender));
          expect(samples.map((s) => s.series).sort(), `${runtime.runtime} ${figure}`).toEqual(expected.map((s) => s.id).sort());
          for (const sample of samples) {
            const where = `${runtime.runtime} ${figure} ${sample.series}`;
            expect(sample.error, where).toBeUndefined();
            expect(sample.intact, `${where}: data intact`).toBe(true);
            expect(Object.values(sample.metrics).every(Number.isFinite), `${where}: finite figures`).toBe(true);
          }
        }
      }
      expect(results.sizes.map((s) => s.label)).toContain("rxpeer (core entry)");
      expect(results.sizes.every((s) => s.gzip > 0 && s.gzip < s.minified)).toBe(true);
      // Each core module's cost: its minified bytes and a share of the gzipped bundle, in the
      // report's table and in the metafile written beside it.
      const core = results.sizes.find((s) => s.label === "rxpeer (core entry)");
      expect(core?.largest.map((m) => m.file)).toContain("src/peer.ts");
      expect(core?.largest.every((m) => m.bytes > 0 && m.gzip !== undefined && m.gzip > 0 && m.gzip < core.gzip)).toBe(true);
      const metafile = JSON.parse(readFileSync(join(outDir, "benchmarks.metafile.json"), "utf8")) as { inputs: Record<string, unknown> };
      expect(Object.keys(metafile.inputs)).toContain("src/peer.ts");

      const report = readFileSync(join(outDir, "benchmarks.md"), "utf8");
      expect(report).toContain("## Targets");
      expect(report).toContain("rxpeer sendTo(), 64 KiB messages");
      expect(report).toContain("Node (node-datachannel)");
      expect(report).toMatch(/^\| src\/signal-format\.ts \| \d+ \| \d+ \|$/m);
      expect(report).toMatch(/\| files: a 256 MiB Blob from one page to OPFS in another grows each page's memory <= 64 MiB \(Chromium\) \| n\/a \| n\/a \| sending [\d.]+ MiB, receiving [\d.]+ MiB \*\*(met|not met)\*\*/);
      // Liveness between two processes: the scenarios ran, and the report judges both targets.
      expect(results.liveness?.map((run) => run.error)).toEqual([undefined]);
      expect(report).toMatch(/^\| liveness: a remote process SIGKILLed is reported as ERR_CONNECTION_FAILURE, then close\$, within 8 s [^|]*\| [\d.]+ s, 1 of 1 runs reported it \*\*(met|not met)\*\*/m);
      expect(report).toMatch(/^\| liveness: a remote process stopped for 3 s is not declared dead[^|]*\| [01] of 1 runs \*\*(met|not met)\*\*/m);
      expect(report).toContain("## 7. Liveness (Node)");
      expect(readFileSync(join(outDir, "benchmarks.svg"), "utf8")).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\s*$/);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 300_000);
});
