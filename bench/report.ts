/**
 * Writes docs/benchmarks.md and its chart from a bench's results: machine and versions,
 * each figure's median and min-max per series, run-by-run ratios against raw (and
 * simple-peer), and the issue's targets marked met or not. Text below NOTES_MARKER in an
 * existing docs/benchmarks.md is written by hand and kept.
 */
import { DEFAULT_WINDOW } from "../operators/receiveFiles.js";
import { renderChart, type ChartGroup, type ChartRow } from "./chart.js";
import { STALL_NOT_DEAD_MS, type LivenessRun } from "./liveness.js";
import type { SizeRow } from "./size.js";
import { PRIMARY, integrityOf, metricOf, ratioOf, spread, type Runs, type Spread } from "./stats.js";
import { SERIES, type Figure, type Params } from "./tasks.js";
import { RETRY_AFTER_MS } from "./transport.js";

/** The core bundle's esbuild metafile, written beside benchmarks.md. */
export const METAFILE = "benchmarks.metafile.json";

export const NOTES_MARKER = "<!-- Everything below this line is written by hand; `npm run bench` keeps it. -->";

export type RuntimeName = "node" | "node-datachannel" | "chromium" | "firefox";

export interface RuntimeResults {
  runtime: RuntimeName;
  /** Node's version, or Chromium's. */
  version: string;
  params: Params;
  runs: Partial<Record<Figure, Runs>>;
}

export interface BenchResults {
  profile: string;
  startedAt: string;
  minutes: number;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    os: string;
    loadBefore: number[];
    loadAfter: number[];
    /** UDP datagrams the kernel dropped on a full receive buffer during the run (bench/udp-drops.ts); absent or undefined where unknown. */
    udpDropped?: number | undefined;
  };
  versions: Record<string, string>;
  runtimes: RuntimeResults[];
  sizes: SizeRow[];
  /** The liveness scenarios' runs (Node, two processes); absent from reports older than them. */
  liveness?: LivenessRun[];
  /** Set by `--merge`: which runtimes were measured when, and which were kept from an earlier run. */
  merged?: string;
}

const MiB = 1024 * 1024;
/** The paced files series runs at the default window: the source may lead by it and one 64 KiB source chunk. */
const PACED_LEAD_LIMIT_MIB = DEFAULT_WINDOW / MiB + 1 / 16;
const RUNTIME_TITLE: Record<RuntimeName, string> = {
  node: "Node (@roamhq/wrtc)",
  "node-datachannel": "Node (node-datachannel)",
  chromium: "Chromium (headless)",
  firefox: "Firefox (headless)",
};

/** The series of `figure` that this runtime measured (node-datachannel and Firefox: raw and rxpeer only). */
function measured(runs: Runs, figure: Figure): typeof SERIES[Figure] {
  return SERIES[figure].filter(({ id }) => runs.some((run) => run.some((sample) => sample.series === id)));
}

function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "-";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(digits);
}

function range(s: Spread, digits = 1): string {
  if (s.n === 0) return "-";
  return s.n === 1 ? fmt(s.median, digits) : `${fmt(s.median, digits)} (${fmt(s.min, digits)}-${fmt(s.max, digits)})`;
}

