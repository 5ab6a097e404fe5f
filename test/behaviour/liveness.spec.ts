// Liveness between rxpeer peers: an idle pair exchanges heartbeats on the channel, which
// never show on data$ or to the facade's "data" listeners, and neither side is declared dead.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { HEARTBEAT, BEAT_MS } from "../../src/liveness.js";
import type { Peer } from "../../src/index.js";
import { connectedPair } from "../support/peers.js";

/** Everything that arrives on `peer`'s channel, heartbeats included, seen before the Peer sees it. */
function tapWire(peer: Peer): unknown[] {
  const seen: unknown[] = [];
  const channel = peer.channel;
  const deliver = channel?.onmessage;
  if (!channel || !deliver) throw new Error("no channel to tap");
  // @roamhq/wrtc dispatches messages to onmessage only, not to added listeners.
  channel.onmessage = (event: MessageEvent) => {
    seen.push(event.data);
    deliver.call(channel, event);
  };
  return seen;
}

describe("liveness", () => {
  it("keeps an idle rxpeer pair alive with heartbeats that never reach data$", async () => {
    const { a, b } = await connectedPair({ livenessTimeout: 2 * BEAT_MS }, { livenessTimeout: 2 * BEAT_MS });
    const onWire = tapWire(b);
    const onData: unknown[] = [];
    b.data$.subscribe((data) => onData.push(data));
    b.on("data", (data) => onData.push(data));

    await new Promise((resolve) => setTimeout(resolve, 3 * BEAT_MS + 200));
    expect(onWire.length, "heartbeats on the wire").to.be.greaterThanOrEqual(2);
    expect(onWire.every((data) => data === HEARTBEAT)).to.equal(true);
    expect(onData).to.deep.equal([]);
    expect([a.destroyed, b.destroyed]).to.deep.equal([false, false]);

    const got = firstValueFrom(b.data$);
    a.send("after the silence");
    expect(await got).to.equal("after the silence");
  });

  it("sends no heartbeat while the pair is busy", async () => {
    const { a, b } = await connectedPair();
    const onWire = tapWire(b);
    // One message every tenth of a beat, for two beats: a never idles for a whole beat,
    // unless a loaded machine holds a timer back that long; only such a gap may hold a beat.
    const sentAt: number[] = [];
    for (let i = 0; i < 20; i++) {
      a.send(`m${i}`);
      sentAt.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, BEAT_MS / 10));
    }
    const idleBeats = sentAt.slice(1).filter((at, i) => at - (sentAt[i] ?? at) >= BEAT_MS * 0.9).length;
    expect(onWire.filter((data) => data === HEARTBEAT).length).to.be.at.most(idleBeats);
    expect(onWire.filter((data) => data !== HEARTBEAT).length).to.equal(20);
  });

  it("refuses a livenessTimeout under two beats with ERR_INVALID_ARGUMENT", async () => {
    const { makePeer } = await import("../support/peers.js");
    for (const livenessTimeout of [1, 1999, -5, Number.NaN, Infinity]) {
      let error: unknown;
      try {
        makePeer({ livenessTimeout });
      } catch (caught) {
        error = caught;
      }
      expect((error as { code?: string } | undefined)?.code, String(livenessTimeout)).to.equal("ERR_INVALID_ARGUMENT");
    }
    expect(() => makePeer({ livenessTimeout: 0 })).not.to.throw();
  });
});
