// Signals made while nobody listens to signal$ are held until a subscriber takes them;
// a subscriber that takes only some (firstValueFrom, take(1), a once listener) leaves the
// rest held for the next one, so none is lost.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import type { Peer, SignalData } from "../../src/index.js";
import { answererHolding, connected } from "../support/peers.js";

/** Takes what `peer` holds right now: held signals arrive during subscribe(). */
function takeHeld(peer: Peer): SignalData[] {
  const held: SignalData[] = [];
  peer.signal$.subscribe((signal) => held.push(signal)).unsubscribe();
  return held;
}

describe("held signals", () => {
  it("firstValueFrom(signal$) takes only the answer: a later subscriber gets the held candidates and the pair connects", async () => {
    const { a, b } = await answererHolding();
    const answer = await firstValueFrom(b.signal$);
    expect(answer.type === "sdp" && answer.data.type).to.equal("answer");
    const candidates = takeHeld(b);
    expect(candidates.length, "candidates still held after firstValueFrom").to.be.greaterThan(0);
    expect(candidates.every((signal) => signal.type === "candidate")).to.equal(true);
    await a.signal(answer);
    for (const candidate of candidates) await a.signal(candidate);
    b.signal$.subscribe((signal) => void a.signal(signal));
    await Promise.all([connected(a), connected(b)]);
  });

  it("holds again what is made after the last subscriber left, and hands each signal out once", async () => {
    const { b } = await answererHolding();
    const all = takeHeld(b);
    expect(all.length).to.be.greaterThan(1);
    expect(takeHeld(b), "nothing held twice").to.deep.equal([]);
  });
});