function ratio(s: Spread, medianDigits = 2): string {
  if (s.n === 0) return "-";
  const median = s.median.toFixed(medianDigits);
  return s.n === 1 ? median : `${median} (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
}

function labelOf(figure: Figure, id: string): string {
  return SERIES[figure].find((s) => s.id === id)?.label ?? id;
}

function delivered(runs: Runs, id: string): string {
  const { intact, worstArrived, errors } = integrityOf(runs, id);
  if (errors.length) return `failed: ${errors[0]}`;
  return intact ? "all, in order" : `${(worstArrived * 100).toFixed(0)}% in the worst run`;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function runsNote(runs: Runs): string {
  return `${runs.length} run${runs.length === 1 ? "" : "s"}`;
}

// A connect run stops a contender's pairs at its first that fails or hangs, so that contender
// has no figure for the run (before 2026-12-02, no contender had): say how often, and why.
function lostRunsNote(runs: Runs): string {
  const failing = runs.filter((run) => run.some((sample) => sample.error !== undefined));
  if (failing.length === 0) return "";
  const whole = failing.every((run) => run.every((sample) => sample.error !== undefined));
  const reasons = new Set(failing.flatMap((run) => run.flatMap((sample) => (sample.error === undefined ? [] : [sample.error]))));
  return ` (in ${failing.length} of them a pair failed, so ${whole ? "no series has a figure" : "its series has none"} for that run: ${[...reasons].join("; ")})`;
}

// A pair that has not greeted within RETRY_AFTER_MS is closed and made again, timed from its first
// attempt (bench/transport.ts): say whose, over all runs, so a slow median can be read against it.
function remadeNote(runs: Runs): string {
  const counts = new Map<string, number>();
  for (const sample of runs.flat()) if (sample.metrics.remade) counts.set(sample.series, (counts.get(sample.series) ?? 0) + sample.metrics.remade);
  if (counts.size === 0) return "";
  const whose = [...counts].map(([series, count]) => `${labelOf("connect", series)} ${count}`).join(", ");
  return `; pairs made again after ${RETRY_AFTER_MS / 1000} s without a first message, each timed from its first attempt: ${whose}`;
}

function transferSection(r: RuntimeResults, figure: "bulk" | "small"): string {
  const runs = r.runs[figure];
  if (!runs) return "";
  const unit = PRIMARY[figure].unit;
  const series = measured(runs, figure);
  const hasSimplePeer = figure === "bulk" && series.some(({ id }) => id === "simple-peer");
  const rows = series.map(({ id }) => {
    const row = [
      labelOf(figure, id),
      range(spread(metricOf(runs, id, "rate")), figure === "bulk" ? 1 : 0),
      delivered(runs, id),
      id === "raw" ? "1" : ratio(ratioOf(runs, id, "raw", "rate")),
    ];
    if (hasSimplePeer) row.push(id === "simple-peer" ? "1" : ratio(ratioOf(runs, id, "simple-peer", "rate")));
    return row;
  });
  const header = ["series", `${unit}, median (min-max)`, "arrived", "vs raw, run by run"];
  if (hasSimplePeer) header.push("vs simple-peer");
  return `**${RUNTIME_TITLE[r.runtime]}**, ${runsNote(runs)}:\n\n${table(header, rows)}\n`;
}

function pingPongSection(r: RuntimeResults): string {
  const runs = r.runs.pingpong;
  if (!runs) return "";
  const rows = measured(runs, "pingpong").map(({ id }) => [
    labelOf("pingpong", id),
    range(spread(metricOf(runs, id, "median")), 3),
    range(spread(metricOf(runs, id, "p99")), 3),
    id === "raw" ? "1" : ratio(ratioOf(runs, id, "raw", "median")),
    id === "raw" ? "1" : ratio(ratioOf(runs, id, "raw", "p99")),
  ]);
  return `**${RUNTIME_TITLE[r.runtime]}**, ${r.params.pingRounds.toLocaleString("en-US")} round trips of ${r.params.pingSize} B per run, ${runsNote(runs)}:\n\n${table(["series", "median ms", "p99 ms", "median vs raw", "p99 vs raw"], rows)}\n`;
}

function connectSection(r: RuntimeResults): string {
  const runs = r.runs.connect;
  if (!runs) return "";
  const rows = measured(runs, "connect").map(({ id }) => {
    const part = (name: string): string => (metricOf(runs, id, `ms_${name}`).length ? range(spread(metricOf(runs, id, `ms_${name}`)), 1) : "-");
    return [
      labelOf("connect", id),
      range(spread(metricOf(runs, id, "ms")), 1),
      id === "raw" ? "1" : ratio(ratioOf(runs, id, "raw", "ms")),
      part("connected"),
      part("toAnswerer"),
      part("toInitiator"),
    ];
  });
  return `**${RUNTIME_TITLE[r.runtime]}**, median of ${r.params.connectPairs} pairs per run, ${runsNote(runs)}${lostRunsNote(runs)}${remadeNote(runs)}:\n\n${table(["series", "ms to both first messages, median (min-max of runs)", "vs raw", "both connected", "initiator's message delivered", "answerer's message delivered"], rows)}\n`;
}

function memorySection(r: RuntimeResults): string {
  const runs = r.runs.memory;
  if (!runs) return "";
  const rows = SERIES.memory.map(({ id }) => [
    labelOf("memory", id).replace("256 MiB", `${r.params.memoryBytes / MiB} MiB`),
    range(spread(metricOf(runs, id, "growth")), 1),
    range(spread(metricOf(runs, id, "rate")), 1),
    delivered(runs, id),
  ]);
  return `**${RUNTIME_TITLE[r.runtime]}**, ${r.params.memoryBytes / MiB} MiB per run, ${runsNote(runs)}:\n\n${table(["series", "peak RSS growth, MiB", "MiB/s", "arrived"], rows)}\n`;
}

function filesSection(r: RuntimeResults): string {
  const runs = r.runs.files;
  if (!runs) return "";
  const rows = SERIES.files.map(({ id }) => [
    labelOf("files", id),
    range(spread(metricOf(runs, id, "rate")), 1),
    id === "raw" ? "1" : id === "rxpeer-paced" ? "(paced)" : ratio(ratioOf(runs, id, "raw", "rate")),
    range(spread(metricOf(runs, id, "senderGrowth")), 1),
    id === "rxpeer-paced" ? "(same process)" : range(spread(metricOf(runs, id, "receiverGrowth")), 1),
    id === "rxpeer-paced" ? `${range(spread(metricOf(runs, id, "lead")), 2)} MiB` : "",
    delivered(runs, id),
  ]);
  const paced = Math.min(r.params.filesBytes, 64 * MiB) / MiB;
  return `**${RUNTIME_TITLE[r.runtime]}**, ${r.params.filesBytes / MiB} MiB per run (${paced} MiB for the paced series), ${runsNote(runs)}:\n\n${table(["series", "MiB/s", "vs raw", "sender peak RSS growth, MiB", "receiver peak RSS growth, MiB", "source read ahead of the consumer", "arrived (SHA-256 equal)"], rows)}\n`;
}

function browserFilesSection(r: RuntimeResults): string {
  const runs = r.runs.browserFiles;
  if (!runs) return "";
  const rows = SERIES.browserFiles.map(({ id }) => [
    labelOf("browserFiles", id),
    range(spread(metricOf(runs, id, "rate")), 1),
    range(spread(metricOf(runs, id, "senderGrowth")), 1),
    range(spread(metricOf(runs, id, "receiverGrowth")), 1),
    delivered(runs, id),
  ]);
  return `**${RUNTIME_TITLE[r.runtime]}**, a ${r.params.browserFilesBytes / MiB} MiB Blob per run, ${runsNote(runs)}:\n\n${table(["series", "MiB/s", "sending page's peak renderer RSS growth, MiB", "receiving page's peak renderer RSS growth, MiB", "arrived (size and FNV-1a checksum in OPFS equal)"], rows)}\n`;
}

function sizeSection(sizes: SizeRow[]): string {
  const rows = sizes.map((s) => [s.label, `${(s.minified / 1024).toFixed(1)} KiB`, `**${(s.gzip / 1024).toFixed(2)} KiB** (${s.gzip} B)`, s.note]);
  rows.push(["PeerJS", "-", "-", "not installed in this project, so not measured (ENVIRONMENT.md saw 31.5 KB min+gz elsewhere)"]);
  const core = sizes[0];
  const contributors = core?.largest.length
    ? `\nWhat each module of the core costs ([${METAFILE}](${METAFILE}), esbuild's metafile of this bundle, opens in esbuild's bundle analyzer). Minified: the module's bytes in the bundle; gzip share: what the min + gzip bundle loses without them (text that several modules repeat compresses away in each alone, so the shares add up to less than the whole):\n\n${table(
        ["module", "minified, B", "gzip share, B"],
        core.largest.map((c) => [c.file, String(c.bytes), c.gzip === undefined ? "-" : String(c.gzip)]),
      )}`
    : "";
  return `${table(["bundle", "minified", "min + gzip -9", "notes"], rows)}\n${contributors}`;
}

interface TargetRow {
  target: string;
  values: Partial<Record<RuntimeName, { text: string; met: boolean | undefined }>>;
}

// A median whose two decimals read the other way from the verdict (0.946 against 0.95 shows
// as 0.95, not met) is given to three, so the figure and its verdict agree.
function judged(s: Spread, ok: (value: number) => boolean): { text: string; met: boolean | undefined } {
  if (s.n === 0) return { text: ratio(s), met: undefined };
  const met = ok(s.median);
  const misread = ok(Number(s.median.toFixed(2))) !== met;
  return { text: ratio(s, misread ? 3 : 2), met };
}

function targets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [
    { target: "bulk, sendTo() 64 KiB messages >= 0.95 of raw", values: {} },
    { target: "bulk, one message chunk() + sendTo() + dechunk() >= 0.95 of raw", values: {} },
    { target: "bulk, sendTo() >= 1.8 x simple-peer (Node)", values: {} },
    { target: "bulk, chunk() + sendTo() + dechunk() >= 1.8 x simple-peer (Node)", values: {} },
    { target: "small messages, peer.send() loop >= 0.95 of raw's rate", values: {} },
    { target: "small messages, sendTo() >= 0.95 of raw's rate", values: {} },
    { target: "ping-pong median latency <= 1.1 x raw", values: {} },
    { target: "connect, to the first message delivered each way, <= 1.05 x raw", values: {} },
    { target: "memory: 256 MiB through chunk() + sendTo() (streamed source) grows RSS <= 1.1 x raw with a fresh buffer per send", values: {} },
    { target: "files: sendFile() between two processes grows each one's RSS <= 48 MiB", values: {} },
    { target: "files: sendFile() throughput >= 0.9 x the raw 64 KiB loop", values: {} },
    { target: `files: a consumer at 10 MiB/s keeps the source within one window (${DEFAULT_WINDOW / MiB} MiB) + one source chunk (64 KiB)`, values: {} },
    { target: "1 KiB messages, chunk({ batch: true }) + sendTo() + dechunk() >= 3 x raw's rate (Node), >= 1.3 x (Chromium)", values: {} },
    { target: "ping-pong with chunk({ batch: true }) + dechunk(), median latency <= 1.1 x raw", values: {} },
    { target: "files: a 256 MiB Blob from one page to OPFS in another grows each page's memory <= 64 MiB (Chromium)", values: {} },
  ];
  for (const r of results.runtimes) {
    const { bulk, small, pingpong, connect, memory, files, browserFiles } = r.runs;
    const set = (index: number, value: { text: string; met: boolean | undefined }): void => {
      const row = rows[index];
      if (row) row.values[r.runtime] = value;
    };
    if (bulk) {
      set(0, judged(ratioOf(bulk, "rxpeer-sendTo", "raw", "rate"), (v) => v >= 0.95));
      set(1, judged(ratioOf(bulk, "rxpeer-chunk", "raw", "rate"), (v) => v >= 0.95));
      if (r.runtime === "node") {
        set(2, judged(ratioOf(bulk, "rxpeer-sendTo", "simple-peer", "rate"), (v) => v >= 1.8));
        set(3, judged(ratioOf(bulk, "rxpeer-chunk", "simple-peer", "rate"), (v) => v >= 1.8));
      }
    }
    if (small) {
      set(4, judged(ratioOf(small, "rxpeer-send", "raw", "rate"), (v) => v >= 0.95));
      set(5, judged(ratioOf(small, "rxpeer-sendTo", "raw", "rate"), (v) => v >= 0.95));
      const batchTarget = r.runtime === "node" ? 3 : 1.3;
      set(12, judged(ratioOf(small, "rxpeer-batch", "raw", "rate"), (v) => v >= batchTarget));
    }
    if (pingpong) {
      set(6, judged(ratioOf(pingpong, "rxpeer", "raw", "median"), (v) => v <= 1.1));
      set(13, judged(ratioOf(pingpong, "rxpeer-batch", "raw", "median"), (v) => v <= 1.1));
    }
    if (connect) set(7, judged(ratioOf(connect, "rxpeer", "raw", "ms"), (v) => v <= 1.05));
    if (memory) {
      // Each series runs in a process of its own, so the ratio pairs the runs of one bench run.
      const growth = spread(metricOf(memory, "rxpeer-stream", "growth"));
      const ratio = ratioOf(memory, "rxpeer-stream", "raw-fresh", "growth");
      set(8, { text: `${range(growth, 1)} MiB, ${judged(ratio, () => true).text} x raw-fresh`, met: ratio.n === 0 ? undefined : ratio.median <= 1.1 });
    }
    if (files) {
      const growth = spread([...metricOf(files, "rxpeer-sendFile", "senderGrowth"), ...metricOf(files, "rxpeer-sendFile", "receiverGrowth")]);
      set(9, { text: `${range(growth, 1)} MiB`, met: growth.n === 0 ? undefined : growth.max <= 48 });
      set(10, judged(ratioOf(files, "rxpeer-sendFile", "raw", "rate"), (v) => v >= 0.9));
      const lead = spread(metricOf(files, "rxpeer-paced", "lead"));
      set(11, { text: `${range(lead, 2)} MiB`, met: lead.n === 0 ? undefined : lead.max <= PACED_LEAD_LIMIT_MIB });
    }
    if (browserFiles) {
      const sender = spread(metricOf(browserFiles, "rxpeer-opfs", "senderGrowth"));
      const receiver = spread(metricOf(browserFiles, "rxpeer-opfs", "receiverGrowth"));
      const { intact } = integrityOf(browserFiles, "rxpeer-opfs");
      const measuredBoth = sender.n > 0 && receiver.n > 0;
      set(14, {
        text: `sending ${range(sender, 1)} MiB, receiving ${range(receiver, 1)} MiB${intact ? "" : ", not every byte arrived"}`,
        met: measuredBoth ? intact && Math.max(sender.max, receiver.max) <= 64 : undefined,
      });
    }
  }
  return rows;
}

/** Seconds, median (min-max), of the runs' SIGKILL-to-close$ times. */
function seconds(s: Spread): string {
  const inSeconds = (ms: number): string => (ms / 1000).toFixed(1);
  if (s.n === 0) return "-";
  return s.n === 1 ? `${inSeconds(s.median)} s` : `${inSeconds(s.median)} s (${inSeconds(s.min)}-${inSeconds(s.max)})`;
}

/** Issue 14's liveness targets, judged over every run: each run must meet them. */
function livenessTargets(runs: LivenessRun[]): [string, { text: string; met: boolean | undefined } | undefined][] {
  const measured = runs.length > 0 ? runs : undefined;
  const reported = (run: LivenessRun): boolean => run.error === undefined && run.killErrors.join() === "ERR_CONNECTION_FAILURE";
  const close = spread(runs.map((run) => run.killToCloseMs ?? Number.NaN));
  const leftAlone = runs.filter((run) => run.error === undefined && !run.stallClosed && run.stallTalkedAfter).length;
  return [
    [
      "liveness: a remote process SIGKILLed is reported as ERR_CONNECTION_FAILURE, then close$, within 8 s (Node, default livenessTimeout)",
      measured && { text: `${seconds(close)}, ${runs.filter(reported).length} of ${runs.length} runs reported it`, met: runs.every(reported) && close.n === runs.length && close.max <= 8_000 },
    ],
    [
      `liveness: a remote process stopped for ${STALL_NOT_DEAD_MS / 1000} s is not declared dead, and the pair talks on (Node)`,
      measured && { text: `${leftAlone} of ${runs.length} runs`, met: leftAlone === runs.length },
    ],
  ];
}

function livenessSection(runs: LivenessRun[]): string {
  if (runs.length === 0) return "Not measured in this run.\n";
  const rows = runs.map((run, index) => [
    String(index + 1),
    run.killToCloseMs === undefined ? "-" : run.killToCloseMs.toFixed(0),
    run.killErrors.join(", ") || "none",
    run.error ? "-" : run.stallClosed ? "declared dead" : run.stallTalkedAfter ? "left alone, talked on" : "left alone, did not talk on",
    run.error ?? "",
  ]);
  return `${table(["run", "ms from SIGKILL to close$", "error$ before close$", `${STALL_NOT_DEAD_MS / 1000} s stall`, "failure"], rows)}\n`;
}

function targetsSection(results: BenchResults): string {
  const mark = (v: { text: string; met: boolean | undefined } | undefined): string =>
    v === undefined ? "n/a" : `${v.text} ${v.met === undefined ? "(not measured)" : v.met ? "**met**" : "**not met**"}`;
  const names = results.runtimes.map((r) => r.runtime);
  const rows = targets(results).map((t) => [t.target, ...names.map((name) => mark(t.values[name]))]);
  const core = results.sizes[0];
  if (core) rows.push(["size: core <= 5 KiB min+gz", `${(core.gzip / 1024).toFixed(2)} KiB ${core.gzip <= 5 * 1024 ? "**met**" : "**not met**"}`, ...names.slice(1).map(() => "(same bundle)")]);
  const onNodeOnly = (text: string): string[] => names.map((name) => (name === "node" ? text : "n/a"));
  for (const [target, value] of livenessTargets(results.liveness ?? [])) rows.push([target, ...onNodeOnly(mark(value))]);
  return table(["target", ...names.map((name) => RUNTIME_TITLE[name])], rows);
}

/** Bars for the chart: every non-baseline series of the throughput, latency and connect figures. */
function chartGroups(results: BenchResults): ChartGroup[] {
  const groups: ChartGroup[] = [];
  for (const r of results.runtimes) {
    for (const figure of ["bulk", "small", "pingpong", "connect"] as const) {
      const runs = r.runs[figure];
      if (!runs) continue;
      const { metric, higherIsBetter } = PRIMARY[figure];
      const rows: ChartRow[] = measured(runs, figure)
        .filter(({ id }) => id !== "raw")
        .map(({ id, label }) => {
          const s = ratioOf(runs, id, "raw", metric);
          const { intact, worstArrived } = integrityOf(runs, id);
          const speed = higherIsBetter ? s : { ...s, median: 1 / s.median, min: 1 / s.max, max: 1 / s.min };
          return {
            label,
            ...speed,
            rxpeer: id.startsWith("rxpeer"),
            ...(intact || figure === "pingpong" || figure === "connect" ? {} : { caveat: `${(worstArrived * 100).toFixed(0)}% arrived` }),
          };
        });
      const what = { bulk: "bulk throughput", small: "1 KiB messages/s", pingpong: "ping-pong latency (raw / series)", connect: "connect time (raw / series)" }[figure];
      groups.push({ title: `${RUNTIME_TITLE[r.runtime]}: ${what}`, rows });
    }
  }
  return groups;
}

/** The chart as an SVG document. */
export function renderBenchChart(results: BenchResults): string {
  return renderChart(`rxpeer against the others (${results.startedAt.slice(0, 10)}, profile ${results.profile})`, chartGroups(results));
}

/** The generated part of docs/benchmarks.md, followed by `notes` (the kept hand-written part). */
export function renderReport(results: BenchResults, notes: string): string {
  const { machine, versions } = results;
  const params = (r: RuntimeResults): string =>
    `${RUNTIME_TITLE[r.runtime]} ${r.version}: bulk ${r.params.bulkBytes / MiB} MiB in ${r.params.bulkMessageSize / 1024} KiB messages; ` +
    `${r.params.smallCount.toLocaleString("en-US")} messages of ${r.params.smallSize} B; ${r.params.pingRounds.toLocaleString("en-US")} round trips; ` +
    `${r.params.connectPairs} pairs per connect run${r.runtime === "node" ? `; ${r.params.memoryBytes / MiB} MiB for memory` : ""}.`;
  const section = (title: string, body: string[]): string => `## ${title}\n\n${body.filter(Boolean).join("\n")}`;
  const perRuntime = (render: (r: RuntimeResults) => string): string[] => results.runtimes.map(render);
  return [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` (bench/run.ts) on ${results.startedAt} (profile \`${results.profile}\`, ${results.minutes.toFixed(1)} minutes). ` +
      "Two peers in one process (Node) or one page (Chromium), over loopback. Every figure is the median of several runs with the " +
      "min-max range. The contenders alternate run by run (the order rotates), and within a run the series that send a stream of " +
      "messages (bulk and small messages, except @rtco/peer), the ping-pong series and the connect series take turns in blocks " +
      "(8 blocks of bulk, 20 of small messages, 20 of round trips; for connect, blocks of 5 pairs after one untimed pair, so no " +
      "pair is timed right after another library's), each on its own pair, so a change " +
      "in the machine's load falls on all of them alike. Each ratio is taken run by run against the series measured in the same " +
      "run, then the median of those ratios is given. Absolute figures drift on this shared machine; only the ratios are meant to be compared." +
      (results.merged ? ` Runtimes come from more than one run: ${results.merged}.` : ""),
    "",
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB, ${machine.os}; load average ${machine.loadBefore.map((l) => l.toFixed(1)).join(" ")} before, ${machine.loadAfter.map((l) => l.toFixed(1)).join(" ")} after${udpDroppedNote(machine.udpDropped)}.`,
    `- Versions: ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(", ")}.`,
    ...results.runtimes.map((r) => `- ${params(r)}`),
    "",
    "![rxpeer against raw RTCDataChannel, simple-peer and @rtco/peer](benchmarks.svg)",
    "",
    section("Targets", [
      "Median of the run-by-run ratios (min-max in brackets).\n",
      targetsSection(results),
      "",
    ]),
    "",
    section("1. Bulk: one way, with backpressure", [
      "Time from the first send to the last byte out of the receiving peer's API. @rtco/peer has no backpressure: its loop sends everything at once and the table shows what arrived (the rate is of what arrived).\n",
      ...perRuntime((r) => transferSection(r, "bulk")),
    ]),
    section("2. Small messages", [
      "1 KiB messages one way, messages per second from first send to last arrival; then ping-pong round trips one at a time.\n",
      ...perRuntime((r) => transferSection(r, "small")),
      ...perRuntime(pingPongSection),
    ]),
    section("3. Connect", ["From constructing the first peer until each side has received the other's first message, each sent the moment its side connected (rxpeer: `connect$`; raw: the channel's `open`; simple-peer and @rtco/peer: `connect`). Its parts, in ms from the same start: both sides connected, and each first message delivered.\n", ...perRuntime(connectSection)]),
    section("4. Memory (Node)", [
      "Peak resident memory above the level just before sending (sampled every 5 ms, and the kernel's peak RSS when it rose during the run); the receiver only counts bytes, so the figure is the sending side's. Each run in a fresh process.\n",
      ...perRuntime(memorySection),
    ]),
    section("5. Files (Node; Chromium to OPFS)", [
      "A file between two Node processes, from a Node Readable of fresh 64 KiB buffers of random bytes to a Node Writable that hashes it; SHA-256 compared at both ends. Peak resident memory above the level once connected, per process (sampled every 10 ms, and the kernel's peak RSS when it rose). The raw loop has no flow control past the channel: its receiver writes what arrives. The paced series runs both peers in one process, so its memory column is that process's.\n",
      ...perRuntime(filesSection),
      "Chromium: two pages of the web demo (examples/web, two-tab mode), each in a headless Chromium of its own so each page's memory is its own browser's renderers; the first sends a Blob of random bytes (made before measuring) with `sendFile`, the second receives it with `receiveFiles` into the Origin Private File System. Peak resident memory of each browser's renderer processes above the level just before the transfer (/proc, every 50 ms); the Blob's bytes live in the blob store and the received file on disk. After the transfer each page checksums its side as a stream. bench/browser-files.ts.\n",
      ...perRuntime(browserFilesSection),
    ]),
    section("6. Size", ["esbuild, browser platform, minified ES module, rxjs external, gzip -9.\n", sizeSection(results.sizes)]),
    section("7. Liveness (Node)", [
      "A local peer and a remote one in a child process (@roamhq/wrtc), connected and a message exchanged each way; then the remote process is SIGKILLed (no SCTP ABORT, no close ever sent), and the time to the survivor's `close$` is taken; then, with a fresh remote, its process is stopped (SIGSTOP) for 3 s and resumed, and a message must go each way. The same scenarios as the fault tests (test/support/remote-faults.ts), measured here. bench/liveness.ts.\n",
      livenessSection(results.liveness ?? []),
    ]),
    NOTES_MARKER,
    notes,
  ].join("\n");
}

// What the kernel dropped during the run, where it said: the loss behind most of Node's spread.
function udpDroppedNote(dropped: number | undefined): string {
  if (dropped === undefined) return "";
  return `; ${dropped.toLocaleString("en-US")} UDP datagrams dropped by the kernel on a full socket receive buffer during the run (loopback, every contender alike; each costs SCTP a retransmission, now and then a 400 ms timeout)`;
}
