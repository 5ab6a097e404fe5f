/**
 * `npm run bench`: every figure on Node (each run of each figure in a fresh process,
 * bench/node-worker.ts) and in headless Chromium (bench/browser.ts), the contenders
 * alternating run by run; raw against rxpeer on node-datachannel and in headless Firefox
 * with the same workloads; then bundle sizes; writes docs/benchmarks.md, .svg and .json, and
 * the core bundle's esbuild metafile (benchmarks.metafile.json).
 *
 *   npm run bench                        the default profile (about 15 minutes)
 *   npm run bench -- --profile=full      the issue's sizes everywhere, 5 runs each (about 25 minutes)
 *   npm run bench -- --only=node --figures=bulk,small --out=/tmp/bench
 *   npm run bench -- --report-only       re-render docs/benchmarks.md from docs/benchmarks.json
 *   npm run bench -- --only=firefox --merge   measure some runtimes again, keep the others' results
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, platform } from "node:os";
import { udpDrops, udpDropsSince } from "./udp-drops.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { measureBrowserFiles } from "./browser-files.js";
import { measureLiveness } from "./liveness.js";
import { openBrowserBench, type BrowserBench } from "./browser.js";
import { METAFILE, NOTES_MARKER, renderBenchChart, renderReport, type BenchResults, type RuntimeName, type RuntimeResults } from "./report.js";
import { measureSizes } from "./size.js";
import { RESULT_PREFIX, SERIES, type Figure, type Params, type Sample, type Task } from "./tasks.js";
import type { ContenderName } from "./transport.js";
import { FIREFOX_PATH } from "../test/support/firefox.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const KiB = 1024;
const MiB = KiB * KiB;

export interface RuntimePlan {
  params: Params;
  /** Runs per figure; 0 or absent skips the figure. */
  runs: Partial<Record<Figure, number>>;
  /** Only the series of these contenders; all when absent. */
  contenders?: ContenderName[];
}

export interface BenchConfig {
  profile: string;
  node?: RuntimePlan;
  chromium?: RuntimePlan;
  "node-datachannel"?: RuntimePlan;
  firefox?: RuntimePlan;
  size: boolean;
  /** Runs of the liveness scenarios (bench/liveness.ts, Node); 0 or undefined: none. */
  liveness?: number;
  /** Directory for benchmarks.md, .svg and .json; nothing is written when undefined. */
  outDir?: string;
  log?: (line: string) => void;
}

/** What node-datachannel and Firefox run: raw against rxpeer, nothing else. */
const RAW_AND_RXPEER: ContenderName[] = ["raw", "rxpeer", "rxpeer-send", "rxpeer-batch"];

const ISSUE_PARAMS: Params = {
  bulkBytes: 64 * MiB,
  bulkMessageSize: 64 * KiB,
  smallCount: 100_000,
  smallSize: KiB,
  pingRounds: 10_000,
  pingSize: KiB,
  connectPairs: 20,
  memoryBytes: 256 * MiB,
  filesBytes: 1024 * MiB,
  browserFilesBytes: 256 * MiB,
};

/**
 * The profiles. `default` keeps the issue's sizes on Node with fewer runs of the slowest
 * figures, and sends 20,000 small messages in Chromium (about 4 times slower per message
 * there), to stay near 10 minutes on 2 shared cores; `full` is the issue's plan exactly.
 */
