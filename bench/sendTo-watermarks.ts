// Measures sendTo() throughput on @roamhq/wrtc for several watermark pairs: 64 MiB of
// chunk() frames from one peer to another in this process, timed until the last frame
// arrives. The defaults in operators/sendTo.ts come from this (and from the same loop run
// in headless Chromium through a throwaway Karma config, without the wrtc option).
// Run: node --import tsx bench/sendTo-watermarks.ts [MiB] [rounds]
import wrtc from "@roamhq/wrtc";
import { filter, firstValueFrom, of } from "rxjs";
import { Peer, linkPeers, type WebRTCImplementation } from "../src/index.js";
import { chunk, sendTo } from "../operators/index.js";

const mib = Number(process.argv[2] ?? 64);
const rounds = Number(process.argv[3] ?? 3);
const KiB = 1024;
const pairs: [number, number][] = [
  [64 * KiB, 16 * KiB],
  [256 * KiB, 64 * KiB],
  [1024 * KiB, 256 * KiB],
  [4096 * KiB, 1024 * KiB],
  [12288 * KiB, 4096 * KiB],
];

async function once(high: number, low: number, payload: Uint8Array): Promise<number> {
  const a = new Peer({ debug: 0, initiator: true, wrtc: wrtc as unknown as WebRTCImplementation });
  const b = new Peer({ debug: 0, wrtc: wrtc as unknown as WebRTCImplementation });
  linkPeers(a, b);
  await Promise.all([a, b].map((p) => firstValueFrom(p.connected$.pipe(filter(Boolean)))));
  const frames = Math.ceil(payload.byteLength / (16 * KiB - 32));
  let got = 0;
  const arrived = new Promise<void>((resolve) => b.data$.subscribe(() => ++got === frames && resolve()));
  const start = performance.now();
  await new Promise<void>((resolve, reject) => of(payload).pipe(chunk(), sendTo(a, { highWaterMark: high, lowWaterMark: low })).subscribe({ complete: resolve, error: reject }));
  await arrived;
  const ms = performance.now() - start;
  a.destroy();
  b.destroy();
  return ms;
}

const payload = new Uint8Array(mib * 1024 * KiB).fill(7);
for (let round = 0; round < rounds; round++) {
  for (const [high, low] of pairs) {
    const ms = await once(high, low, payload);
    console.log(`high ${high / KiB} KiB low ${low / KiB} KiB: ${(mib / (ms / 1000)).toFixed(1)} MiB/s`);
  }
}
process.exit(0);
