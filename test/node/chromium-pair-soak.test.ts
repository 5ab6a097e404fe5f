// The pair soak in headless Chromium, short (test/soak runs 50): pairs created, connected,
// used and destroyed in turn on Chromium's own WebRTC; destroyed peers must become
// unreachable (WeakRef after gc(), which the page has via --js-flags=--expose-gc).
import { describe, expect, it } from "vitest";
import { leftByRxpeer, soakPairsInChromium } from "../support/chromium-pair-soak.js";

describe("pairs in turn (Chromium)", () => {
  it("creates, connects, uses and destroys 10 pairs, leaving nothing reachable", async () => {
    const figures = await soakPairsInChromium(10);
    console.log(`[figure] pair soak (Chromium): ${JSON.stringify(figures)}`);
    expect(figures.tracked).toBe(10 * 6);
    // Chromium's own leak, told by its retainer path alone, is logged, not counted (docs/runtimes.md).
    expect(leftByRxpeer(figures), `retained by: ${figures.retainers?.join("\n")}`).toEqual([]);
  }, 120_000);
});
