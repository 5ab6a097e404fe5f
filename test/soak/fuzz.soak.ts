// Soak: the fuzz runs at full length (test/node runs shorter ones): 10,000 hostile values
// through signal(), 10,000 hostile frame sequences through dechunk(), 10,000 hostile texts
// through deserialize().
import { describe, expect, it } from "vitest";
import { fuzzSignal } from "../support/signal-fuzz.js";
import { fuzzDechunk, fuzzDeserialize } from "../support/frame-fuzz.js";

describe("fuzz (soak)", () => {
  it("signal(): 10,000 hostile values, no throw, rejection, hang or pollution, then connects", async () => {
    const figures = await fuzzSignal(10_000);
    console.log(`[figure] signal fuzz (soak): ${JSON.stringify(figures)}`);
    expect(figures.values).toBe(10_000);
  });

  it("dechunk(): 10,000 hostile frame sequences, within its memory limits", () => {
    const figures = fuzzDechunk(10_000);
    console.log(`[figure] dechunk fuzz (soak): ${JSON.stringify(figures)}`);
    expect(figures.runs).toBe(10_000);
  });

  it("deserialize(): 10,000 hostile texts", () => {
    const figures = fuzzDeserialize(10_000);
    console.log(`[figure] deserialize fuzz (soak): ${JSON.stringify(figures)}`);
    expect(figures.runs).toBe(10_000);
  });
});
