/**
 * What one run of one figure measures, the same on Node and in Chromium: the series of
 * each figure (a contender, or a way of using rxpeer), their parameters, and the runner
 * that measures the series of a task one after the other, each on a fresh pair.
 */
import type { RxpeerPair } from "./contenders/rxpeer.js";
import { connectWithin, nextTask, type Contender, type ContenderName, type Pair } from "./transport.js";
import type { MemoryMode, MemoryResult } from "./memory.js";
import type { FilesMode, FilesResult } from "./files.js";
import {
  OneWayTransfer,
  PingPong,
  interleaved,
  interleavedConnect,
  interleavedPingPong,
  makeMessages,
  oneMessageChunked,
  oneWay,
  type TransferResult,
} from "./workloads.js";

export type Figure = "bulk" | "small" | "pingpong" | "connect" | "memory" | "files" | "browserFiles";

export interface Params {
  /** Bulk: bytes sent one way, and the size of each message of the message-by-message series. */
  bulkBytes: number;
  bulkMessageSize: number;
  smallCount: number;
  smallSize: number;
  pingRounds: number;
  pingSize: number;
  connectPairs: number;
  memoryBytes: number;
  /** Files: bytes of the file sent between two processes (the paced series sends at most 64 MiB). */
  filesBytes: number;
  /** Files in Chromium: bytes of the Blob sent from one page to OPFS in another (bench/browser-files.ts). */
  browserFilesBytes: number;
}

export interface SeriesDef {
  id: string;
  contender: ContenderName;
  label: string;
}

/** The series of each figure, in the order the report lists them; the first is the baseline. */
export const SERIES: Record<Figure, SeriesDef[]> = {
  bulk: [
    { id: "raw", contender: "raw", label: "raw RTCDataChannel, 64 KiB messages" },
    { id: "rxpeer-sendTo", contender: "rxpeer", label: "rxpeer sendTo(), 64 KiB messages" },
    { id: "rxpeer-chunk", contender: "rxpeer", label: "rxpeer one message: chunk() + sendTo() + dechunk()" },
    { id: "rxpeer-chunk64", contender: "rxpeer", label: "the same with chunk({ chunkSize: 64 KiB })" },
    { id: "simple-peer", contender: "simple-peer", label: "simple-peer write(), 64 KiB" },
    { id: "rtco", contender: "rtco", label: "@rtco/peer send() loop, 64 KiB (no backpressure)" },
  ],
  small: [
    { id: "raw", contender: "raw", label: "raw RTCDataChannel" },
    { id: "rxpeer-send", contender: "rxpeer-send", label: "rxpeer peer.send() loop" },
    { id: "rxpeer-sendTo", contender: "rxpeer", label: "rxpeer sendTo()" },
    { id: "rxpeer-batch", contender: "rxpeer-batch", label: "rxpeer chunk({ batch: true }) + sendTo() + dechunk()" },
    { id: "simple-peer", contender: "simple-peer", label: "simple-peer write()" },
    { id: "rtco", contender: "rtco", label: "@rtco/peer send() loop (no backpressure)" },
  ],
  pingpong: [
    { id: "raw", contender: "raw", label: "raw RTCDataChannel" },
    { id: "rxpeer", contender: "rxpeer", label: "rxpeer" },
    { id: "rxpeer-batch", contender: "rxpeer-batch", label: "rxpeer chunk({ batch: true }) + dechunk()" },
    { id: "simple-peer", contender: "simple-peer", label: "simple-peer" },
    { id: "rtco", contender: "rtco", label: "@rtco/peer" },
  ],
  connect: [
    { id: "raw", contender: "raw", label: "raw RTCPeerConnection pair" },
    { id: "rxpeer", contender: "rxpeer", label: "rxpeer" },
    { id: "simple-peer", contender: "simple-peer", label: "simple-peer" },
    { id: "rtco", contender: "rtco", label: "@rtco/peer" },
  ],
  memory: [
    { id: "raw-stream", contender: "raw", label: "raw channel.send() of 64 KiB, one reused buffer (the floor)" },
    { id: "raw-fresh", contender: "raw", label: "raw channel.send() of 64 KiB, a fresh buffer per send" },
    { id: "rxpeer-stream", contender: "rxpeer", label: "rxpeer chunk() + sendTo(), source read 1 MiB at a time on demand" },
    { id: "rxpeer-message", contender: "rxpeer", label: "rxpeer chunk() + sendTo(), one 256 MiB message" },
  ],
  files: [
    { id: "raw", contender: "raw", label: "raw channel.send() loop of 64 KiB, receiver writes as it arrives (no flow control)" },
    { id: "rxpeer-sendFile", contender: "rxpeer", label: "rxpeer sendFile() -> receiveFiles() -> Writable" },
    { id: "rxpeer-paced", contender: "rxpeer", label: "rxpeer sendFile(), consumer reading at 10 MiB/s (one process)" },
  ],
  browserFiles: [{ id: "rxpeer-opfs", contender: "rxpeer", label: "rxpeer sendFile() of a Blob -> receiveFiles() -> OPFS, each page in its own Chromium" }],
};

