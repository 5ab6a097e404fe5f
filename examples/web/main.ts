/**
 * `npm run demo:web`: serves the web demo on http://127.0.0.1:8080/ (PORT and HOST change
 * that; PORT=0 picks a free port) until Ctrl-C. Open the page: two peers, alice and bob,
 * connect through the signaling server, then chat, share a camera and send files. It also
 * prints a URL with a room in it: opened in two tabs, each tab is one of the two peers.
 */
import { startWebDemo } from "./server.js";
import { closeOnExitSignals } from "../close-on-exit-signals.js";

const port = Number(process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}
const demo = await startWebDemo({ port, host: process.env.HOST ?? "127.0.0.1" });
console.log(`rxpeer web demo: open ${demo.url}  (signaling on ${demo.signalingUrl}; Ctrl-C to stop)`);
// A room of its own: the page in two tabs (or on two machines that reach this server), one peer each.
console.log(`or pair two tabs: open ${demo.url}?room=tabs-${Math.random().toString(36).slice(2, 8)}&tab in both`);

closeOnExitSignals(demo);
