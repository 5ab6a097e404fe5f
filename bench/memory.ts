/**
 * Figure 4 (Node only): peak resident memory of the sending process while it sends
 * `total` bytes to a peer in another process (bench/memory-receiver.ts), so the figure
 * is the sender's alone. Three ways of sending:
 * - "rxpeer-stream": chunk() + sendTo() fed from a source read 1 MiB at a time, each
 *   slice made when sendTo reports what came before nearly sent (the on-demand pattern
 *   sendTo's docs describe);
 * - "rxpeer-message": chunk() + sendTo() of the whole payload as one message (the
 *   payload is allocated before the baseline, so only what sending adds counts);
 * - "raw-stream", the floor: 64 KiB `channel.send` of one reused buffer with the raw
 *   loop's backpressure, on the same kind of connection;
 * - "raw-fresh": the same with a fresh 64 KiB ArrayBuffer per send, as an app that reads
 *   each piece into a new buffer does: what garbage waiting for the collector costs.
 */
import wrtc from "@roamhq/wrtc";
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Subject, filter, firstValueFrom, lastValueFrom, of } from "rxjs";
import { Peer, type SignalData, type WebRTCImplementation } from "../src/index.js";
import { chunk, sendTo } from "../operators/index.js";
import { DEFAULT_CHUNK_SIZE, HEADER_SIZE } from "../operators/frame.js";
import { sendWithBackpressure, type Watermarks } from "./contenders/raw.js";
import { watchLink, type LinkWatch } from "./link-watch.js";
import { nextTask } from "./transport.js";
import { withTimeout } from "./workloads.js";

export type MemoryMode = "raw-stream" | "raw-fresh" | "rxpeer-stream" | "rxpeer-message";

export interface MemoryResult {
  /** Peak resident memory above the level just before sending, MiB. */
  growthMiB: number;
  mibPerSecond: number;
  intact: boolean;
}

const MiB = 1024 * 1024;
/** Size of each piece of a streamed source: a file read one slice at a time. */
const SLICE = MiB;
/**
 * How far a streamed source may run ahead of what `sendTo` reports sent: one slice, so the
 * next is read as soon as less than one is waiting (the channel's own queue keeps it fed).
 */
const LOOKAHEAD = SLICE;
const FRAME_PAYLOAD = DEFAULT_CHUNK_SIZE - HEADER_SIZE;
const TIMEOUT_MS = 180_000;

/** Bytes on the wire for `total` payload bytes in messages of `message` bytes, cut into default chunk() frames. */
function framedSize(total: number, message: number): number {
  return total + (total / message) * Math.ceil(message / FRAME_PAYLOAD) * HEADER_SIZE;
}

/** Sends `total` bytes the `mode` way and returns the sending process's peak RSS growth. */
export async function measureMemory(mode: MemoryMode, total: number, marks: Watermarks): Promise<MemoryResult> {
  const expected = mode.startsWith("raw") ? total : framedSize(total, mode === "rxpeer-stream" ? SLICE : total);
  const receiver = fork(join(dirname(fileURLToPath(import.meta.url)), "memory-receiver.ts"), [String(expected)], { execArgv: ["--import", "tsx"] });
  const peer = new Peer({ debug: 0, initiator: true, wrtc: wrtc as unknown as WebRTCImplementation });
  const link = watchLink(peer, receiver);
  try {
    let receivedAll: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (receivedAll = resolve));
    peer.signal$.subscribe((signal) => receiver.send({ signal }));
    receiver.on("message", (message: { signal?: SignalData; received?: number }) => {
      if (message.signal) void peer.signal(message.signal);
      if (message.received !== undefined) receivedAll();
    });
    await withTimeout(firstValueFrom(peer.connected$.pipe(filter(Boolean))), 20_000);
    const payload = new Uint8Array(mode === "rxpeer-message" ? total : SLICE).fill(7);
    await nextTask(50);
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage.rss();
    const peakBefore = peakRss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    const start = performance.now();
    const sending =
      mode === "raw-stream" || mode === "raw-fresh"
        ? sendRaw(peer, link, payload.buffer.slice(0, 64 * 1024), total, marks, mode === "raw-fresh")
        : mode === "rxpeer-message"
          ? lastValueFrom(of(payload.buffer).pipe(chunk(), sendTo(peer)))
          : sendStreamed(peer, payload, total);
    // A link lost part-way ends the measurement at once, with what is known of why.
    await Promise.race([sending, link.lost]);
    await withTimeout(Promise.race([arrived, link.lost]), TIMEOUT_MS);
    const ms = performance.now() - start;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    // The kernel's peak catches what 5 ms sampling misses, but only counts if it was set during this run.
    const peakAfter = peakRss();
    if (peakAfter > peakBefore) peak = Math.max(peak, peakAfter);
    return { growthMiB: (peak - baseline) / MiB, mibPerSecond: total / MiB / (ms / 1000), intact: true };
  } finally {
    peer.destroy();
    receiver.kill();
  }
}

/** The process's peak resident memory so far, bytes (ru_maxrss is in KiB on Linux). */
function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function sendRaw(peer: Peer, link: LinkWatch, piece: ArrayBuffer, total: number, marks: Watermarks, fresh: boolean): Promise<unknown> {
  const channel = peer.channel;
  if (!channel) throw new Error("no data channel");
  function* pieces(): Generator<ArrayBuffer> {
    for (let sent = 0; sent < total; sent += piece.byteLength) yield fresh ? piece.slice(0) : piece;
  }
  return sendWithBackpressure(channel, link.send(channel), pieces(), marks);
}

/**
 * One slice at a time into chunk() + sendTo(), the next made as soon as what is queued falls
 * under LOOKAHEAD, from inside sendTo's emission: the on-demand pattern its docs describe.
 */
function sendStreamed(peer: Peer, slice: Uint8Array<ArrayBuffer>, total: number): Promise<void> {
  const source = new Subject<ArrayBuffer>();
  let made = 0;
  let sent = 0;
  const produce = (): void => {
    while (made < total && made - sent < LOOKAHEAD) {
      made += slice.byteLength;
      source.next(slice.buffer);
    }
    if (made >= total) source.complete();
  };
  return new Promise((resolve, reject) => {
    source.pipe(chunk(), sendTo(peer)).subscribe({
      next: (bytes) => {
        // sendTo counts frame bytes (payload plus headers), slightly ahead of payload bytes.
        sent = bytes;
        produce();
      },
      complete: resolve,
      error: reject,
    });
    produce();
  });
}
