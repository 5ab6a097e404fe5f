// Connecting two real peers, in both roles, and the state they expose.
import { expect } from "chai";
import { filter, firstValueFrom, fromEvent, take, toArray } from "rxjs";
import { linkPeers, type SignalData } from "../../src/index.js";
import { connected, connectedPair, makePeer } from "../support/peers.js";

describe("connecting", () => {
  it("connects an initiator and an answerer, both emitting connect$", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const bothConnect = Promise.all([firstValueFrom(a.connect$), firstValueFrom(b.connect$)]);
    linkPeers(a, b);
    await bothConnect;
    expect(a.ready).to.equal(true);
    expect(b.ready).to.equal(true);
    expect(a.initiator).to.equal(true);
    expect(b.initiator).to.equal(false);
  });

  it("connects whichever side is built first, and the answerer adopts the channel label", async () => {
    const b = makePeer({ channelName: "ignored-by-answerer" });
    const a = makePeer({ initiator: true, channelName: "chat" });
    linkPeers(b, a);
    await Promise.all([connected(a), connected(b)]);
    expect(a.channelName).to.equal("chat");
    expect(b.channelName).to.equal("chat");
  });

  it("gives a random channel label by default", () => {
    const a = makePeer({ initiator: true });
    const b = makePeer({ initiator: true });
    expect(a.channelName).to.be.a("string").and.not.equal("");
    expect(a.channelName).to.not.equal(b.channelName);
  });

  it("replays connected$ and connectionState$ to late subscribers", async () => {
    const { a, b } = await connectedPair();
    expect(await firstValueFrom(a.connected$)).to.equal(true);
    expect(await firstValueFrom(b.connected$)).to.equal(true);
    const state = await firstValueFrom(a.connectionState$);
    expect(["connecting", "connected"]).to.include(state);
  });

  it("starts not ready, with connected$ replaying false", async () => {
    const a = makePeer({ initiator: true });
    expect(a.ready).to.equal(false);
    expect(await firstValueFrom(a.connected$)).to.equal(false);
    expect(await firstValueFrom(a.connectionState$)).to.equal("new");
  });

  it("holds signals made before the first signal$ subscriber and delivers them to it", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    // Let the initiator set its offer with nobody listening to signal$.
    await firstValueFrom(fromEvent(a.connection, "signalingstatechange").pipe(filter(() => a.connection.signalingState === "have-local-offer")));
    const first = await firstValueFrom(a.signal$);
    if (first.type !== "sdp") throw new Error(`first signal is ${first.type}, not sdp`);
    expect(first.data).to.have.property("type", "offer");
    await b.signal(first);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
  });

  it("emits plain JSON-safe signals that connect after a JSON round trip, as strings or objects", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const seen: SignalData[] = [];
    a.signal$.subscribe((signal) => {
      seen.push(signal);
      void b.signal(JSON.stringify(signal));
    });
    b.signal$.subscribe((signal) => {
      seen.push(signal);
      void a.signal(JSON.parse(JSON.stringify(signal)) as SignalData);
    });
    await Promise.all([connected(a), connected(b)]);
    expect(seen.length).to.be.greaterThan(1);
    for (const signal of seen) {
      expect(Object.getPrototypeOf(signal)).to.equal(Object.prototype);
      if ("data" in signal) expect(Object.getPrototypeOf(signal.data)).to.equal(Object.prototype);
      expect(JSON.parse(JSON.stringify(signal))).to.deep.equal(signal);
    }
    expect(seen.some((s) => s.type === "candidate")).to.equal(true);
  });

  it("two initiators linked: each gives up with ERR_NEGOTIATION saying so, then close$, rather than waiting forever", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer({ initiator: true });
    const outcome = (peer: typeof a): Promise<string[]> => firstValueFrom(peer.error$.pipe(toArray())).then((errors) => errors.map((error) => `${error.code}: ${error.message}`));
    const [atA, atB] = [outcome(a), outcome(b)];
    linkPeers(a, b);
    const expected = ["ERR_NEGOTIATION: the remote peer is an initiator too: exactly one of the two must have initiator: true"];
    // error$ completes with close$, so each list is complete once its peer has closed.
    expect(await atA).to.deep.equal(expected);
    expect(await atB).to.deep.equal(expected);
    expect([a.destroyed, b.destroyed]).to.deep.equal([true, true]);
  });

  it("unwires signaling when the linkPeers subscription is unsubscribed", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const link = linkPeers(a, b);
    link.unsubscribe();
    expect(link.closed).to.equal(true);
    // b never heard a's offer, so it has produced nothing to signal.
    const signals = firstValueFrom(b.signal$.pipe(take(1), toArray()), { defaultValue: [] });
    b.destroy();
    expect(await signals).to.deep.equal([]);
  });
});
