// The signaling server restarts in the middle of a session: the peers stay connected (the
// connection is peer to peer), their signaling channels (rxjs webSocket + retryBackoff,
// bound with connectSignaling) reconnect to the new server, and a renegotiation made after
// that (adding a track) goes through it and succeeds. Two ways to go: a graceful restart
// (close handshake, code 1001) and a crash (SIGKILL).
import { afterEach, describe, expect, it } from "vitest";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { filter, firstValueFrom } from "rxjs";
import { WebSocket } from "ws";
import wrtcModule from "@roamhq/wrtc";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { connectSignaling } from "../../operators/index.js";
import { roomChannel } from "../../examples/signaling-server/client.js";
import { startSignalingServer, type SignalingServer } from "../../examples/signaling-server/server.js";
import { framesArrive, mediaStream, videoTrack } from "../support/media.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;
const cli = fileURLToPath(new URL("../../examples/signaling-server/cli.ts", import.meta.url));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The server as a child process, so it can be killed like a crashing one. */
async function serverProcess(port: number): Promise<ChildProcess> {
  const child = fork(cli, ["--port", String(port), "--quiet"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "inherit", "ipc"] });
  cleanups.push(() => void child.kill("SIGKILL"));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (String(chunk).includes("rxpeer signaling server")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`signaling server exited with ${code}`)));
  });
  return child;
}

/** A free port: listen on 0, note it, close. */
async function freePort(): Promise<number> {
  const probe = await startSignalingServer();
  await probe.close();
  return probe.port;
}

async function connectedThrough(url: string, room: string): Promise<{ a: Peer; b: Peer }> {
  const a = new Peer({ initiator: true, debug: 0, wrtc });
  const b = new Peer({ debug: 0, wrtc });
  cleanups.push(() => {
    a.destroy();
    b.destroy();
  });
  for (const peer of [a, b]) {
    // roomChannel retries a failed socket and a clean close alike (a server restarting
    // gracefully closes with 1001); signals given while no socket is open wait for the next.
    const channel = roomChannel(url, room, { WebSocketCtor: WebSocket, retry: { initialDelay: 50, maxDelay: 500, maxRetries: 40 } });
    const wiring = connectSignaling(peer, channel);
    cleanups.push(() => wiring.unsubscribe());
  }
  await Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]);
  return { a, b };
}

/** After the restart: data still flows, and adding a track renegotiates through the new server. */
async function renegotiates(a: Peer, b: Peer): Promise<void> {
  const text = firstValueFrom(b.data$);
  a.send("across the restart");
  expect(await text).toBe("across the restart");
  const arrived = firstValueFrom(b.track$);
  const track = videoTrack();
  a.addTrack(track, mediaStream(track));
  const { track: remote } = await arrived;
  expect(remote.kind).toBe("video");
  await framesArrive(b, remote);
  // connected$ replays the current state: both ends are still connected after the renegotiation.
  expect(await firstValueFrom(a.connected$)).toBe(true);
  expect(await firstValueFrom(b.connected$)).toBe(true);
  expect(a.destroyed || b.destroyed).toBe(false);
}

describe("the signaling server restarts mid-session", () => {
  it("gracefully (close handshake): the channels reconnect and a renegotiation succeeds", async () => {
    const port = await freePort();
    let server: SignalingServer = await startSignalingServer({ port });
    cleanups.push(() => server.close());
    const { a, b } = await connectedThrough(server.url, "restart-graceful");

    await server.close();
    server = await startSignalingServer({ port });
    await renegotiates(a, b);
  }, 60_000);

  it("by crashing (SIGKILL): the channels reconnect and a renegotiation succeeds", async () => {
    const port = await freePort();
    const first = await serverProcess(port);
    const { a, b } = await connectedThrough(`ws://127.0.0.1:${port}`, "restart-crash");

    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    await serverProcess(port);
    await renegotiates(a, b);
  }, 60_000);
});
