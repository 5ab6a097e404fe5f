// The pair soak, short (test/soak runs 200): pairs created, connected, used and destroyed
// in turn on @roamhq/wrtc. Destroyed peers must become unreachable, nothing may stay
// subscribed, and the heap may not grow with the count.
import { describe, expect, it } from "vitest";
import wrtcModule from "@roamhq/wrtc";
import type { WebRTCImplementation } from "../../src/index.js";
import { soakPairs } from "../support/pair-soak.js";
import { forceGc } from "../support/gc.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;

describe("pairs in turn (Node)", () => {
  it("creates, connects, uses and destroys 20 pairs, leaving nothing reachable", async () => {
    const figures = await soakPairs({ pairs: 20, peerOptions: { wrtc }, gc: forceGc });
    console.log(`[figure] pair soak (Node): ${JSON.stringify(figures)}`);
    expect(figures.tracked).toBe(20 * 6);
    expect(figures.reachable).toEqual([]);
    // Heap growth needs more pairs than this to tell from warm-up: test/soak measures it over 200.
  }, 120_000);
});
