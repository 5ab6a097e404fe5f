/**
 * The measurements, each the same code for every contender (through transport.ts), plus
 * the rxpeer-only one (chunk + sendTo + dechunk); memory is in memory.ts (Node only). Each returns plain numbers;
 * what arrived is checked after the clock stops, so checking costs no throughput.
 */
import { firstValueFrom, lastValueFrom, of } from "rxjs";
import { chunk, dechunk, sendTo } from "../operators/index.js";
import type { RxpeerPair } from "./contenders/rxpeer.js";
import { RETRY_AFTER_MS, connectWithin, nextTask, type Contender, type Pair, type Received } from "./transport.js";

const MiB = 1024 * 1024;
/** A sender without backpressure is done once nothing arrived for this long after its last send. */
const IDLE_MS = 1000;
/** A transfer that takes longer than this has hung: fail the measurement rather than the bench. */
const HARD_TIMEOUT_MS = 180_000;

export interface TransferResult {
  ms: number;
  /** MiB/s of what arrived, over the time from the first send to the last arrival. */
  mibPerSecond: number;
  /** Messages per second that arrived, over the same time. */
  messagesPerSecond: number;
  /** Fraction of the bytes sent that arrived. */
  arrived: number;
  failedSends: number;
  /** Every message arrived, whole and in order. */
  intact: boolean;
}

/** `count` distinct messages of `size` bytes, each filled and stamped with its index (little-endian, first 4 bytes). */
export function makeMessages(count: number, size: number): ArrayBuffer[] {
  return Array.from({ length: count }, (_, index) => {
    const buffer = new ArrayBuffer(size);
    new Uint8Array(buffer).fill(index & 0xff);
    new DataView(buffer).setUint32(0, index, true);
    return buffer;
  });
}

/** Counts what arrives and checks each message's length and index as it comes. */
class Arrivals {
  messages = 0;
  bytes = 0;
  outOfOrder = 0;
  lastAt = 0;
  private waiting: { bytes: number; resolve: () => void } | undefined;

  constructor(private readonly size: number) {}

  take(data: Received): void {
    this.lastAt = performance.now();
    if (typeof data === "string") {
      this.outOfOrder++;
      return;
    }
    const view = ArrayBuffer.isView(data) ? new DataView(data.buffer, data.byteOffset, data.byteLength) : new DataView(data);
    if (view.byteLength !== this.size || view.getUint32(0, true) !== this.messages) this.outOfOrder++;
    this.messages++;
    this.bytes += view.byteLength;
    if (this.waiting && this.bytes >= this.waiting.bytes) {
      this.waiting.resolve();
      this.waiting = undefined;
    }
  }

  /** Resolves once `bytes` bytes have arrived in all. */
  reach(bytes: number): Promise<void> {
    if (this.bytes >= bytes) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { bytes, resolve }));
  }
}

/**
 * One contender sending one way, from `pair.a` to `pair.b`, possibly in several blocks:
 * each block is timed from its first send to its last arrival, and the times add up.
 * Messages are all of one size, each stamped with its index (see {@link makeMessages}).
 */
export class OneWayTransfer {
  private readonly arrivals: Arrivals;
  private expected = 0;
  private elapsed = 0;
  private failedSends = 0;

  constructor(
    private readonly contender: Contender,
    private readonly pair: Pair,
    size: number,
  ) {
    const arrivals = new Arrivals(size);
    this.arrivals = arrivals;
    pair.b.onMessage((data) => arrivals.take(data));
  }

  /** Sends one block with the contender's backpressure and waits until it arrived (or, without backpressure, until arrivals stop). */
  async send(messages: ArrayBuffer[]): Promise<void> {
    const { arrivals } = this;
    for (const message of messages) this.expected += message.byteLength;
    const start = performance.now();
    const report = await this.pair.a.sendAll(messages);
    this.failedSends += report.failedSends;
    await settle(arrivals.reach(this.expected), arrivals, this.contender.backpressure);
    this.elapsed += (arrivals.lastAt > start ? arrivals.lastAt : performance.now()) - start;
  }

  result(): TransferResult {
    const { arrivals, elapsed: ms, expected } = this;
    return {
      ms,
      mibPerSecond: arrivals.bytes / MiB / (ms / 1000),
      messagesPerSecond: arrivals.messages / (ms / 1000),
      arrived: arrivals.bytes / expected,
      failedSends: this.failedSends,
      intact: arrivals.bytes === expected && arrivals.outOfOrder === 0,
    };
  }
}

