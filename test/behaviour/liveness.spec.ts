// Liveness between rxpeer peers: an idle pair exchanges heartbeats on the channel, which
// never show on data$ or to the facade's "data" listeners, and neither side is declared dead.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { HEARTBEAT, BEAT_MS, packetsHeard } from "../../src/liveness.js";
import type { Peer } from "../../src/index.js";
import { runtimeName } from "#test-runtime";
import { connectedPair } from "../support/peers.js";

/** Keeps `peer`'s heartbeats off the wire (a beat goes out even with livenessTimeout 0), so its remote hears no message at all. */
function muteHeartbeats(peer: Peer): void {
  const channel = peer.channel;
  if (!channel) throw new Error("no channel to mute");
  const send = channel.send.bind(channel) as (data: unknown) => void;
  channel.send = ((data: unknown) => {
    if (data !== HEARTBEAT) send(data);
  }) as RTCDataChannel["send"];
}

/**
 * Reads `packetsHeard(pc)` every quarter second until it passes `before`; resolves with the
 * count then, or with the last count read once `withinMs` have gone by.
 */
async function heardPast(pc: RTCPeerConnection, before: number, withinMs: number): Promise<number> {
  const deadline = performance.now() + withinMs;
  let now = await packetsHeard(pc);
  while (now <= before && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    now = await packetsHeard(pc);
  }
  return now;
}

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

  // What the liveness check asks before it gives a silent remote up: the transport's own word
  // that it still hears the remote. On libwebrtc and in Firefox ICE's consent checks keep the
  // count moving with no message at all (Firefox's answers come about every 5 s);
  // node-datachannel counts only the channel's bytes, so there messages alone decide (docs/reliability.md).
  (runtimeName === "node-datachannel" ? it.skip : it)("packetsHeard: the transport hears an idle remote with no message sent", async () => {
    const { a, b } = await connectedPair({ livenessTimeout: 0 }, { livenessTimeout: 0 });
    // Both sides: b's beats would be acknowledged by a's SCTP stack, which b's transport counts.
    muteHeartbeats(a);
    muteHeartbeats(b);
    const onWire = tapWire(b);
    const before = await packetsHeard(b.connection);
    const after = await heardPast(b.connection, before, 15_000);
    expect(onWire, "no message, not even a heartbeat, came").to.deep.equal([]);
    expect(after, "the count moved").to.be.greaterThan(before);
  });

  it("packetsHeard: a message received moves the count", async () => {
    const { a, b } = await connectedPair({ livenessTimeout: 0 }, { livenessTimeout: 0 });
    const before = await packetsHeard(b.connection);
    const got = firstValueFrom(b.data$);
    a.send(new Uint8Array(4096));
    await got;
    expect(await heardPast(b.connection, before, 5_000)).to.be.greaterThan(before);
  });
});
