/**
 * The sending half of the file-transfer examples: forks receiver.ts, connects to it over
 * the IPC pipe, sends one file with `sendFile`, and returns both processes' figures:
 * SHA-256 of what was read and of what arrived, and each side's peak memory growth.
 */
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import wrtc from "@roamhq/wrtc";
import { filter, firstValueFrom, lastValueFrom, tap } from "rxjs";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { sendFile, type TransferProgress } from "../../operators/index.js";
import { linkOverIpc } from "./child-link.js";
import { trackPeakMemory } from "./peak-memory.js";
import type { ReceiverReport } from "./receiver.js";

export interface ChildTransferOptions {
  name: string;
  size?: number;
  /** Where the receiving process writes the file (default: it only hashes it). */
  output?: string;
  /** The receiving process reads at this many MiB/s (default: as fast as it can). */
  receiverPace?: number;
  onProgress?: (progress: TransferProgress) => void;
}

export interface ChildTransferResult {
  sender: { bytes: number; sha256: string; peakGrowthMiB: number };
  receiver: ReceiverReport;
  seconds: number;
}

/** Hashes an async iterable's chunks as they pass. */
async function* hashed(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>, counter: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    hash.update(chunk);
    counter.bytes += chunk.byteLength;
    yield chunk;
  }
}

/**
 * Sends `source` to a freshly forked receiving process and waits for its report.
 *
 * @example
 * ```ts
 * const result = await sendToChildProcess(createReadStream("in.bin"), { name: "in.bin", output: "out.bin" });
 * console.log(result.sender.sha256 === result.receiver.sha256);
 * ```
 */
export async function sendToChildProcess(source: AsyncIterable<Uint8Array>, options: ChildTransferOptions): Promise<ChildTransferResult> {
  const args = [options.output ?? "", ...(options.receiverPace ? [String(options.receiverPace)] : [])];
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), "receiver.ts"), args, { execArgv: ["--import", "tsx", "--expose-gc"] });
  const peer = new Peer({ initiator: true, debug: 1, wrtc: wrtc as unknown as WebRTCImplementation });
  try {
    const reported = new Promise<ReceiverReport>((resolve, reject) => {
      child.on("message", (message: { report?: ReceiverReport }) => message.report && resolve(message.report));
      child.on("exit", (code) => reject(new Error(`the receiving process exited with code ${code} before reporting`)));
    });
    linkOverIpc(peer, child);
    await firstValueFrom(peer.connected$.pipe(filter(Boolean)));
    const stopMeasuring = trackPeakMemory();
    const hash = createHash("sha256");
    const counter = { bytes: 0 };
    const started = performance.now();
    await lastValueFrom(
      sendFile(peer, hashed(source, hash, counter), { name: options.name, ...(options.size === undefined ? {} : { size: options.size }) }).pipe(tap((progress) => options.onProgress?.(progress))),
    );
    const receiver = await reported;
    const seconds = (performance.now() - started) / 1000;
    return { sender: { bytes: counter.bytes, sha256: hash.digest("hex"), peakGrowthMiB: stopMeasuring() }, receiver, seconds };
  } finally {
    peer.destroy();
    child.kill();
  }
}
