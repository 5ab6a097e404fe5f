// Soak: 1 GiB through sendFile + receiveFiles between two Node peers, from a source made as
// it is read to a consumer that hashes as it reads: SHA-256 equal at both ends, and the
// process's memory (both peers) grows by a few windows, not by the file.
import { describe, expect, it } from "vitest";
import { createHash, randomFillSync } from "node:crypto";
import { filter, firstValueFrom, lastValueFrom } from "rxjs";
import wrtcModule from "@roamhq/wrtc";
import { Peer, linkPeers, type WebRTCImplementation } from "../../src/index.js";
import { receiveFiles, sendFile } from "../../operators/index.js";
import { forceGc } from "../support/gc.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;
const MIB = 1024 * 1024;
const SIZE = 1024 * MIB;

describe("file transfer (soak)", () => {
  it("1 GiB through sendFile + receiveFiles: SHA-256 equal, memory within a few windows", async () => {
    const a = new Peer({ initiator: true, debug: 0, wrtc });
    const b = new Peer({ debug: 0, wrtc });
    const link = linkPeers(a, b);
    try {
      await Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]);
      forceGc();
      const baseline = process.memoryUsage.rss();
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
      const sentHash = createHash("sha256");
      async function* source(): AsyncGenerator<Uint8Array> {
        for (let made = 0; made < SIZE; made += MIB) {
          const piece = randomFillSync(Buffer.alloc(MIB));
          sentHash.update(piece);
          yield piece;
        }
      }
      const received = firstValueFrom(receiveFiles(b)).then(async (file) => {
        const hash = createHash("sha256");
        let bytes = 0;
        const reader = file.stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          hash.update(value);
          bytes += value.byteLength;
        }
        return { bytes, digest: hash.digest("hex") };
      });
      const started = performance.now();
      const last = await lastValueFrom(sendFile(a, source(), { size: SIZE, name: "soak.bin" }));
      const { bytes, digest } = await received;
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const rise = (Math.max(peak, process.memoryUsage.rss()) - baseline) / MIB;
      console.log(`[figure] sendFile 1 GiB: ${seconds.toFixed(1)} s, ${(SIZE / MIB / seconds).toFixed(1)} MiB/s, RSS rise at most ${rise.toFixed(0)} MiB (both peers), sha256 ${digest}`);
      expect(last).toEqual({ bytes: SIZE, total: SIZE });
      expect(bytes).toBe(SIZE);
      expect(digest).toBe(sentHash.digest("hex"));
      // One 6 MiB window, a 1 MiB source chunk, the channel's queue and garbage awaiting the collector: nothing near 1 GiB.
      expect(rise).toBeLessThan(128);
    } finally {
      link.unsubscribe();
      a.destroy();
      b.destroy();
    }
  });
});
