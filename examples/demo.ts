/**
 * `npm run demo`: rxpeer end to end on one machine, with no flags and no network beyond
 * loopback. It starts the example signaling server on a free port; two Node peers (alice
 * and bob, on @roamhq/wrtc) join one of its rooms through `connectSignaling` (a WebSocket
 * that reconnects with `retryBackoff`), chat, and then alice sends bob a 64 MiB file of
 * random bytes with `chunk()` + `sendTo()`, which bob reassembles with `dechunk()`.
 * It prints the throughput and whether the SHA-256 of what arrived matches. Then this
 * process sends a generated 1 GiB file with `sendFile` to a receiving process it forks
 * (examples/file-transfer/receiver.ts, `receiveFiles` there), with a progress bar, and
 * prints each process's peak memory growth and the SHA-256 check. It exits 0 only if
 * everything worked.
 *
 * RXPEER_DEMO_MIB sets the chunk() file size in MiB (default 64); RXPEER_DEMO_FILE_MIB the
 * sendFile one (default 1024).
 */
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import wrtc from "@roamhq/wrtc";
import { filter, firstValueFrom, lastValueFrom, of, tap } from "rxjs";
import { WebSocket } from "ws";
import { Peer, type WebRTCImplementation } from "../src/index.js";
import { chunk, connectSignaling, dechunk, sendTo } from "../operators/index.js";
import { startSignalingServer } from "./signaling-server/server.js";
import { roomChannel } from "./signaling-server/client.js";
import { ProgressBar, formatMiB } from "./progress-bar.js";
import { sendToChildProcess } from "./file-transfer/send-to-child.js";

const MiB = 1024 * 1024;

function sizeFrom(variable: string, fallback: string, largest: number): number {
  const text = process.env[variable] ?? fallback;
  const mib = Number(text);
  if (!(mib > 0 && mib <= largest)) throw new Error(`${variable} must be a number of MiB from 0 to ${largest}, got "${text}"`);
  return Math.round(mib * MiB);
}
const fileSize = (): number => sizeFrom("RXPEER_DEMO_MIB", "64", 1024);
const streamedSize = (): number => sizeFrom("RXPEER_DEMO_FILE_MIB", "1024", 16 * 1024);
// Two minutes, and one more second for every 2 MiB sendFile moves (a slow, loaded machine).
const TIMEOUT_MS = 120_000 + (streamedSize() / (2 * MiB)) * 1000;

/** `size` random bytes, made 64 KiB at a time as they are read: a file that is never whole in memory. */
async function* generatedFile(size: number): AsyncGenerator<Uint8Array> {
  for (let made = 0; made < size; made += 64 * 1024) yield randomFillSync(Buffer.alloc(Math.min(64 * 1024, size - made)));
}

