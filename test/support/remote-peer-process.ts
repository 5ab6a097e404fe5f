// A Peer in a child Node process, for fault tests: the parent holds the other peer,
// carries signals over the IPC channel, and can SIGKILL this process mid-session.
// Messages from the parent: { signal } (applied with peer.signal), { send } (sent on the
// data channel), { destroy: true }, { closeChannel: true },
// { exit: true } (process.exit without closing anything), { busy: ms } (the event loop spins
// for ms in one task; the WebRTC threads run on). To the parent: { signal },
// { event: "connect" | "close" | "data", ... }.
import { Peer } from "../../src/index.js";
import { webrtcOf } from "./runtime.node.js";

/** A command from the parent (RemotePeer.command). */
export interface ParentMessage {
  signal?: unknown;
  send?: string;
  destroy?: boolean;
  closeChannel?: boolean;
  exit?: boolean;
  busy?: number;
}

const initiator = process.argv.includes("--initiator");
// @roamhq/wrtc, or node-datachannel's polyfill with --node-datachannel.
const peer = new Peer({ initiator, debug: 0, wrtc: webrtcOf(process.argv.includes("--node-datachannel") ? "node-datachannel" : "node") });
const tell = (message: object): void => {
  // With a callback, a send racing the parent's disconnect fails quietly instead of throwing.
  if (process.connected) process.send?.(message, undefined, {}, () => undefined);
};

peer.signal$.subscribe((signal) => tell({ signal }));
peer.connect$.subscribe(() => tell({ event: "connect", pid: process.pid }));
peer.data$.subscribe((data) => tell({ event: "data", data: typeof data === "string" ? data : `<${data.byteLength} bytes>` }));
peer.close$.subscribe(() => tell({ event: "close" }));

process.on("message", (message: ParentMessage) => {
  if (message.signal !== undefined) void peer.signal(message.signal as string);
  if (message.send !== undefined) peer.send(message.send);
  if (message.closeChannel) peer.channel?.close();
  if (message.destroy) peer.destroy();
  // Leaves without closing anything, as a crashing app would.
  if (message.exit) process.exit(0);
  if (message.busy !== undefined) {
    const end = performance.now() + message.busy;
    while (performance.now() < end);
  }
});
// The parent going away ends this process too, so no orphan keeps a connection open.
process.on("disconnect", () => {
  peer.destroy();
  process.exit(0);
});
