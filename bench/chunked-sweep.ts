// A/B sweep for one chunked message (chunk() + sendTo() + dechunk()) against the raw 64 KiB
// loop, in one process, the variants taking turns (the order rotating), each transfer on a
// fresh pair. Variants: sendTo()'s watermarks, chunk()'s frame size, and how the receiver
// reassembles (dechunk()'s buffer of the announced size, or pieces joined at the end).
// (The poll period was swept once through a temporary hook in drained.ts: docs/benchmarks.md.)
// Run: node --import tsx bench/chunked-sweep.ts [node|node-datachannel] [MiB] [rounds] [variant,...]
import wrtc from "@roamhq/wrtc";
import * as nodeDatachannel from "node-datachannel/polyfill";
import { Observable, firstValueFrom, lastValueFrom, of, type OperatorFunction } from "rxjs";
import { chunk, dechunk, sendTo, type SendToOptions } from "../operators/index.js";
import { HEADER_SIZE, readFrameHeader } from "../operators/frame.js";
import { rawContender } from "./contenders/raw.js";
import { connectRxpeer } from "./contenders/rxpeer.js";
import { EVENT_WATERMARKS, NODE_WATERMARKS } from "./node-runtime.js";
import { nextTask, type WebRTC } from "./transport.js";
import { makeMessages, oneWay } from "./workloads.js";
import { udpDrops, udpDropsSince } from "./udp-drops.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const runtime = process.argv[2] ?? "node";
const mib = Number(process.argv[3] ?? 64);
const rounds = Number(process.argv[4] ?? 6);
const webrtc = (runtime === "node" ? wrtc : nodeDatachannel) as unknown as WebRTC;

interface Variant {
  chunkSize?: number;
  marks?: SendToOptions;
  pieces?: boolean;
}
const VARIANTS: Record<string, Variant> = {
  main: {},
  "1M/512K": { marks: { highWaterMark: MiB, lowWaterMark: 512 * KiB } },
  "2M/512K": { marks: { highWaterMark: 2 * MiB, lowWaterMark: 512 * KiB } },
  "2M/1M": { marks: { highWaterMark: 2 * MiB, lowWaterMark: MiB } },
  "4M/1M": { marks: { highWaterMark: 4 * MiB, lowWaterMark: MiB } },
  "4M/2M": { marks: { highWaterMark: 4 * MiB, lowWaterMark: 2 * MiB } },
  "8M/2M": { marks: { highWaterMark: 8 * MiB, lowWaterMark: 2 * MiB } },
  "256K/64K": { marks: { highWaterMark: 256 * KiB, lowWaterMark: 64 * KiB } },
  "128K/32K": { marks: { highWaterMark: 128 * KiB, lowWaterMark: 32 * KiB } },
  "1M/256K": { marks: { highWaterMark: MiB, lowWaterMark: 256 * KiB } },
  pieces: { pieces: true },
  chunk32: { chunkSize: 32 * KiB },
  chunk64: { chunkSize: 64 * KiB },
};
const picked = (process.argv[5] ?? "main,2M/512K,4M/1M,pieces").split(",");
const names = ["raw", ...picked];
for (const name of picked) if (!VARIANTS[name]) throw new Error(`unknown variant ${name}`);

