/**
 * The receiving process of the files figure's raw series (forked by bench/files.ts): every
 * binary message of its peer goes into a hashing Node Writable; once `expected` bytes are
 * in, it reports bytes, SHA-256 and its peak memory growth over the IPC pipe.
 * Usage: files-raw-receiver.ts <expected bytes>
 */
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import wrtc from "@roamhq/wrtc";
import { firstValueFrom } from "rxjs";
import { Peer, type WebRTCImplementation } from "../src/index.js";
import { linkOverIpc } from "../examples/file-transfer/child-link.js";
import { trackPeakMemory } from "../examples/file-transfer/peak-memory.js";
import type { ReceiverReport } from "../examples/file-transfer/receiver.js";

const expected = Number(process.argv[2]);
const peer = new Peer({ debug: 0, wrtc: wrtc as unknown as WebRTCImplementation });
linkOverIpc(peer);
const hash = createHash("sha256");
let received = 0;
// The raw channel has no flow control: what arrives is written at once, whatever the sink's backpressure says.
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    hash.update(chunk);
    done();
  },
});
void firstValueFrom(peer.connect$).then(() => {
  const stop = trackPeakMemory();
  peer.data$.subscribe((data) => {
    if (typeof data === "string") return;
    sink.write(new Uint8Array(data));
    received += data.byteLength;
    if (received < expected) return;
    const report: ReceiverReport = { name: "raw", bytes: received, sha256: hash.digest("hex"), peakGrowthMiB: stop() };
    process.send?.({ report });
  });
});
process.on("disconnect", () => {
  peer.destroy();
  process.exit(0);
});
