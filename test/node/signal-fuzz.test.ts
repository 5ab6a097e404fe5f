// signal() fuzzed with fast-check (short run; test/soak runs 10,000 values): no throw,
// no rejection, no hang, one PeerError per bad value, no prototype pollution, and the
// fuzzed peers connect afterwards. The value families are in test/support/signal-arbitraries.ts.
import { describe, expect, it } from "vitest";
import { fuzzSignal } from "../support/signal-fuzz.js";

describe("signal() under fuzzing", () => {
  it("takes 2,000 hostile values without a throw, rejection, hang or pollution, then connects", async () => {
    const figures = await fuzzSignal(2_000);
    console.log(`[figure] signal fuzz: ${JSON.stringify(figures)}`);
    expect(figures.values).toBe(2_000);
    expect(figures.invalid).toBeGreaterThan(1_000);
    expect(figures.applied).toBeGreaterThan(0);
  }, 120_000);
});
