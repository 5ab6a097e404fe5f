// The initiator holds its candidates until the answer is applied only where the implementation
// sets its own offer (node-datachannel: see src/negotiation.ts's #makeOffer). Anywhere else the
// hold would delay every connect, so there they go out as they come.
import { expect } from "chai";
import type { SignalData } from "../../src/index.js";
import { runtimeName } from "#test-runtime";
import { makePeer } from "../support/peers.js";

describe("the initiator's candidates before any answer", () => {
  it(`are ${runtimeName === "node-datachannel" ? "held (node-datachannel sets its own offer)" : "signalled as they come"}`, async () => {
    const a = makePeer({ initiator: true });
    const sent: SignalData[] = [];
    a.signal$.subscribe((signal) => sent.push(signal));
    // The peer's own handler, set first, runs first: once this listener hears a candidate, the peer has had it.
    await new Promise<void>((resolve) => {
      const heard = (event: RTCPeerConnectionIceEvent): void => {
        if (!event.candidate?.candidate) return;
        a.connection.removeEventListener("icecandidate", heard);
        resolve();
      };
      a.connection.addEventListener("icecandidate", heard);
    });
    const candidates = sent.filter((signal) => signal.type === "candidate").length;
    expect(sent[0]?.type, "the offer first").to.equal("sdp");
    if (runtimeName === "node-datachannel") expect(candidates).to.equal(0);
    else expect(candidates).to.be.greaterThan(0);
  });
});
