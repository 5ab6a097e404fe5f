/**
 * The receiving peer of the memory figure, in a process of its own so that what it
 * receives (and the garbage that leaves) never counts in the sender's memory. Signals
 * travel over the IPC channel; it counts bytes and reports once `expected` arrived.
 * Usage (forked by bench/memory.ts): memory-receiver.ts <expected bytes>
 */
import wrtc from "@roamhq/wrtc";
import { Peer, type SignalData, type WebRTCImplementation } from "../src/index.js";

const expected = Number(process.argv[2]);
const peer = new Peer({ debug: 0, wrtc: wrtc as unknown as WebRTCImplementation });
let received = 0;
peer.signal$.subscribe((signal) => process.send?.({ signal }));
peer.data$.subscribe((data) => {
  received += typeof data === "string" ? data.length : data.byteLength;
  if (received >= expected) process.send?.({ received });
});
process.on("message", (message: { signal?: SignalData }) => {
  if (message.signal) void peer.signal(message.signal);
});
// The sender going away ends this process, so no orphan keeps a connection open.
process.on("disconnect", () => {
  peer.destroy();
  process.exit(0);
});
