// Soak: integrity at volume on Node. 1 GiB through chunk + sendTo + dechunk with SHA-256
// compared and memory sampled; 100,000 small messages on an ordered reliable channel,
// none lost or reordered; an unordered unreliable channel over 5,000 messages with lossy
// dechunk, every drop reported and memory bounded.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { filter, firstValueFrom } from "rxjs";
import wrtcModule from "@roamhq/wrtc";
import { Peer, linkPeers, type PeerOptions, type WebRTCImplementation } from "../../src/index.js";
import { hashedTransfer, orderedMessages } from "../support/integrity.js";
import { lossyTransfer } from "../support/unreliable.js";
import { forceGc, settleGc } from "../support/gc.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;
const MIB = 1024 * 1024;

async function pair(options: Partial<PeerOptions> = {}): Promise<{ a: Peer; b: Peer; done: () => void }> {
  const a = new Peer({ initiator: true, debug: 0, wrtc, ...options });
  const b = new Peer({ debug: 0, wrtc });
  const link = linkPeers(a, b);
  await Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]);
  return {
    a,
    b,
    done: () => {
      link.unsubscribe();
      a.destroy();
      b.destroy();
    },
  };
}

describe("integrity (soak)", () => {
  it("1 GiB through chunk + sendTo + dechunk: SHA-256 equal, memory bounded", async () => {
    const { a, b, done } = await pair();
    try {
      forceGc();
      const figures = await hashedTransfer(a, b, {
        messageSize: MIB,
        count: 1024,
        hasher: () => {
          const hash = createHash("sha256");
          return { update: (bytes) => void hash.update(bytes), digest: () => hash.digest("hex") };
        },
        memory: () => process.memoryUsage().rss,
      });
      console.log(`[figure] 1 GiB: ${(figures.ms / 1000).toFixed(1)} s, ${figures.mibPerSecond.toFixed(1)} MiB/s, RSS rise at most ${(figures.peakMemoryRise / MIB).toFixed(0)} MiB, sha256 ${figures.digest}`);
      expect(figures.bytes).toBe(1024 * MIB);
      // About 8 messages in flight and a few MiB of queues: nothing near the 1 GiB moved.
      expect(figures.peakMemoryRise).toBeLessThan(256 * MIB);
    } finally {
      done();
    }
  });

  it("100,000 small messages on an ordered reliable channel: none lost, none reordered", async () => {
    const { a, b, done } = await pair();
    try {
      const figures = await orderedMessages(a, b, 100_000);
      console.log(`[figure] 100,000 ordered messages: ${(figures.ms / 1000).toFixed(1)} s, ${figures.perSecond.toFixed(0)} msg/s`);
    } finally {
      done();
    }
  });
});

describe("unreliable channel (soak)", () => {
  it("5,000 messages over ordered: false, maxRetransmits: 0 with lossy dechunk: drops reported, memory bounded", async () => {
    const { a, b, done } = await pair({ channelConfig: { ordered: false, maxRetransmits: 0 } });
    try {
      // V8 frees a collected ArrayBuffer's memory on a background task after the collection,
      // so arrayBuffers read right after gc() may still count it (4.9 and 13.8 MB seen, 0 once
      // settled): let the collections settle before each reading.
      await settleGc();
      const before = process.memoryUsage().arrayBuffers;
      const figures = await lossyTransfer(a, b, 5_000, 64);
      await settleGc();
      const retained = process.memoryUsage().arrayBuffers - before;
      console.log(`[figure] unreliable channel, 5,000 messages: ${JSON.stringify(figures)}, arrayBuffers retained after ${retained} bytes`);
      expect(figures.damagedReported).toBeGreaterThanOrEqual(490);
      expect(figures.heldAtEnd).toBeLessThanOrEqual(64);
      expect(retained).toBeLessThan(8 * MIB);
    } finally {
      done();
    }
  });
});
