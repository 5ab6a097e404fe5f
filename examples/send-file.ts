/**
 * Sends a real file from disk to disk between two processes on one machine:
 *
 *   node --import tsx examples/send-file.ts <input file> <output file>
 *
 * This process reads `<input file>` with `fs.createReadStream` and sends it with
 * `sendFile`; it forks a receiving process (examples/file-transfer/receiver.ts) that takes
 * it with `receiveFiles` and writes it with `fs.createWriteStream`. The two signal over
 * the IPC pipe between them. Both sides hash what passes; it prints progress, each
 * process's peak memory growth and whether the SHA-256s match, and exits 0 only if they do.
 */
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { sendToChildProcess } from "./file-transfer/send-to-child.js";
import { ProgressBar, formatMiB } from "./progress-bar.js";

async function main(): Promise<boolean> {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: node --import tsx examples/send-file.ts <input file> <output file>");
    return false;
  }
  const size = statSync(input).size;
  console.log(`sending ${input} (${formatMiB(size)} MiB) to a receiving process, which writes ${output}`);
  const bar = new ProgressBar(Math.max(size, 1));
  const result = await sendToChildProcess(createReadStream(input), { name: basename(input), size, output, onProgress: ({ bytes }) => bar.update(bytes) });
  bar.done();
  const match = result.receiver.bytes === size && result.receiver.sha256 === result.sender.sha256;
  console.log(`received "${result.receiver.name}": ${formatMiB(result.receiver.bytes)} MiB in ${result.seconds.toFixed(2)} s (${formatMiB(result.receiver.bytes / result.seconds)} MiB/s)`);
  console.log(`peak memory growth: sender ${result.sender.peakGrowthMiB.toFixed(1)} MiB, receiver ${result.receiver.peakGrowthMiB.toFixed(1)} MiB`);
  console.log(`SHA-256 read     ${result.sender.sha256}`);
  console.log(`SHA-256 written  ${result.receiver.sha256}`);
  console.log(`SHA-256 match: ${match ? "yes" : "NO"}`);
  return match;
}

// Exit explicitly: @roamhq/wrtc can keep a finished process alive.
main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
