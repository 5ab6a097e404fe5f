// chunk() + sendTo() + dechunk({ lossy: true }) over a real unordered, unreliable channel
// (ordered: false, maxRetransmits: 0): each message delivered is whole, each damaged one
// is reported as dropped, the output never errors, and dechunk never holds more than its
// limit. The transfer itself is test/support/unreliable.ts (the soak runs a longer one).
import { expect } from "chai";
import { lossyTransfer } from "../support/unreliable.js";
import { connectedPair } from "../support/peers.js";
import { runtimeName } from "#test-runtime";

describe("an unordered, unreliable channel", () => {
  it("delivers intact messages whole and reports the damaged ones as dropped", async () => {
    const { a, b } = await connectedPair({ channelConfig: { ordered: false, maxRetransmits: 0 } });
    expect(a.channel?.ordered).to.equal(false);
    // node-datachannel's answerer-side channel does not report the remote's reliability (null).
    if (runtimeName !== "node-datachannel") expect(b.channel?.maxRetransmits).to.equal(0);
    const figures = await lossyTransfer(a, b, 200, 16);
    console.log(`[figure] unreliable channel: ${JSON.stringify(figures)}`);
    // A damaged message still sent two frames: only if the channel lost both is it never seen.
    expect(figures.damagedReported).to.be.at.least(18);
    expect(figures.heldAtEnd).to.be.at.most(16);
    // Most messages get through on loopback; every other one is accounted for above.
    expect(figures.delivered).to.be.greaterThan(90);
  });
});