/** Pieces kept as they arrive (views into the received frames) and joined once the last is in: one message at a time. */
function piecesDechunk(): OperatorFunction<unknown, ArrayBuffer> {
  return (source) =>
    new Observable<ArrayBuffer>((subscriber) => {
      let pieces: Uint8Array[] = [];
      let missing = 0;
      return source.subscribe({
        next: (frame) => {
          const bytes = new Uint8Array(frame as ArrayBuffer);
          const header = readFrameHeader(bytes, 512 * MiB);
          if (missing === 0) {
            pieces = new Array<Uint8Array>(header.count);
            missing = header.count;
          }
          pieces[header.index] = bytes.subarray(HEADER_SIZE);
          if (--missing > 0) return;
          const whole = new Uint8Array(header.total);
          let at = 0;
          for (const piece of pieces) {
            whole.set(piece, at);
            at += piece.byteLength;
          }
          pieces = [];
          subscriber.next(whole.buffer);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}

async function chunked(variant: Variant, payload: Uint8Array<ArrayBuffer>): Promise<number> {
  const { peerA, peerB } = await connectRxpeer(webrtc);
  try {
    await nextTask(20);
    let last = performance.now();
    let gap = 0;
    let gapAt = 0;
    let frames = 0;
    peerB.data$.subscribe(() => {
      const now = performance.now();
      if (now - last > gap) {
        gap = now - last;
        gapAt = frames;
      }
      last = now;
      frames++;
    });
    peerB.error$.subscribe((e) => console.log(`b error ${e.code} ${e.message}`));
    peerA.error$.subscribe((e) => console.log(`a error ${e.code} ${e.message}`));
    const received = firstValueFrom(peerB.data$.pipe(variant.pieces ? piecesDechunk() : dechunk()));
    const start = performance.now();
    await lastValueFrom(of(payload.buffer).pipe(chunk(variant.chunkSize === undefined ? {} : { chunkSize: variant.chunkSize }), sendTo(peerA, variant.marks)));
    const message = await received;
    const ms = performance.now() - start;
    if (!(message instanceof ArrayBuffer) || message.byteLength !== payload.byteLength || new Uint8Array(message)[payload.byteLength - 1] !== payload[payload.byteLength - 1]) throw new Error("not intact");
    if (gap > 300) console.log(`  longest gap at the receiver ${gap.toFixed(0)} ms, after frame ${gapAt} of ${frames}; transfer ${ms.toFixed(0)} ms`);
    return mib / (ms / 1000);
  } finally {
    peerA.destroy();
    peerB.destroy();
  }
}

const payload = new Uint8Array(mib * MiB);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >>> 16)) & 0xff;
const messages = makeMessages((mib * MiB) / (64 * KiB), 64 * KiB);
const raw = rawContender(webrtc, runtime === "node" ? NODE_WATERMARKS : EVENT_WATERMARKS);
const rates = new Map<string, number[]>(names.map((name) => [name, []]));
const ratios = new Map<string, number[]>(picked.map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length] ?? "raw");
  const got = new Map<string, number>();
  const dropped: string[] = [];
  for (const name of order) {
    let rate: number;
    const dropsBefore = udpDrops();
    if (name === "raw") {
      const pair = await raw.connect();
      try {
        await nextTask(20);
        let last = 0;
        let gap = 0;
        const onMessage = pair.b.onMessage;
        pair.b.onMessage = (listener) =>
          onMessage((data) => {
            const now = performance.now();
            if (last > 0) gap = Math.max(gap, now - last);
            last = now;
            listener(data);
          });
        rate = (await oneWay(raw, pair, messages)).mibPerSecond;
        if (gap > 300) console.log(`  raw: longest gap at the receiver ${gap.toFixed(0)} ms`);
      } finally {
        pair.close();
      }
    } else rate = await chunked(VARIANTS[name] ?? {}, payload);
    dropped.push(`${name} ${udpDropsSince(dropsBefore) ?? "?"}`);
    got.set(name, rate);
    rates.get(name)?.push(rate);
  }
  for (const name of picked) ratios.get(name)?.push((got.get(name) ?? 0) / (got.get("raw") ?? 1));
  console.log(`round ${round + 1}: ${names.map((name) => `${name} ${(got.get(name) ?? 0).toFixed(1)}`).join(", ")}; UDP datagrams dropped (receive buffer full): ${dropped.join(", ")}`);
}
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const range = (values: number[]): string => `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
console.log(`${runtime}, ${mib} MiB, ${rounds} rounds; load ${(await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ")}`);
for (const name of names) {
  const r = rates.get(name) ?? [];
  const q = ratios.get(name);
  console.log(`${name.padEnd(10)} ${median(r).toFixed(1)} MiB/s (${range(r)})${q ? `  x raw ${median(q).toFixed(2)} (${range(q)})` : ""}`);
}
process.exit(0);
