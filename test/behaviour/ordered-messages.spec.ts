// 10,000 small messages on an ordered reliable channel (the default), sent through sendTo
// with backpressure from the moment of connect: none lost, none reordered (test/soak sends
// 100,000 on Node).
import { expect } from "chai";
import { orderedMessages } from "../support/integrity.js";
import { connectedPair } from "../support/peers.js";

describe("an ordered reliable channel", () => {
  it("delivers 10,000 small messages, none lost, none reordered", async () => {
    const { a, b } = await connectedPair();
    const figures = await orderedMessages(a, b, 10_000);
    console.log(`[figure] 10,000 ordered messages: ${figures.perSecond.toFixed(0)} msg/s`);
    expect(figures.messages).to.equal(10_000);
  });
});
