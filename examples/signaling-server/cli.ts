/**
 * Runs the example signaling server until Ctrl-C:
 *
 *   npm run signaling-server -- --port 8080 --host 0.0.0.0
 *
 * Options (or the environment variables PORT and HOST): --port (default 8080), --host
 * (default 127.0.0.1, loopback only), --max-rooms, --max-message-bytes, --quiet.
 */
import { parseArgs } from "node:util";
import { startSignalingServer } from "./server.js";
import { closeOnExitSignals } from "../close-on-exit-signals.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8080" },
    host: { type: "string", default: process.env.HOST ?? "127.0.0.1" },
    "max-rooms": { type: "string", default: "1000" },
    "max-message-bytes": { type: "string", default: String(64 * 1024) },
    quiet: { type: "boolean", default: false },
  },
});

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const server = await startSignalingServer({
  port: integer("port", values.port),
  host: values.host,
  maxRooms: integer("max-rooms", values["max-rooms"]),
  maxMessageBytes: integer("max-message-bytes", values["max-message-bytes"]),
  log: values.quiet ? undefined : (line) => console.log(`[signaling] ${line}`),
});
console.log(`rxpeer signaling server: peers join a room at ${server.url}/<room>  (Ctrl-C to stop)`);

closeOnExitSignals(server);