/** Sends `messages` from `pair.a` to `pair.b` in one go and times it from the first send to the last arrival. */
export async function oneWay(contender: Contender, pair: Pair, messages: ArrayBuffer[]): Promise<TransferResult> {
  const transfer = new OneWayTransfer(contender, pair, messages[0]?.byteLength ?? 0);
  await transfer.send(messages);
  return transfer.result();
}

/**
 * Sends `messages` through each transfer in `blocks` blocks, taking turns block by block
 * (the order rotating), so a change in the machine's load falls on every contender alike.
 */
export async function interleaved(transfers: OneWayTransfer[], messages: ArrayBuffer[], blocks: number): Promise<TransferResult[]> {
  const perBlock = Math.ceil(messages.length / blocks);
  for (let block = 0; block * perBlock < messages.length; block++) {
    const slice = messages.slice(block * perBlock, (block + 1) * perBlock);
    for (let turn = 0; turn < transfers.length; turn++) {
      const transfer = transfers[(block + turn) % transfers.length];
      if (transfer) await transfer.send(slice);
    }
  }
  return transfers.map((transfer) => transfer.result());
}

/** Waits for everything to arrive; a sender without backpressure may lose some, so it also stops once arrivals go idle. */
async function settle(allArrived: Promise<void>, arrivals: Arrivals, backpressure: boolean): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = performance.now() + HARD_TIMEOUT_MS;
  const sendEnd = performance.now();
  const idle = new Promise<void>((resolve) => {
    const check = (): void => {
      const now = performance.now();
      const quietSince = Math.max(arrivals.lastAt, sendEnd);
      if (now > deadline || (!backpressure && now - quietSince > IDLE_MS)) resolve();
      else timer = setTimeout(check, 100);
    };
    check();
  });
  await Promise.race([allArrived, idle]);
  clearTimeout(timer);
}

/**
 * rxpeer only: one message of `payload.byteLength` bytes through `chunk()` (its default
 * frame size unless `chunkSize` is given) + `sendTo()` on one side and `dechunk()` on the
 * other, timed until the whole message is out of `dechunk`.
 */
export async function oneMessageChunked(pair: RxpeerPair, payload: Uint8Array<ArrayBuffer>, chunkSize?: number): Promise<TransferResult> {
  const received = firstValueFrom(pair.peerB.data$.pipe(dechunk()));
  const start = performance.now();
  await lastValueFrom(of(payload.buffer).pipe(chunk(chunkSize === undefined ? {} : { chunkSize }), sendTo(pair.peerA)));
  const message = await withTimeout(received, HARD_TIMEOUT_MS);
  const ms = performance.now() - start;
  const intact = message instanceof ArrayBuffer && sameBytes(new Uint8Array(message), payload);
  const mib = payload.byteLength / MiB;
  return { ms, mibPerSecond: mib / (ms / 1000), messagesPerSecond: 1 / (ms / 1000), arrived: intact ? 1 : 0, failedSends: 0, intact };
}

export interface PingPongResult {
  medianMs: number;
  p99Ms: number;
  intact: boolean;
}

/**
 * Round trips of a `size`-byte message over one pair, one at a time, possibly in several
 * blocks: `b` answers each message from `a` with one of its own, and `a` times each trip.
 */
export class PingPong {
  private readonly times: number[] = [];
  private readonly ping: ArrayBuffer;
  private intact = true;
  private onPong: (() => void) | undefined;

  constructor(
    private readonly pair: Pair,
    private readonly size: number,
  ) {
    const [ping, pong] = makeMessages(2, size) as [ArrayBuffer, ArrayBuffer];
    this.ping = ping;
    pair.b.onMessage(() => pair.b.send(pong));
    pair.a.onMessage((data) => {
      if (typeof data === "string" || data.byteLength !== this.size) this.intact = false;
      this.onPong?.();
    });
  }

  /** `rounds` round trips, timed unless `warmup`. */
  async run(rounds: number, warmup = false): Promise<void> {
    let left = rounds;
    let sentAt = 0;
    const done = new Promise<void>((resolve) => {
      this.onPong = () => {
        const now = performance.now();
        if (!warmup) this.times.push(now - sentAt);
        if (--left === 0) return resolve();
        sentAt = performance.now();
        this.pair.a.send(this.ping);
      };
    });
    sentAt = performance.now();
    this.pair.a.send(this.ping);
    await withTimeout(done, HARD_TIMEOUT_MS);
    this.onPong = undefined;
  }

  result(): PingPongResult {
    const sorted = [...this.times].sort((x, y) => x - y);
    return { medianMs: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), intact: this.intact };
  }
}