export const PROFILES: Record<string, Omit<BenchConfig, "outDir" | "log">> = {
  default: {
    profile: "default",
    node: { params: ISSUE_PARAMS, runs: { bulk: 5, small: 3, pingpong: 5, connect: 5, memory: 2, files: 2 } },
    // The Chromium files figure launches two browsers and moves 256 MiB at a few MiB/s: about a minute a run.
    chromium: { params: { ...ISSUE_PARAMS, smallCount: 20_000 }, runs: { bulk: 3, small: 3, pingpong: 3, connect: 5, browserFiles: 2 } },
    // Each connect of a node-datachannel pair takes about a second, and Firefox moves bulk data
    // at 10-20 MiB/s: smaller sizes there keep the bench near its time. Firefox's bulk rate
    // swings by a third from run to run, so its bulk figure gets more runs of a larger size.
    "node-datachannel": { params: { ...ISSUE_PARAMS, bulkBytes: 32 * MiB, connectPairs: 5 }, runs: { bulk: 3, small: 3, pingpong: 3, connect: 3 }, contenders: RAW_AND_RXPEER },
    firefox: { params: { ...ISSUE_PARAMS, bulkBytes: 32 * MiB, smallCount: 20_000 }, runs: { bulk: 5, small: 3, pingpong: 3, connect: 3 }, contenders: RAW_AND_RXPEER },
    size: true,
    liveness: 3,
  },
  full: {
    profile: "full",
    node: { params: ISSUE_PARAMS, runs: { bulk: 5, small: 5, pingpong: 5, connect: 5, memory: 3, files: 3 } },
    chromium: { params: ISSUE_PARAMS, runs: { bulk: 5, small: 5, pingpong: 5, connect: 5, browserFiles: 3 } },
    "node-datachannel": { params: ISSUE_PARAMS, runs: { bulk: 5, small: 5, pingpong: 5, connect: 5 }, contenders: RAW_AND_RXPEER },
    firefox: { params: ISSUE_PARAMS, runs: { bulk: 5, small: 5, pingpong: 5, connect: 5 }, contenders: RAW_AND_RXPEER },
    size: true,
    liveness: 5,
  },
  smoke: {
    profile: "smoke",
    node: {
      params: { bulkBytes: MiB, bulkMessageSize: 64 * KiB, smallCount: 200, smallSize: KiB, pingRounds: 50, pingSize: KiB, connectPairs: 2, memoryBytes: 2 * MiB, filesBytes: 2 * MiB, browserFilesBytes: 0 },
      runs: { bulk: 1, small: 1, pingpong: 1, connect: 1, memory: 1, files: 1 },
    },
    chromium: {
      params: { bulkBytes: MiB, bulkMessageSize: 64 * KiB, smallCount: 200, smallSize: KiB, pingRounds: 50, pingSize: KiB, connectPairs: 2, memoryBytes: 0, filesBytes: 0, browserFilesBytes: 8 * MiB },
      runs: { bulk: 1, small: 1, pingpong: 1, connect: 1, browserFiles: 1 },
    },
    "node-datachannel": { params: { bulkBytes: MiB, bulkMessageSize: 64 * KiB, smallCount: 200, smallSize: KiB, pingRounds: 50, pingSize: KiB, connectPairs: 2, memoryBytes: 0, filesBytes: 0, browserFilesBytes: 0 }, runs: { bulk: 1, small: 1, pingpong: 1, connect: 1 }, contenders: RAW_AND_RXPEER },
    firefox: { params: { bulkBytes: MiB, bulkMessageSize: 64 * KiB, smallCount: 200, smallSize: KiB, pingRounds: 50, pingSize: KiB, connectPairs: 2, memoryBytes: 0, filesBytes: 0, browserFilesBytes: 0 }, runs: { bulk: 1, small: 1, pingpong: 1, connect: 1 }, contenders: RAW_AND_RXPEER },
    size: true,
    liveness: 1,
  },
};

const FIGURES: Figure[] = ["bulk", "small", "pingpong", "connect", "memory", "files", "browserFiles"];


