/**
 * `npm run demo`: rxpeer end to end on one machine, with no flags and no network beyond
 * loopback. It starts the example signaling server on a free port; two Node peers (alice
 * and bob, on @roamhq/wrtc) join one of its rooms through `connectSignaling` (a WebSocket
 * that reconnects with `retryBackoff`), chat, and then alice sends bob a 64 MiB file of
 * random bytes with `chunk()` + `sendTo()`, which bob reassembles with `dechunk()`.
 * It prints the throughput and whether the SHA-256 of what arrived matches, and exits 0
 * only if everything worked.
 *
 * RXPEER_DEMO_MIB sets the file size in MiB (default 64).
 */
import { createHash, randomBytes } from "node:crypto";
import wrtc from "@roamhq/wrtc";
import { filter, firstValueFrom, lastValueFrom, of, tap } from "rxjs";
import { WebSocket } from "ws";
import { Peer, type WebRTCImplementation } from "../src/index.js";
import { chunk, connectSignaling, dechunk, sendTo } from "../operators/index.js";
import { startSignalingServer } from "./signaling-server/server.js";
import { roomChannel } from "./signaling-server/client.js";
import { ProgressBar, formatMiB } from "./progress-bar.js";

const MiB = 1024 * 1024;
const TIMEOUT_MS = 120_000;

function fileSize(): number {
  const text = process.env.RXPEER_DEMO_MIB ?? "64";
  const mib = Number(text);
  if (!(mib > 0 && mib <= 1024)) throw new Error(`RXPEER_DEMO_MIB must be a number of MiB from 0 to 1024, got "${text}"`);
  return Math.round(mib * MiB);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function main(): Promise<boolean> {
  const size = fileSize();
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
    if (failures.length > 0) console.error(`errors:\n  ${failures.join("\n  ")}`);
    return match && failures.length === 0;
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
