// The pair soak, runtime-agnostic (Node, Karma's Chromium, or a page driven by playwright):
// pairs created, connected, used and destroyed one after another. After each: nothing left
// open or subscribed (test/support/leaks.ts). With a `gc` function: every destroyed peer
// and its connection become unreachable (WeakRef after GC), and the heap does not grow
// with the count.
import { expect } from "chai";
import { filter, firstValueFrom, from, toArray } from "rxjs";
import { Peer, linkPeers, type PeerOptions } from "../../src/index.js";
import { chunk, dechunk, sendTo } from "../../operators/index.js";
import { sameBytes } from "./bytes.js";
import { allComplete, expectNothingLeft } from "./leaks.js";

export interface PairSoakOptions {
  pairs: number;
  /** Options every peer gets (e.g. `{ wrtc }` on Node). */
  peerOptions?: Partial<PeerOptions>;
  /** A full garbage collection; without it, reachability and heap are not measured. */
  gc?: () => void | Promise<void>;
  /** Live JS heap in bytes, after a gc (Node: heapUsed; Chromium: asked over CDP). */
  heapUsed?: () => number | Promise<number>;
  /** Heap samples to take, evenly spread over the run (default 10). */
  samples?: number;
  /** Called at the end with what was still reachable (held weakly), for the caller to look into (e.g. its retainers). */
  left?: (targets: ReachableTarget[]) => void;
}

/** A destroyed peer, connection or channel that the soak watches, held weakly. */
export interface ReachableTarget {
  ref: WeakRef<object>;
  /** "pair index: kind", as in {@link PairSoakFigures.reachable}. */
  label: string;
}

export interface PairSoakFigures {
  pairs: number;
  totalMs: number;
  /** Median ms from creating a pair to both being connected. */
  medianConnectMs: number;
  /** Of the peers, connections and channels created, how many were still reachable after the last GC. */
  stillReachable: number;
  tracked: number;
  /** What was still reachable: "pair index: kind". */
  reachable: string[];
  /** What holds each of `reachable`, a few shortest retainer paths each ("label: path"), where the runtime can tell (Chromium, over CDP). */
  retainers?: string[];
  /** Of `reachable`, what Chromium itself keeps (see `keptByChromium` in chromium-pair-soak.ts): not rxpeer's to let go of. */
  keptByChromium?: string[];
  /** How many were still reachable after each round of waiting and collecting. */
  reachableByRound: number[];
  /** Heap after GC at each sample point, bytes (empty without gc and heapUsed). */
  heap: number[];
  /** Least-squares slope of the second half of the heap samples, bytes per pair. */
  heapSlopePerPair: number;
}

/** How long the soak waits, in rounds of collecting, for destroyed pairs to become unreachable. */
const REACHABLE_DEADLINE_MS = 30_000;

function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** One pair's life: connect, talk both ways, send a chunked message, destroy one side, see both close. */
async function onePair(index: number, peerOptions: Partial<PeerOptions>, track: (target: object, label: string) => void): Promise<number> {
  const start = performance.now();
  const a = new Peer({ debug: 0, ...peerOptions, initiator: true });
  const b = new Peer({ debug: 0, ...peerOptions });
  const link = linkPeers(a, b);
  const closed = Promise.all([allComplete(a), allComplete(b)]);
  await Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]);
  const connectMs = performance.now() - start;
  const channels = [a.channel, b.channel];

  const atB = firstValueFrom(b.data$);
  const atA = firstValueFrom(a.data$);
  a.send(`hello ${index}`);
  b.send(`hi ${index}`);
  expect(await atB).to.equal(`hello ${index}`);
  expect(await atA).to.equal(`hi ${index}`);
  const payload = new Uint8Array(50_000).fill(index % 256);
  const reassembled = firstValueFrom(b.data$.pipe(dechunk()));
  await firstValueFrom(from([payload]).pipe(chunk(), sendTo(a), toArray()));
  expect(sameBytes(new Uint8Array((await reassembled) as ArrayBuffer), payload)).to.equal(true);

  const labels = ["initiator", "answerer", "initiator's connection", "answerer's connection", "initiator's channel", "answerer's channel"];
  for (const [i, target] of [a, b, a.connection, b.connection, ...channels].entries()) if (target) track(target, `${index}: ${labels[i] ?? ""}`);
  // Alternate which side ends it: the other must see the close by itself.
  (index % 2 === 0 ? a : b).destroy();
  await closed;
  link.unsubscribe();
  expectNothingLeft(a, channels[0]);
  expectNothingLeft(b, channels[1]);
  return connectMs;
}

/** Runs the soak and checks every pair; returns the figures for the caller to bound and report. */
export async function soakPairs(options: PairSoakOptions): Promise<PairSoakFigures> {
  const { pairs, peerOptions = {}, gc, heapUsed, samples = 10, left } = options;
  const refs: ReachableTarget[] = [];
  const connectTimes: number[] = [];
  const heapPoints: [number, number][] = [];
  const every = Math.max(1, Math.floor(pairs / samples));
  const start = performance.now();
  for (let i = 0; i < pairs; i++) {
    connectTimes.push(await onePair(i, peerOptions, (target, label) => refs.push({ ref: new WeakRef(target), label })));
    if (gc && heapUsed && (i + 1) % every === 0) {
      await gc();
      heapPoints.push([i + 1, await heapUsed()]);
    }
  }
  const totalMs = performance.now() - start;
  let alive = refs;
  const reachableByRound: number[] = [];
  if (gc) {
    // deref() keeps its target alive until the current job ends, and a runtime lets go of a
    // closed connection only once its own teardown is through (@roamhq/wrtc some tens of ms
    // after close; Chromium's, on a loaded machine, has been seen to take longer than 12 s in
    // all): so wait (a new task), collect, then look, waiting longer each round, for up to
    // REACHABLE_DEADLINE_MS. A real leak stays reachable however long the wait; the count left
    // after each round tells a slow teardown (falling) from a leak (flat). Chromium has a flat
    // one of its own, rare (docs/runtimes.md): the caller's retainer paths tell it apart.
    const deadline = performance.now() + REACHABLE_DEADLINE_MS;
    for (let wait = 50; alive.length > 0 && performance.now() < deadline; wait = Math.min(wait * 2, 2_000)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      await gc();
      alive = refs.filter(({ ref }) => ref.deref() !== undefined);
      reachableByRound.push(alive.length);
    }
  }
  connectTimes.sort((x, y) => x - y);
  left?.(alive);
  return {
    pairs,
    totalMs,
    medianConnectMs: connectTimes[Math.floor(connectTimes.length / 2)] ?? 0,
    stillReachable: alive.length,
    tracked: refs.length,
    reachable: alive.map(({ label }) => label),
    reachableByRound,
    heap: heapPoints.map(([, y]) => y),
    // The first half still grows with one-time warm-up (V8 compiles and optimises code as
    // it runs: measured, that is what grows), so the slope is taken over the second half.
    heapSlopePerPair: slope(heapPoints.slice(Math.floor(heapPoints.length / 2))),
  };
}