function rotate<T>(items: readonly T[], by: number): T[] {
  const k = items.length ? by % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** The tasks of one runtime, run by run: each run measures every figure, its series in an order rotated from the last run's. */
export function schedule(plan: RuntimePlan): Task[][] {
  const most = Math.max(0, ...Object.values(plan.runs).map((n) => n ?? 0));
  const runs: Task[][] = [];
  for (let run = 0; run < most; run++) {
    const tasks: Task[] = [];
    for (const figure of FIGURES) {
      if (run >= (plan.runs[figure] ?? 0)) continue;
      const series = rotate(SERIES[figure].filter((s) => !plan.contenders || plan.contenders.includes(s.contender)).map((s) => s.id), run);
      // Memory and files are measured in a fresh process per series; the others share one per run.
      if (figure === "memory" || figure === "files") for (const id of series) tasks.push({ figure, series: [id], params: plan.params });
      else tasks.push({ figure, series, params: plan.params });
    }
    runs.push(tasks);
  }
  return runs;
}

/**
 * Runs one task in a fresh Node process; a process that dies without a result is retried
 * once, and so is a memory or files series that failed (its link lost part-way): each is
 * one series in a process of its own, so measuring it again in a fresh one is the same
 * measurement, where a lost figure would cost the run its ratio.
 */
async function runNodeTask(task: Task, log: (line: string) => void, wrtc: "node" | "node-datachannel" = "node"): Promise<Sample[]> {
  const alone = task.figure === "memory" || task.figure === "files";
  for (let attempt = 1; ; attempt++) {
    const { samples, detail } = await spawnWorker(task, wrtc);
    const again = attempt < 2;
    const failed = samples?.find((sample) => sample.error !== undefined);
    if (samples && (!failed || !alone || !again)) return samples;
    log(`  node ${task.figure} [${task.series.join(", ")}]: ${failed ? `failed (${failed.error})` : `worker failed (${detail})`}${again ? ", measuring again in a fresh process" : ""}`);
    if (!again) return task.series.map((series) => ({ series, metrics: {}, intact: false, error: `worker failed: ${detail}` }));
  }
}

function spawnWorker(task: Task, wrtc: "node" | "node-datachannel"): Promise<{ samples?: Sample[]; detail: string }> {
  const args = ["--expose-gc", "--import", "tsx", join(root, "bench", "node-worker.ts"), JSON.stringify(task)];
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RXPEER_BENCH_WRTC: wrtc } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 10 * 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (line) return resolvePromise({ samples: JSON.parse(line.slice(RESULT_PREFIX.length)) as Sample[], detail: "" });
      resolvePromise({ detail: `exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" / ")}` });
    });
  });
}

function describe(samples: Sample[], figure: Figure): string {
  return samples
    .map((s) => {
      if (s.error) return `${s.series} ERROR ${s.error}`;
      const m = s.metrics;
      const value =
        figure === "pingpong"
          ? `${m.median?.toFixed(3)}/${m.p99?.toFixed(3)} ms`
          : figure === "memory"
            ? `+${m.growth?.toFixed(1)} MiB`
            : figure === "files" || figure === "browserFiles"
              ? `${m.rate?.toFixed(1)} MiB/s, +${m.senderGrowth?.toFixed(1)}/+${m.receiverGrowth?.toFixed(1)} MiB${m.lead === undefined ? "" : `, lead ${m.lead.toFixed(2)} MiB`}`
              : (m.rate ?? m.ms ?? 0).toFixed(1);
      return `${s.series} ${value}${s.intact ? "" : " (not intact)"}`;
    })
    .join(", ");
}

/** The browserFiles figure: two Chromiums of their own beside the bench page (idle meanwhile); a failure is recorded, not thrown. */
async function measureBrowserFilesTask(task: Task): Promise<Sample[]> {
  const series = task.series[0] ?? "rxpeer-opfs";
  try {
    const result = await measureBrowserFiles(task.params.browserFilesBytes);
    return [{ series, metrics: { senderGrowth: result.senderGrowthMiB, receiverGrowth: result.receiverGrowthMiB, rate: result.mibPerSecond }, intact: result.intact }];
  } catch (err) {
    return [{ series, metrics: {}, intact: false, error: err instanceof Error ? err.message.split("\n")[0] ?? err.name : String(err) }];
  }
}

/** An error's first line, for a log line or a sample's `error`. */
function messageOf(err: unknown): string {
  return err instanceof Error ? (err.message.split("\n")[0] ?? err.name) : String(err);
}

function emptyRuntime(runtime: RuntimeName, version: string, params: Params): RuntimeResults {
  return { runtime, version, params, runs: {} };
}

function record(results: RuntimeResults, task: Task, run: number, samples: Sample[]): void {
  const runs = (results.runs[task.figure] ??= []);
  const slot = (runs[run] ??= []);
  slot.push(...samples);
}