/** Sends a generated file of `size` bytes to a receiving process with sendFile; true if it arrived intact. */
async function sendGeneratedFile(size: number): Promise<boolean> {
  console.log(`\nthis process sends a generated ${formatMiB(size)} MiB file to a receiving process (sendFile; receiveFiles there, reading as it arrives)`);
  const bar = new ProgressBar(size);
  const result = await sendToChildProcess(generatedFile(size), { name: "generated.bin", size, onProgress: ({ bytes }) => bar.update(bytes) });
  bar.done();
  const match = result.receiver.bytes === size && result.receiver.sha256 === result.sender.sha256;
  console.log(`the receiver got "${result.receiver.name}": ${formatMiB(result.receiver.bytes)} MiB in ${result.seconds.toFixed(2)} s: ${formatMiB(result.receiver.bytes / result.seconds)} MiB/s`);
  console.log(`peak memory growth: sender ${result.sender.peakGrowthMiB.toFixed(1)} MiB, receiver ${result.receiver.peakGrowthMiB.toFixed(1)} MiB (for a ${formatMiB(size)} MiB file)`);
  console.log(`SHA-256 sent     ${result.sender.sha256}`);
  console.log(`SHA-256 received ${result.receiver.sha256}`);
  console.log(`SHA-256 match: ${match ? "yes" : "NO"}`);
  return match;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function main(): Promise<boolean> {
  const size = fileSize();
  const streamed = streamedSize();
  const server = await startSignalingServer(); // 127.0.0.1, a free port
  const room = `demo-${process.pid}`;
  console.log(`signaling server on ${server.url}, room "${room}"`);

  const implementation = wrtc as unknown as WebRTCImplementation;
  const alice = new Peer({ initiator: true, wrtc: implementation });
  const bob = new Peer({ wrtc: implementation });
  const failures: string[] = [];
  for (const [name, peer] of [["alice", alice], ["bob", bob]] as const) {
    peer.error$.subscribe((error) => failures.push(`${name}: ${error.code} ${error.message}`));
  }

  try {
    // Each peer talks to the server over its own WebSocket, as two machines would.
    // Node 20 has no global WebSocket: `ws` provides one.
    const channelOptions = {
      WebSocketCtor: WebSocket,
      onServerError: (error: { code: string; message: string }) => failures.push(`signaling server: ${error.code} ${error.message}`),
    };
    const started = performance.now();
    const signaling = [connectSignaling(alice, roomChannel(server.url, room, channelOptions)), connectSignaling(bob, roomChannel(server.url, room, channelOptions))];
    await Promise.all([firstValueFrom(alice.connect$), firstValueFrom(bob.connect$)]);
    console.log(`alice and bob connected in ${(performance.now() - started).toFixed(0)} ms (data channel "${bob.channelName}")\n`);

    // Chat: bob answers each line; text goes as plain strings, files as binary frames.
    const bobText = bob.data$.pipe(filter((data): data is string => typeof data === "string"));
    const aliceText = alice.data$.pipe(filter((data): data is string => typeof data === "string"));
    bobText.subscribe((line) => {
      console.log(`  alice > ${line}`);
      bob.send(line.endsWith("?") ? "fast, and every byte checked" : `got "${line}"`);
    });
    for (const line of ["hello bob", "how is the loopback today?", "sending you a file"]) {
      const reply = firstValueFrom(aliceText);
      alice.send(line);
      console.log(`  bob   > ${await reply}`);
    }

    // The file: random bytes, hashed before sending.
    const bytes = new Uint8Array(randomBytes(size));
    const sentHash = sha256(bytes);
    console.log(`\nalice sends ${formatMiB(size)} MiB of random bytes to bob (chunk + sendTo; dechunk at bob)`);
    const arrived = firstValueFrom(
      bob.data$.pipe(
        filter((data): data is ArrayBuffer => data instanceof ArrayBuffer),
        dechunk(),
      ),
    );
    // sendTo() counts bytes on the wire, frame headers included. chunk() makes all frames
    // of a message at once, so once it completes their sizes add up to the wire total,
    // and progress can be shown in bytes of the file.
    let wireBytes = 0;
    let framed = false;
    const bar = new ProgressBar(size);
    const transferStart = performance.now();
    await lastValueFrom(
      of(bytes).pipe(
        chunk(),
        tap({ next: (frame) => (wireBytes += frame.byteLength), complete: () => (framed = true) }),
        sendTo(alice),
        tap((sent) => framed && bar.update(Math.round((sent / wireBytes) * size))),
      ),
    );
    const file = await arrived;
    const seconds = (performance.now() - transferStart) / 1000;
    bar.done();

    const received = typeof file === "string" ? new Uint8Array(0) : new Uint8Array(file);
    const receivedHash = sha256(received);
    const match = received.byteLength === size && receivedHash === sentHash;
    console.log(`bob received ${formatMiB(received.byteLength)} MiB in ${seconds.toFixed(2)} s: ${formatMiB(received.byteLength / seconds)} MiB/s`);
    console.log(`SHA-256 sent     ${sentHash}`);
    console.log(`SHA-256 received ${receivedHash}`);
    console.log(`SHA-256 match: ${match ? "yes" : "NO"}`);

    for (const wiring of signaling) wiring.unsubscribe();
    const bobSawClose = firstValueFrom(bob.close$);
    alice.destroy();
    await bobSawClose;
    console.log("alice left; bob saw the channel close.");
    const streamedMatch = await sendGeneratedFile(streamed);
    if (failures.length > 0) console.error(`errors:\n  ${failures.join("\n  ")}`);
    return match && streamedMatch && failures.length === 0;
  } finally {
    alice.destroy();
    bob.destroy();
    await server.close();
  }
}

// A stuck transfer must not hang the command: fail after TIMEOUT_MS.
const guard = setTimeout(() => {
  console.error(`demo timed out after ${TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, TIMEOUT_MS);

// Exit explicitly: @roamhq/wrtc can keep a finished process alive.
main().then(
  (ok) => {
    clearTimeout(guard);
    process.exit(ok ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
