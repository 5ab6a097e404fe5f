/**
 * A WebSocket signaling server for rxpeer (or any peer whose signals are JSON): rooms of
 * two clients, each client's messages relayed to the other. An example to run and
 * adapt, not part of the library. The protocol is described in protocol.ts.
 *
 * Limits, so a misbehaving client costs little: at most `maxRooms` rooms, two clients a
 * room, `maxMessageBytes` a message (anything bigger is refused with an error message;
 * more than 4x that and `ws` drops the connection before reading it), `maxHeldMessages`
 * held for a client not yet in the room. Nothing a client sends can crash the server.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import { CLOSE_CODES, ROOM_NAME, type SignalingError, type SignalingErrorCode } from "./protocol.js";

export interface SignalingServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default "127.0.0.1": loopback only. */
  host?: string;
  /** Most rooms open at once; a client asking for one more is refused. Default 1000. */
  maxRooms?: number;
  /** Largest message relayed, in bytes. Default 64 KiB, far above any SDP. */
  maxMessageBytes?: number;
  /** Most messages held for a client that has not joined its room yet. Default 64. */
  maxHeldMessages?: number;
  /** Ping every client this often and drop those that did not answer the last ping. Default 30 s; 0 disables. */
  heartbeatMs?: number;
  /** Where to write one line per event (joins, leaves, refusals). Default: nowhere. */
  log?: (line: string) => void;
}

export interface SignalingServer {
  /** `ws://host:port`; clients connect to `${url}/<room>`. */
  readonly url: string;
  readonly port: number;
  /** Rooms currently open. */
  readonly roomCount: number;
  /** Closes every connection (code 1001) and stops listening; resolves once all is released. Idempotent. */
  close(): Promise<void>;
}

interface Room {
  readonly name: string;
  readonly members: Set<WebSocket>;
  /** Messages sent while the sender was alone, for whoever joins next. */
  held: { from: WebSocket; text: string }[];
}

/** How long `close()` lets clients answer the close handshake before cutting them off. */
const CLOSE_GRACE_MS = 1000;

/**
 * Starts a signaling server and resolves once it is listening.
 *
 * @example
 * ```ts
 * import { startSignalingServer } from "./examples/signaling-server/server.js";
 *
 * const server = await startSignalingServer({ port: 8080 });
 * console.log(`peers join rooms at ${server.url}/<room>`);
 * process.on("SIGINT", () => void server.close());
 * ```
 */
export async function startSignalingServer(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const {
    port = 0,
    host = "127.0.0.1",
    maxRooms = 1000,
    maxMessageBytes = 64 * 1024,
    maxHeldMessages = 64,
    heartbeatMs = 30_000,
    log = () => undefined,
  } = options;
  for (const [name, value] of Object.entries({ maxRooms, maxMessageBytes, maxHeldMessages, heartbeatMs })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`startSignalingServer(): ${name} must be an integer >= 0, got ${value}`);
  }

  const rooms = new Map<string, Room>();
  const roomOf = new Map<WebSocket, Room>();
  const alive = new WeakSet<WebSocket>();

  const http: Server = createServer((_request, response) => {
    response.writeHead(426, { "content-type": "text/plain" }).end("rxpeer signaling server: connect with a WebSocket to /<room>\n");
  });
  // Beyond 4x the relay limit, ws refuses the frame before buffering it and closes with 1009.
  const wss = new WebSocketServer({ server: http, maxPayload: Math.max(4 * maxMessageBytes, 1024) });
  wss.on("error", (error) => log(`server error: ${error.message}`));

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    socket.on("error", (error) => log(`client error: ${error.message}`));
    const name = roomName(request.url);
    if (name === undefined) return refuse(socket, "BAD_ROOM", `the path must be /<room>, a room being 1-64 of A-Z a-z 0-9 _ . -; got ${JSON.stringify(request.url ?? "")}`);
    let room = rooms.get(name);
    if (!room) {
      if (rooms.size >= maxRooms) return refuse(socket, "TOO_MANY_ROOMS", `the server holds its limit of ${maxRooms} rooms`);
      room = { name, members: new Set(), held: [] };
      rooms.set(name, room);
    }
    if (room.members.size >= 2) return refuse(socket, "ROOM_FULL", `room "${name}" already has two peers`);
    join(room, socket);
  });

  function join(room: Room, socket: WebSocket): void {
    room.members.add(socket);
    roomOf.set(socket, room);
    alive.add(socket);
    log(`join ${room.name} (${room.members.size}/2)`);
    // What the other member said while alone is for this one.
    const held = room.held;
    room.held = [];
    for (const { text } of held) socket.send(text);
    socket.on("pong", () => alive.add(socket));
    socket.on("message", (data: RawData, isBinary: boolean) => onMessage(room, socket, data, isBinary));
    socket.on("close", () => leave(room, socket));
  }

  function onMessage(room: Room, socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (isBinary) return reply(socket, "MALFORMED", "binary messages are not accepted: send each signal as JSON text");
    const size = byteLength(data);
    if (size > maxMessageBytes) return reply(socket, "TOO_LARGE", `message of ${size} bytes is over the limit of ${maxMessageBytes}; not relayed`);
    const text = textOf(data);
    if (!isJsonObject(text)) return reply(socket, "MALFORMED", "each message must be one JSON object; not relayed");
    const other = [...room.members].find((member) => member !== socket);
    if (other) {
      if (other.readyState === WebSocket.OPEN) other.send(text);
      return;
    }
    if (room.held.length >= maxHeldMessages) return reply(socket, "BACKLOG_FULL", `${maxHeldMessages} messages already wait for the other peer; not relayed`);
    room.held.push({ from: socket, text });
  }

  function leave(room: Room, socket: WebSocket): void {
    room.members.delete(socket);
    roomOf.delete(socket);
    // A peer that left takes its unheard signals with it: they describe a connection that is gone.
    room.held = room.held.filter((message) => message.from !== socket);
    if (room.members.size === 0) rooms.delete(room.name);
    log(`leave ${room.name} (${room.members.size}/2)`);
  }

  function refuse(socket: WebSocket, code: keyof typeof CLOSE_CODES, message: string): void {
    log(`refused: ${code}`);
    reply(socket, code, message);
    socket.close(CLOSE_CODES[code], code);
  }

  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const socket of roomOf.keys()) {
            if (!alive.has(socket)) {
              log("dropping a client that did not answer a ping");
              socket.terminate();
              continue;
            }
            alive.delete(socket);
            socket.ping();
          }
        }, heartbeatMs)
      : undefined;
  heartbeat?.unref();

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  http.on("error", (error) => log(`http error: ${error.message}`));
  const address = http.address() as AddressInfo;
  const url = `ws://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  log(`listening on ${url}`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(heartbeat);
      const sockets = [...wss.clients];
      await Promise.all(sockets.map((socket) => closeSocket(socket)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rooms.clear();
      log("closed");
    })();
    return closing;
  };

  return {
    url,
    port: address.port,
    get roomCount() {
      return rooms.size;
    },
    close,
  };
}

/** Sends one of the server's error messages. */
function reply(socket: WebSocket, code: SignalingErrorCode, message: string): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  const error: SignalingError = { type: "signaling-error", code, message };
  socket.send(JSON.stringify(error));
}

/** Closes with 1001 "going away", and cuts off a client that does not answer within the grace period. */
function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1001, "server shutting down");
  });
}

function roomName(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(new URL(path, "http://localhost").pathname.slice(1));
  } catch {
    return undefined;
  }
  return ROOM_NAME.test(name) ? name : undefined;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.byteLength, 0);
  return data.byteLength;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
