// The Chromium half of the pair soak, bundled by test/support/chromium-pair-soak.ts: runs
// test/support/pair-soak.ts in a page started with --js-flags=--expose-gc, so `gc()` exists
// and destroyed peers can be checked for reachability, as on Node.
import { soakPairs, type PairSoakFigures, type ReachableTarget } from "./pair-soak.js";

declare global {
  interface Window {
    pairSoak(pairs: number, samples: number): Promise<PairSoakFigures>;
    /** Exposed by the Node side: the page's used JS heap, from CDP's Runtime.getHeapUsage. */
    heapUsage(): Promise<number>;
    /** What the last soak left reachable (weakly held), for the Node side to find in a heap snapshot. */
    pairSoakLeft: ReachableTarget[];
  }
}

window.pairSoak = (pairs, samples) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") throw new Error("no gc(): start Chromium with --js-flags=--expose-gc");
  // performance.memory is cached and coarse in headless Chromium: the heap is read over CDP.
  return soakPairs({ pairs, samples, gc, heapUsed: () => window.heapUsage(), left: (targets) => (window.pairSoakLeft = targets) });
};
