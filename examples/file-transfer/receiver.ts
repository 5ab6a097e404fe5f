/**
 * The receiving process of the file-transfer examples (forked by send-to-child.ts): a
 * peer signaled over the IPC pipe takes one file with `receiveFiles`, hashes it as it
 * streams, writes it to the path given as the first argument (or nowhere), and reports
 * bytes, SHA-256 and its own peak memory growth back over the pipe, then exits.
 *
 * Second argument, optional: a pace in MiB/s at which to read (a slow disk), for the bench.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import wrtc from "@roamhq/wrtc";
import { firstValueFrom } from "rxjs";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { receiveFiles } from "../../operators/index.js";
import { linkOverIpc } from "./child-link.js";
import { trackPeakMemory } from "./peak-memory.js";

/** What the receiving process reports when the file is in. */
export interface ReceiverReport {
  name: string;
  bytes: number;
  sha256: string;
  peakGrowthMiB: number;
}

const [output, pace] = process.argv.slice(2);

/** A pass-through that sleeps as needed to hold `mibPerSecond`: a slow consumer. */
function paced(mibPerSecond: number): Transform {
  const started = performance.now();
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.byteLength;
      const due = (bytes / (mibPerSecond * 1024 * 1024)) * 1000 - (performance.now() - started);
      setTimeout(() => done(null, chunk), Math.max(0, due));
    },
  });
}

async function main(): Promise<void> {
  const peer = new Peer({ debug: 1, wrtc: wrtc as unknown as WebRTCImplementation });
  linkOverIpc(peer);
  const incoming = firstValueFrom(receiveFiles(peer));
  await firstValueFrom(peer.connect$);
  const stopMeasuring = trackPeakMemory();
  const file = await incoming;
  const hash = createHash("sha256");
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      done(null, chunk);
    },
  });
  const sink = output ? createWriteStream(output) : new Writable({ write: (_chunk, _encoding, done) => done() });
  const stages = [Readable.fromWeb(file.stream as NodeReadableStream<Uint8Array>), ...(pace ? [paced(Number(pace))] : []), hashing, sink] as const;
  await pipeline(stages);
  const report: ReceiverReport = { name: file.name, bytes, sha256: hash.digest("hex"), peakGrowthMiB: stopMeasuring() };
  process.send?.({ report }, () => {
    peer.destroy();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  console.error("receiver:", error);
  process.exit(1);
});
