// Signals made while nobody listens to signal$ are held until a subscriber takes them;
// a subscriber that takes only some (firstValueFrom, take(1), a once listener) leaves the
// rest held for the next one, so none is lost.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { linkPeers, type Peer, type SignalData } from "../../src/index.js";
import { connected, gathered, makePeer } from "../support/peers.js";

/** Takes what `peer` holds right now: held signals arrive during subscribe(). */
function takeHeld(peer: Peer): SignalData[] {
  const held: SignalData[] = [];
  peer.signal$.subscribe((signal) => held.push(signal)).unsubscribe();
  return held;
}

describe("held signals", () => {
  it("firstValueFrom(signal$) takes only the offer: a later subscriber gets the held candidates and the pair connects", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    await gathered(a);
    const offer = await firstValueFrom(a.signal$);
    expect(offer.type).to.equal("sdp");
    const candidates = takeHeld(a);
    expect(candidates.length, "candidates still held after firstValueFrom").to.be.greaterThan(0);
    expect(candidates.every((signal) => signal.type === "candidate")).to.equal(true);
    await b.signal(offer);
    for (const candidate of candidates) await b.signal(candidate);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
  });

  it("holds again what is made after the last subscriber left, and hands each signal out once", async () => {
    const a = makePeer({ initiator: true });
    await gathered(a);
    const all = takeHeld(a);
    expect(all.length).to.be.greaterThan(1);
    expect(takeHeld(a), "nothing held twice").to.deep.equal([]);
  });
});
