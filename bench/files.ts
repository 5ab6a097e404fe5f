/**
 * Figure 5 (Node only): files between two Node processes, from a Node Readable (fresh
 * 64 KiB buffers of random bytes, made as they are read) to a Node Writable that hashes:
 * - "raw": the raw loop, `channel.send()` of each buffer with polled backpressure, the
 *   receiver writing every message as it arrives (no flow control end to end);
 * - "rxpeer-sendFile": `sendFile` -> `receiveFiles` -> `Readable.fromWeb` -> Writable
 *   (examples/file-transfer), credit-paced;
 * - "rxpeer-paced": two peers in one process, the consumer reading at 10 MiB/s: how far
 *   the sender's source runs ahead of the consumer (within one window, DEFAULT_WINDOW).
 * Each process's peak RSS growth, throughput and SHA-256 of both ends.
 */
import wrtc from "@roamhq/wrtc";
import { fork } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { filter, firstValueFrom, lastValueFrom } from "rxjs";
import { Peer, linkPeers, type WebRTCImplementation } from "../src/index.js";
import { receiveFiles, sendFile } from "../operators/index.js";
import { linkOverIpc } from "../examples/file-transfer/child-link.js";
import { trackPeakMemory } from "../examples/file-transfer/peak-memory.js";
import type { ReceiverReport } from "../examples/file-transfer/receiver.js";
import { sendToChildProcess } from "../examples/file-transfer/send-to-child.js";
import type { Watermarks } from "./contenders/raw.js";
import { watchLink } from "./link-watch.js";
import { nextTask } from "./transport.js";
import { withTimeout } from "./workloads.js";

export type FilesMode = "raw" | "rxpeer-sendFile" | "rxpeer-paced";

export interface FilesResult {
  senderGrowthMiB: number;
  receiverGrowthMiB: number;
  mibPerSecond: number;
  /** rxpeer-paced: most bytes the source was read ahead of the consumer, MiB. */
  leadMiB?: number;
  intact: boolean;
}

const MiB = 1024 * 1024;
const PIECE = 64 * 1024;
const TIMEOUT_MS = 600_000;
/** Bytes of the paced series: 6 s or so at 10 MiB/s. */
const PACED_BYTES = 64 * MiB;
const PACE_MIB_PER_S = 10;

/** A Node Readable of `total` random bytes in fresh 64 KiB buffers, hashed into `hash` (where given) as they are read. */
function randomFile(total: number, hash?: ReturnType<typeof createHash>, counter: { read: number } = { read: 0 }): Readable {
  return Readable.from(
    (function* () {
      for (let made = 0; made < total; made += PIECE) {
        const piece = randomFillSync(Buffer.alloc(Math.min(PIECE, total - made)));
        hash?.update(piece);
        counter.read += piece.byteLength;
        yield piece;
      }
    })(),
    { objectMode: false, highWaterMark: PIECE },
  );
}

/** Measures one series of the files figure. */
export async function measureFiles(mode: FilesMode, total: number, marks: Watermarks): Promise<FilesResult> {
  if (mode === "rxpeer-paced") return paced(Math.min(total, PACED_BYTES));
  if (mode === "raw") return raw(total, marks);
  // sendToChildProcess hashes what sendFile reads: a second hash here would cost the sender a SHA-256 pass the raw loop does not make.
  const result = await withTimeout(sendToChildProcess(randomFile(total), { name: "bench.bin", size: total }), TIMEOUT_MS);
  return {
    senderGrowthMiB: result.sender.peakGrowthMiB,
    receiverGrowthMiB: result.receiver.peakGrowthMiB,
    mibPerSecond: total / MiB / result.seconds,
    intact: result.sender.bytes === total && result.receiver.bytes === total && result.receiver.sha256 === result.sender.sha256,
  };
}

/** The raw loop to a receiving process: the same source and sink, no flow control but the channel's queue. */
async function raw(total: number, marks: Watermarks): Promise<FilesResult> {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), "files-raw-receiver.ts"), [String(total)], { execArgv: ["--import", "tsx", "--expose-gc"] });
  const peer = new Peer({ debug: 0, initiator: true, wrtc: wrtc as unknown as WebRTCImplementation });
  const link = watchLink(peer, child);
  try {
    const reported = new Promise<ReceiverReport>((resolve) => child.on("message", (message: { report?: ReceiverReport }) => message.report && resolve(message.report)));
    linkOverIpc(peer, child);
    await withTimeout(firstValueFrom(peer.connected$.pipe(filter(Boolean))), 20_000);
    const channel = peer.channel;
    if (!channel) throw new Error("no data channel");
    const send = link.send(channel);
    await nextTask(50);
    const stop = trackPeakMemory();
    const hash = createHash("sha256");
    const started = performance.now();
    let budget = 0;
    for await (const piece of randomFile(total, hash)) {
      const bytes = piece as Buffer;
      if (bytes.byteLength > budget) {
        let queued = channel.bufferedAmount;
        while (queued > marks.low) {
          await nextTask(1);
          queued = channel.bufferedAmount;
        }
        budget = marks.high - queued;
      }
      send(bytes as Uint8Array<ArrayBuffer>);
      budget -= bytes.byteLength;
    }
    const report = await withTimeout(Promise.race([reported, link.lost]), TIMEOUT_MS);
    const seconds = (performance.now() - started) / 1000;
    return { senderGrowthMiB: stop(), receiverGrowthMiB: report.peakGrowthMiB, mibPerSecond: total / MiB / seconds, intact: report.bytes === total && report.sha256 === hash.digest("hex") };
  } finally {
    peer.destroy();
    child.kill();
  }
}

/** Two peers in this process; the consumer reads at PACE_MIB_PER_S; returns how far the source ran ahead of it. */
async function paced(total: number): Promise<FilesResult> {
  const webrtc = wrtc as unknown as WebRTCImplementation;
  const a = new Peer({ debug: 0, initiator: true, wrtc: webrtc });
  const b = new Peer({ debug: 0, wrtc: webrtc });
  const link = linkPeers(a, b);
  try {
    await withTimeout(Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]), 20_000);
    const stop = trackPeakMemory();
    const sentHash = createHash("sha256");
    const counter = { read: 0 };
    const incoming = firstValueFrom(receiveFiles(b));
    const started = performance.now();
    const sending = lastValueFrom(sendFile(a, randomFile(total, sentHash, counter), { size: total }));
    const reader = (await incoming).stream.getReader();
    const hash = createHash("sha256");
    let consumed = 0;
    let lead = 0;
    for (;;) {
      const due = (consumed / (PACE_MIB_PER_S * MiB)) * 1000 - (performance.now() - started);
      if (due > 0) await nextTask(due);
      lead = Math.max(lead, counter.read - consumed);
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      consumed += value.byteLength;
    }
    await withTimeout(sending, TIMEOUT_MS);
    const seconds = (performance.now() - started) / 1000;
    const growth = stop();
    return { senderGrowthMiB: growth, receiverGrowthMiB: growth, mibPerSecond: total / MiB / seconds, leadMiB: lead / MiB, intact: consumed === total && hash.digest("hex") === sentHash.digest("hex") };
  } finally {
    link.unsubscribe();
    a.destroy();
    b.destroy();
  }
}