export interface Task {
  figure: Figure;
  /** Series ids in the order to measure them (rotated from run to run). */
  series: string[];
  params: Params;
}

/** One measurement of one series: its figures by name, and whether the data arrived intact. */
export interface Sample {
  series: string;
  metrics: Record<string, number>;
  intact: boolean;
  error?: string;
}

/** Whatever a runtime offers: its contenders, and (Node) the memory and files figures. */
export interface Runtime {
  /** The contenders this runtime runs (node-datachannel and Firefox: raw and rxpeer only). */
  contenders: Partial<Record<ContenderName, Contender>>;
  memory?: (mode: MemoryMode, bytes: number) => Promise<MemoryResult>;
  files?: (mode: FilesMode, bytes: number) => Promise<FilesResult>;
}

const CONNECT_TIMEOUT_MS = 20_000;

/** Prefix of the line on which a Node worker prints its samples, so library logs on stdout are never mistaken for it. */
export const RESULT_PREFIX = "BENCH-RESULT ";

/**
 * Measures every series of `task`. Connect: pair after pair, the contenders taking turns in blocks.
 * Streams of messages and ping-pong: each series on its own pair, taking turns block by
 * block. The rest (one chunked message, @rtco/peer's loop) one after the other, each on a
 * fresh pair. A failing series yields a sample with `error` and the others go on.
 */
export async function runTask(task: Task, runtime: Runtime): Promise<Sample[]> {
  const { params } = task;
  const samples: Sample[] = [];
  const data = prepare(task);
  const contenderOf = (id: string): Contender => {
    const def = SERIES[task.figure].find((series) => series.id === id);
    if (!def) throw new Error(`no series ${id} in figure ${task.figure}`);
    const contender = runtime.contenders[def.contender];
    if (!contender) throw new Error(`${def.contender} does not run on this runtime`);
    return contender;
  };
  const failed = (id: string, err: unknown): Sample => ({ series: id, metrics: {}, intact: false, error: err instanceof Error ? err.message : String(err) });
  if (task.figure === "connect") {
    try {
      const results = await interleavedConnect(task.series.map(contenderOf), params.connectPairs, CONNECT_TIMEOUT_MS);
      return task.series.map((id, index) => {
        const result = results[index];
        if (!result) return failed(id, "no result");
        return result.error === undefined ? { series: id, metrics: { ms: result.medianMs, remade: result.remade, ...prefixed("ms_", result.detail) }, intact: true } : failed(id, result.error);
      });
    } catch (err) {
      return task.series.map((id) => failed(id, err));
    }
  }
  const together = task.figure === "bulk" || task.figure === "small" ? task.series.filter(interleavable) : task.figure === "pingpong" ? task.series : [];
  if (together.length) samples.push(...(await measureInterleaved(task, together, contenderOf, data, failed)));
  for (const id of task.series.filter((id) => !together.includes(id))) {
    try {
      samples.push({ series: id, ...(await measure(task.figure, id, contenderOf(id), params, data, runtime)) });
    } catch (err) {
      samples.push(failed(id, err));
    }
    await nextTask(20);
  }
  return samples;
}

/**
 * Series that send a stream of messages with backpressure take turns block by block
 * (INTERLEAVE_BLOCKS per run), on pairs connected beforehand. Not those that send one
 * message (chunk) or have no backpressure (@rtco/peer: its loss depends on sending all at once).
 */
function interleavable(id: string): boolean {
  return id !== "rtco" && !id.startsWith("rxpeer-chunk");
}

/**
 * Blocks per run for the interleaved series: 8 MiB of bulk, 5,000 small messages, 500 round
 * trips at the sizes (a fraction of a second each): the load on this shared machine
 * changes within seconds, and 5 blocks per run still left run-by-run ratios 0.8-1.3 apart.
 */
const INTERLEAVE_BLOCKS: Partial<Record<Figure, number>> = { bulk: 8, small: 20, pingpong: 20 };

