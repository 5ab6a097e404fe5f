// The example signaling server (examples/signaling-server) on loopback: relaying within a
// room, its limits (room full, room count, message size), bad input answered with an error
// message while the server keeps serving, clean shutdown, and two real rxpeer peers
// connecting through it with roomChannel() + connectSignaling().
import { afterEach, describe, expect, it } from "vitest";
import { firstValueFrom, filter } from "rxjs";
import { WebSocket } from "ws";
import wrtc from "@roamhq/wrtc";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { connectSignaling } from "../../operators/index.js";
import { startSignalingServer, type SignalingServer, type SignalingServerOptions } from "../../examples/signaling-server/server.js";
import { roomChannel } from "../../examples/signaling-server/client.js";
import type { SignalingError } from "../../examples/signaling-server/protocol.js";

const servers: SignalingServer[] = [];
const sockets: WebSocket[] = [];
const peers: Peer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.destroy();
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const server = await startSignalingServer(options);
  servers.push(server);
  return server;
}

/** A raw client: its messages, parsed, in a queue to await one at a time. */
interface Client {
  socket: WebSocket;
  next(): Promise<unknown>;
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(url: string): Promise<Client> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const queue: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  socket.on("message", (data, isBinary) => {
    const message: unknown = isBinary ? data : JSON.parse(String(data));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    closed,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))),
  };
}

function send(client: Client, message: unknown): void {
  client.socket.send(typeof message === "string" ? message : JSON.stringify(message));
}

const offer = { type: "sdp", data: { type: "offer", sdp: "v=0\r\n" } };
const answer = { type: "sdp", data: { type: "answer", sdp: "v=0\r\n" } };

function errorCode(message: unknown): string | undefined {
  const error = message as Partial<SignalingError>;
  return error.type === "signaling-error" ? error.code : undefined;
}