function packageVersion(name: string): string {
  const file = join(root, "node_modules", name, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : "not installed";
}

/** Runs the bench described by `config`; writes the report when `outDir` is set. */
export async function runBench(config: BenchConfig): Promise<BenchResults> {
  const log = config.log ?? ((line: string) => console.log(line));
  const started = Date.now();
  const loadBefore = loadavg();
  const udpDropsBefore = udpDrops();
  const runtimes: RuntimeResults[] = [];

  const runPlan = async (name: RuntimeName, version: string, plan: RuntimePlan, run: (task: Task) => Promise<Sample[]>): Promise<void> => {
    const results = emptyRuntime(name, version, plan.params);
    runtimes.push(results);
    const runs = schedule(plan);
    for (const [index, tasks] of runs.entries()) {
      for (const task of tasks) {
        const samples = await run(task);
        record(results, task, index, samples);
        log(`${name} run ${index + 1}/${runs.length} ${task.figure}: ${describe(samples, task.figure)}`);
      }
    }
  };

  // First, while this process has nothing else open: each scenario checks that it leaves no
  // timer or handle behind, which a browser still shutting down would blur.
  const liveness = config.liveness ? await measureLiveness(config.liveness) : [];
  for (const [index, run] of liveness.entries()) log(`liveness run ${index + 1}/${liveness.length}: ${run.error ?? `close$ ${run.killToCloseMs?.toFixed(0)} ms after SIGKILL (${run.killErrors.join(", ")}); 3 s stall: ${run.stallClosed ? "declared dead" : "left alone"}`}`);
  // browserFiles is Chromium's alone; memory and files are @roamhq/wrtc's alone.
  if (config.node) await runPlan("node", process.version, { ...config.node, runs: { ...config.node.runs, browserFiles: 0 } }, (task) => runNodeTask(task, log));
  const ndcPlan = config["node-datachannel"];
  if (ndcPlan) await runPlan("node-datachannel", packageVersion("node-datachannel"), { ...ndcPlan, runs: { ...ndcPlan.runs, memory: 0, files: 0, browserFiles: 0 } }, (task) => runNodeTask(task, log, "node-datachannel"));

  for (const name of ["chromium", "firefox"] as const) {
    const plan = config[name];
    if (!plan) continue;
    if (name === "firefox" && !FIREFOX_PATH) {
      log("firefox: not installed, skipped");
      continue;
    }
    let browser: BrowserBench | undefined;
    try {
      browser = await openBrowserBench(name);
    } catch (err) {
      log(`${name}: did not start (${messageOf(err)}), skipped`);
      continue;
    }
    const { version } = browser;
    // A task that throws in the page (or a page that crashed) costs that task's samples, not
    // the bench: the browser is started afresh for the next task.
    const runInBrowser = async (task: Task): Promise<Sample[]> => {
      try {
        browser ??= await openBrowserBench(name);
        return await browser.run(task);
      } catch (err) {
        log(`  ${name} ${task.figure}: ${messageOf(err)}; the browser is started again for the next task`);
        await browser?.close().catch(() => undefined);
        browser = undefined;
        return task.series.map((series) => ({ series, metrics: {}, intact: false, error: messageOf(err) }));
      }
    };
    try {
      const runs = { ...plan.runs, memory: 0, files: 0, ...(name === "chromium" ? {} : { browserFiles: 0 }) };
      await runPlan(name, version, { ...plan, runs }, (task) => (task.figure === "browserFiles" ? measureBrowserFilesTask(task) : runInBrowser(task)));
    } finally {
      await browser?.close();
    }
  }

  const sizes = config.size ? await measureSizes() : [];
  const cpu = cpus();
  const results: BenchResults = {
    profile: config.profile,
    startedAt: new Date(started).toISOString(),
    minutes: (Date.now() - started) / 60_000,
    machine: { cpu: cpu[0]?.model ?? "unknown CPU", cores: cpu.length, memoryGiB: totalmem() / 1024 ** 3, os: `${platform()} ${release()}`, loadBefore, loadAfter: loadavg(), udpDropped: udpDropsSince(udpDropsBefore) },
    versions: {
      rxpeer: (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version + " (this checkout)",
      rxjs: packageVersion("rxjs"),
      "@roamhq/wrtc": packageVersion("@roamhq/wrtc"),
      "node-datachannel": packageVersion("node-datachannel"),
      "simple-peer": packageVersion("simple-peer"),
      "@rtco/peer": packageVersion("@rtco/peer"),
      esbuild: packageVersion("esbuild"),
      "playwright-core": packageVersion("playwright-core"),
      "puppeteer-core": packageVersion("puppeteer-core"),
    },
    runtimes,
    sizes,
    liveness,
  };
  if (config.outDir) writeReport(results, config.outDir);
  return results;
}

/** Writes benchmarks.md (keeping its hand-written notes), benchmarks.svg and benchmarks.json into `outDir`. */
export function writeReport(results: BenchResults, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const mdFile = join(outDir, "benchmarks.md");
  const previous = existsSync(mdFile) ? readFileSync(mdFile, "utf8") : "";
  const at = previous.indexOf(NOTES_MARKER);
  const notes = at >= 0 ? previous.slice(at + NOTES_MARKER.length).replace(/^\n/, "") : "";
  writeFileSync(mdFile, renderReport(results, notes));
  writeFileSync(join(outDir, "benchmarks.svg"), renderBenchChart(results));
  // The core's metafile goes to a file of its own: it is for esbuild's analyzer, and large.
  const metafile = results.sizes[0]?.metafile;
  if (metafile) writeFileSync(join(outDir, METAFILE), `${JSON.stringify(metafile, null, 1)}\n`);
  const sizes = results.sizes.map(({ metafile: _, ...size }) => size);
  writeFileSync(join(outDir, "benchmarks.json"), `${JSON.stringify({ ...results, sizes }, null, 1)}\n`);
}

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const outDir = resolve(root, option("out") ?? "docs");
  if (process.argv.includes("--report-only")) {
    writeReport(JSON.parse(readFileSync(join(outDir, "benchmarks.json"), "utf8")) as BenchResults, outDir);
    console.log(`bench: rewrote ${join(outDir, "benchmarks.md")} from benchmarks.json`);
    return;
  }
  const profile = PROFILES[option("profile") ?? "default"];
  if (!profile) throw new Error(`unknown profile; choose one of ${Object.keys(PROFILES).join(", ")}`);
  const only = option("only")?.split(",");
  const figures = option("figures")?.split(",") as Figure[] | undefined;
  const pick = (plan: RuntimePlan | undefined, name: string): RuntimePlan | undefined => {
    if (!plan || (only && !only.includes(name))) return undefined;
    if (!figures) return plan;
    return { ...plan, runs: Object.fromEntries(Object.entries(plan.runs).filter(([figure]) => figures.includes(figure as Figure))) };
  };
  const previousFile = join(outDir, "benchmarks.json");
  const previous = process.argv.includes("--merge") && existsSync(previousFile) ? (JSON.parse(readFileSync(previousFile, "utf8")) as BenchResults) : undefined;
  const results = await runBench({
    ...profile,
    node: pick(profile.node, "node"),
    chromium: pick(profile.chromium, "chromium"),
    "node-datachannel": pick(profile["node-datachannel"], "node-datachannel"),
    firefox: pick(profile.firefox, "firefox"),
    size: profile.size && (!only || only.includes("size")),
    liveness: !only || only.includes("liveness") ? profile.liveness : 0,
    outDir: previous ? undefined : outDir,
  });
  if (previous) {
    // The runtimes measured now replace their earlier results; the others keep theirs (and their run's date).
    const measured = new Set(results.runtimes.map((r) => r.runtime));
    const order: RuntimeName[] = ["node", "node-datachannel", "chromium", "firefox"];
    results.runtimes = [...previous.runtimes.filter((r) => !measured.has(r.runtime)), ...results.runtimes].sort((a, b) => order.indexOf(a.runtime) - order.indexOf(b.runtime));
    if (results.sizes.length === 0) results.sizes = previous.sizes;
    if (!results.liveness?.length) results.liveness = previous.liveness ?? [];
    const remeasured = [...measured, ...(results.liveness?.length ? ["liveness"] : [])];
    results.merged = `${remeasured.join(", ")} measured on ${results.startedAt}; ${previous.runtimes.filter((r) => !measured.has(r.runtime)).map((r) => r.runtime).join(", ") || "nothing"} kept from ${previous.merged ?? previous.startedAt}`;
    results.startedAt = previous.startedAt;
    results.minutes += previous.minutes;
    writeReport(results, outDir);
  }
  console.log(`bench: done in ${results.minutes.toFixed(1)} minutes; wrote ${join(outDir, "benchmarks.md")}, benchmarks.svg and benchmarks.json`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