/** The series `ids` of `task`, each on its own pair connected first, taking turns block by block. */
async function measureInterleaved(
  task: Task,
  ids: string[],
  contenderOf: (id: string) => Contender,
  data: Prepared,
  failed: (id: string, err: unknown) => Sample,
): Promise<Sample[]> {
  const { figure, params } = task;
  const blocks = INTERLEAVE_BLOCKS[figure] ?? 1;
  const samples: Sample[] = [];
  const live: { id: string; pair: Pair; contender: Contender }[] = [];
  try {
    for (const id of ids) {
      try {
        const contender = contenderOf(id);
        live.push({ id, contender, pair: await connectWithin(contender, CONNECT_TIMEOUT_MS) });
      } catch (err) {
        samples.push(failed(id, err));
      }
    }
    // Transfers start after the connections settle, so no contender pays for its warm-up.
    await nextTask(20);
    if (figure === "pingpong") {
      const results = await interleavedPingPong(live.map(({ pair }) => new PingPong(pair, params.pingSize)), params.pingRounds, blocks);
      live.forEach(({ id }, index) => {
        const result = results[index];
        if (result) samples.push({ series: id, metrics: { median: result.medianMs, p99: result.p99Ms }, intact: result.intact });
      });
    } else {
      const messages = required(data.messages);
      const transfers = live.map(({ contender, pair }) => new OneWayTransfer(contender, pair, messages[0]?.byteLength ?? 0));
      const results = await interleaved(transfers, messages, blocks);
      live.forEach(({ id }, index) => {
        const result = results[index];
        if (result) samples.push({ series: id, metrics: transferMetrics(figure, result), intact: result.intact });
      });
    }
  } catch (err) {
    for (const { id } of live) samples.push(failed(id, err));
  } finally {
    for (const { pair } of live) pair.close();
  }
  return samples;
}

function transferMetrics(figure: Figure, result: TransferResult): Record<string, number> {
  return {
    rate: figure === "bulk" ? result.mibPerSecond : result.messagesPerSecond,
    ms: result.ms,
    arrived: result.arrived,
    failedSends: result.failedSends,
  };
}

interface Prepared {
  messages?: ArrayBuffer[];
  payload?: Uint8Array<ArrayBuffer>;
}

/** The messages of a task, made once before anything is timed and shared by its series. */
function prepare(task: Task): Prepared {
  const { params } = task;
  if (task.figure === "bulk") {
    return {
      messages: makeMessages(params.bulkBytes / params.bulkMessageSize, params.bulkMessageSize),
      payload: task.series.some((id) => id.startsWith("rxpeer-chunk")) ? patterned(params.bulkBytes) : undefined,
    };
  }
  if (task.figure === "small") return { messages: makeMessages(params.smallCount, params.smallSize) };
  return {};
}

async function measure(figure: Figure, id: string, contender: Contender, params: Params, data: Prepared, runtime: Runtime): Promise<Omit<Sample, "series">> {
  if (figure === "memory") {
    if (!runtime.memory) throw new Error("memory is measured on Node only");
    const result = await runtime.memory(id as MemoryMode, params.memoryBytes);
    return { metrics: { growth: result.growthMiB, rate: result.mibPerSecond }, intact: result.intact };
  }
  if (figure === "files") {
    if (!runtime.files) throw new Error("files are measured on Node only");
    const result = await runtime.files(id as FilesMode, params.filesBytes);
    const metrics: Record<string, number> = { senderGrowth: result.senderGrowthMiB, receiverGrowth: result.receiverGrowthMiB, rate: result.mibPerSecond };
    if (result.leadMiB !== undefined) metrics.lead = result.leadMiB;
    return { metrics, intact: result.intact };
  }
  const pair = await connectWithin(contender, CONNECT_TIMEOUT_MS);
  try {
    // Transfers start after the connection settles, so no contender pays for its warm-up.
    await nextTask(20);
    const result = id.startsWith("rxpeer-chunk")
      ? await oneMessageChunked(pair as RxpeerPair, required(data.payload), id === "rxpeer-chunk64" ? 64 * 1024 : undefined)
      : await oneWay(contender, pair, required(data.messages));
    return { metrics: transferMetrics(figure, result), intact: result.intact };
  } finally {
    pair.close();
  }
}

/** Bytes that differ from place to place, so a misplaced frame shows. */
function patterned(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 16)) & 0xff;
  return bytes;
}

function prefixed(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [prefix + name, value]));
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("task data was not prepared");
  return value;
}