/** `rounds` round trips on each pair in `blocks` blocks, taking turns (after 100 untimed ones each). */
export async function interleavedPingPong(games: PingPong[], rounds: number, blocks: number): Promise<PingPongResult[]> {
  for (const game of games) await game.run(100, true);
  const perBlock = Math.ceil(rounds / blocks);
  for (let block = 0, done = 0; done < rounds; block++, done += perBlock) {
    for (let turn = 0; turn < games.length; turn++) await games[(block + turn) % games.length]?.run(Math.min(perBlock, rounds - done));
  }
  return games.map((game) => game.result());
}

export interface ConnectResult {
  /** Median over the pairs, ms from construction to both sides connected. */
  medianMs: number;
  /** Median of each extra timing the contender reports (rxpeer: its channel's own open). */
  detail: Record<string, number>;
  /**
   * How many of its pairs, timed or not, were made again after {@link RETRY_AFTER_MS} without
   * a greeting (see `retryingStuck`): each is timed from its first attempt's start, so one that
   * took that long was remade, and one that was not took less.
   */
  remade: number;
  /** Why the contender's pairs stopped: a pair failed or hung, and its later blocks were skipped. */
  error?: string;
}

/** How long a connect waits after a forced collection before it is timed (see {@link interleavedConnect}). */
const SETTLE_AFTER_GC_MS = 10;

/** How many pairs of one contender are timed in a row (see {@link interleavedConnect}). */
const CONNECT_BLOCK = 5;

/**
 * Connects and closes `pairs` pairs of each contender, one pair at a time, the contenders
 * taking turns block by block (the order rotating); the median of each contender's pairs.
 * Each block starts with one untimed pair: a pair timed right after another library's pays
 * for what that library left behind (its teardown, its garbage), which no user of one
 * library pays, and how much depended on the place in the rotation (docs/benchmarks.md).
 */
export async function interleavedConnect(contenders: Contender[], pairs: number, pairTimeoutMs: number): Promise<ConnectResult[]> {
  const times = contenders.map((): number[] => []);
  const details = contenders.map((): Record<string, number[]> => ({}));
  const errors = contenders.map((): string | undefined => undefined);
  const remade = contenders.map(() => 0);
  const connect = async (index: number, contender: Contender, which: string): Promise<Pick<Pair, "connectMs" | "connectDetail">> => {
    const pair = await connectOnce(contender, pairTimeoutMs, which);
    if (pair.connectMs >= RETRY_AFTER_MS) remade[index] = (remade[index] ?? 0) + 1;
    return pair;
  };
  for (let block = 0, done = 0; done < pairs; block++, done += CONNECT_BLOCK) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (block + turn) % contenders.length;
      const contender = contenders[index];
      if (!contender || errors[index] !== undefined) continue;
      // A contender whose pair fails or hangs loses its own figure for the run, not the others'.
      try {
        await connect(index, contender, `block ${block + 1}'s untimed pair`);
        for (let timed = 0; timed < Math.min(CONNECT_BLOCK, pairs - done); timed++) {
          const { connectMs, connectDetail } = await connect(index, contender, `pair ${done + timed + 1} of ${pairs}`);
          times[index]?.push(connectMs);
          const detail = details[index] ?? {};
          for (const [name, value] of Object.entries(connectDetail)) (detail[name] ??= []).push(value);
        }
      } catch (err) {
        errors[index] = err instanceof Error ? err.message : String(err);
      }
    }
  }
  return contenders.map((_, index) => ({
    medianMs: median(times[index] ?? []),
    detail: Object.fromEntries(Object.entries(details[index] ?? {}).map(([name, values]) => [name, median(values)])),
    remade: remade[index] ?? 0,
    ...(errors[index] === undefined ? {} : { error: errors[index] }),
  }));
}

/**
 * One pair of `contender` connected, closed, and its teardown let run: how long it took to
 * connect. A pair that does not connect in `timeoutMs` throws with its contender's name and
 * place, so a hang is told apart from a slow run.
 */
async function connectOnce(contender: Contender, timeoutMs: number, which: string): Promise<Pick<Pair, "connectMs" | "connectDetail">> {
  // A pair given up on is closed, not left connecting in the page while later pairs are timed.
  const pair = await connectWithin(contender, timeoutMs).catch((err: unknown) => {
    throw new Error(`${contender.name}, ${which}: ${err instanceof Error ? err.message : String(err)}`);
  });
  pair.close();
  await nextTask(5); // let the closed pair's teardown run before the next one is timed
  // Chromium refuses a new RTCPeerConnection while 500 closed ones wait for the collector.
  (globalThis as { gc?: () => void }).gc?.();
  // What the collector released is torn down after it (native connections finalized on
  // later turns, in threads the next pair needs): a pair started right after gc() took
  // 2-4 times as long here, every contender, by how much garbage the pair before left.
  await nextTask(SETTLE_AFTER_GC_MS);
  return pair;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