describe("example signaling server", () => {
  it("relays each message to the other client of the room, holding what was sent before it joined", async () => {
    const server = await start();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const alice = await connect(`${server.url}/room-1`);
    send(alice, offer); // nobody else yet: held
    const bob = await connect(`${server.url}/room-1`);
    expect(await bob.next()).toEqual(offer);
    send(bob, answer);
    expect(await alice.next()).toEqual(answer);

    // Another room is another pair: nothing crosses over.
    const carol = await connect(`${server.url}/room-2`);
    const dave = await connect(`${server.url}/room-2`);
    send(carol, { type: "candidate", data: { candidate: "", sdpMid: "0" } });
    expect(await dave.next()).toEqual({ type: "candidate", data: { candidate: "", sdpMid: "0" } });
    send(alice, { hello: "bob" });
    expect(await bob.next()).toEqual({ hello: "bob" });
    expect(server.roomCount).toBe(2);
  });

  it("refuses a third client with ROOM_FULL and closes it; the room goes on", async () => {
    const server = await start();
    const alice = await connect(`${server.url}/full`);
    const bob = await connect(`${server.url}/full`);
    const eve = await connect(`${server.url}/full`);
    expect(errorCode(await eve.next())).toBe("ROOM_FULL");
    expect((await eve.closed).code).toBe(4001);
    send(alice, offer);
    expect(await bob.next()).toEqual(offer);
  });

  it("caps the number of rooms, and frees a room when its last client leaves", async () => {
    const server = await start({ maxRooms: 1 });
    const first = await connect(`${server.url}/only`);
    const refused = await connect(`${server.url}/another`);
    expect(errorCode(await refused.next())).toBe("TOO_MANY_ROOMS");
    expect((await refused.closed).code).toBe(4002);
    first.socket.close();
    await first.closed;
    await waitFor(() => server.roomCount === 0);
    const later = await connect(`${server.url}/another`);
    const partner = await connect(`${server.url}/another`);
    send(later, offer);
    expect(await partner.next()).toEqual(offer);
  });

  it("refuses a bad room name with BAD_ROOM", async () => {
    const server = await start();
    for (const path of ["/", "/a/b", `/${"x".repeat(65)}`, "/%E0%A4%A"]) {
      const client = await connect(`${server.url}${path}`);
      expect(errorCode(await client.next())).toBe("BAD_ROOM");
      expect((await client.closed).code).toBe(4000);
    }
  });

  it("answers malformed messages with MALFORMED, relays none of them, and keeps serving", async () => {
    const server = await start();
    const alice = await connect(`${server.url}/messy`);
    const bob = await connect(`${server.url}/messy`);
    for (const bad of ["{not json", "[1,2,3]", "null", '"a string"', "42"]) {
      send(alice, bad);
      const reply = (await alice.next()) as SignalingError;
      expect(reply.code).toBe("MALFORMED");
      expect(reply.message).toMatch(/JSON object/);
    }
    alice.socket.send(new Uint8Array([1, 2, 3]), { binary: true });
    expect(errorCode(await alice.next())).toBe("MALFORMED");
    // Only the good message after all that reaches bob.
    send(alice, offer);
    expect(await bob.next()).toEqual(offer);
  });

  it("refuses a message over maxMessageBytes with TOO_LARGE, and drops a client that sends far more", async () => {
    const server = await start({ maxMessageBytes: 1024 });
    const alice = await connect(`${server.url}/big`);
    const bob = await connect(`${server.url}/big`);
    send(alice, { type: "sdp", data: { type: "offer", sdp: "v=0" + "x".repeat(2000) } });
    const reply = (await alice.next()) as SignalingError;
    expect(reply.code).toBe("TOO_LARGE");
    expect(reply.message).toMatch(/over the limit of 1024/);
    send(alice, offer);
    expect(await bob.next()).toEqual(offer); // the big one was not relayed

    // Past 4x the limit, ws refuses the frame unread and closes with 1009 (message too big).
    send(bob, { blob: "y".repeat(8192) });
    expect((await bob.closed).code).toBe(1009);
    const carol = await connect(`${server.url}/big`); // bob's seat is free again
    send(alice, answer);
    expect(await carol.next()).toEqual(answer);
  });

  it("drops a client that stops answering pings, and frees its seat", async () => {
    const server = await start({ heartbeatMs: 50 });
    const silent = new WebSocket(`${server.url}/quiet`, { autoPong: false });
    sockets.push(silent);
    const dropped = new Promise<void>((resolve) => silent.once("close", () => resolve()));
    const answering = await connect(`${server.url}/quiet`);
    await dropped;
    const next = await connect(`${server.url}/quiet`);
    send(answering, offer);
    expect(await next.next()).toEqual(offer);
  });

  it("shuts down cleanly: clients get 1001, the port stops listening, close() is idempotent", async () => {
    const server = await startSignalingServer(); // closed by this test, not afterEach
    const alice = await connect(`${server.url}/bye`);
    const bob = await connect(`${server.url}/bye`);
    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    expect((await alice.closed).code).toBe(1001);
    expect((await bob.closed).code).toBe(1001);
    expect(server.roomCount).toBe(0);
    await expect(connect(`${server.url}/bye`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("connects two rxpeer peers through a room with roomChannel() + connectSignaling()", async () => {
    const server = await start();
    const implementation = wrtc as unknown as WebRTCImplementation;
    const alice = new Peer({ initiator: true, wrtc: implementation, debug: 0 });
    const bob = new Peer({ wrtc: implementation, debug: 0 });
    peers.push(alice, bob);
    const serverErrors: SignalingError[] = [];
    const options = { WebSocketCtor: WebSocket, onServerError: (e: SignalingError) => serverErrors.push(e) };
    connectSignaling(alice, roomChannel(server.url, "peers", options));
    connectSignaling(bob, roomChannel(server.url, "peers", options));
    const greeting = firstValueFrom(bob.data$.pipe(filter((data) => typeof data === "string")));
    await firstValueFrom(alice.connect$);
    alice.send("hello over real signaling");
    expect(await greeting).toBe("hello over real signaling");
    expect(serverErrors).toEqual([]);
  });

  it("reaches a server that starts late, retrying with backoff", async () => {
    // Find a free port, then leave it empty for a moment.
    const probe = await startSignalingServer();
    const port = probe.port;
    await probe.close();

    // Counts sockets opened, so the test knows both clients have failed and retried.
    let attempts = 0;
    let retried: () => void = () => undefined;
    const bothRetried = new Promise<void>((resolve) => (retried = resolve));
    class CountingWebSocket extends WebSocket {
      constructor(address: string) {
        super(address);
        sockets.push(this);
        if (++attempts === 4) retried();
      }
    }
    const implementation = wrtc as unknown as WebRTCImplementation;
    const alice = new Peer({ initiator: true, wrtc: implementation, debug: 0 });
    const bob = new Peer({ wrtc: implementation, debug: 0 });
    peers.push(alice, bob);
    const options = { WebSocketCtor: CountingWebSocket, retry: { initialDelay: 20, maxDelay: 200, maxRetries: 20 } };
    const url = `ws://127.0.0.1:${port}`;
    connectSignaling(alice, roomChannel(url, "late", options));
    connectSignaling(bob, roomChannel(url, "late", options));
    await bothRetried;
    await start({ port });
    await Promise.all([firstValueFrom(alice.connect$), firstValueFrom(bob.connect$)]);
  });
});

/** Polls `condition` every 10 ms for up to 2 s: for server state that has no event. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met within 2 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
