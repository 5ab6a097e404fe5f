// Soak: 200 pairs on Node and 50 in Chromium, created, connected, used and destroyed in
// turn: every destroyed peer unreachable after GC, nothing left subscribed, and the heap
// flat (the slope over the second half, after warm-up, far under what one leaked pair costs).
import { describe, expect, it } from "vitest";
import wrtcModule from "@roamhq/wrtc";
import type { WebRTCImplementation } from "../../src/index.js";
import { soakPairs } from "../support/pair-soak.js";
import { leftByRxpeer, soakPairsInChromium } from "../support/chromium-pair-soak.js";
import { forceGc } from "../support/gc.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;
/** Measured: about 2 KB a pair without a leak (code V8 compiles as it goes); leaking each pair's initiator, about 14 KB. */
const MAX_SLOPE = 6 * 1024;

describe("pairs in turn (soak)", () => {
  it("200 pairs on Node", async () => {
    const figures = await soakPairs({ pairs: 200, peerOptions: { wrtc }, gc: forceGc, heapUsed: () => process.memoryUsage().heapUsed, samples: 20 });
    console.log(`[figure] pair soak (Node, 200): ${JSON.stringify(figures)}`);
    expect(figures.tracked).toBe(1200);
    expect(figures.reachable).toEqual([]);
    expect(figures.heapSlopePerPair).toBeLessThan(MAX_SLOPE);
  });

  it("50 pairs in Chromium", async () => {
    const figures = await soakPairsInChromium(50, 10);
    console.log(`[figure] pair soak (Chromium, 50): ${JSON.stringify(figures)}`);
    expect(figures.tracked).toBe(300);
    // Chromium's own leak, told by its retainer path alone, is logged, not counted (docs/runtimes.md).
    expect(leftByRxpeer(figures), `retained by: ${figures.retainers?.join("\n")}`).toEqual([]);
    expect(figures.heapSlopePerPair).toBeLessThan(MAX_SLOPE);
  });
});
