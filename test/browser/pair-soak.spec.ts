// The pair soak in Karma's browser (Chromium, Firefox), short: 10 pairs created, connected, used (text both
// ways, a chunked message) and destroyed in turn, each leaving nothing open or subscribed.
// Reachability after GC needs gc(), which Karma's Chromium lacks: the Node test
// test/node/chromium-pair-soak.test.ts runs the same soak in a Chromium that has it.
import { expect } from "chai";
import { soakPairs } from "../support/pair-soak.js";
import { runtimeName } from "#test-runtime";

describe(`pairs in turn (${runtimeName}, Karma)`, () => {
  it("creates, connects, uses and destroys 10 pairs, each leaving nothing open", async () => {
    const figures = await soakPairs({ pairs: 10 });
    expect(figures.pairs).to.equal(10);
    expect(figures.tracked).to.equal(60);
  });
});
