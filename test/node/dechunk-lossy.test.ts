// dechunk({ lossy: true }) for unreliable channels: frames are lost, so incomplete messages
// must be dropped and reported, never held without bound, never holding back the messages
// after them, and never ending the output. Without `lossy`, the same input ends in an error.
import { describe, expect, it } from "vitest";
import { from } from "rxjs";
import { PeerError } from "../../src/index.js";
import { chunk, dechunk, type DroppedMessage } from "../../operators/index.js";
import { runSync } from "../support/frame-fuzz.js";
import { forceGc } from "../support/gc.js";

/** Frames of `messages`, from one chunk() stream (seq 0, 1, 2, ...), grouped per message. */
function framesPerMessage(messages: string[], chunkSize: number): ArrayBuffer[][] {
  const groups: ArrayBuffer[][] = messages.map(() => []);
  from(messages)
    .pipe(chunk({ chunkSize }))
    .subscribe((frame) => groups[new DataView(frame).getUint32(8)]?.push(frame));
  return groups;
}

const text = (i: number): string => `message ${String(i).padStart(6, "0")} `.repeat(12); // 180 bytes: 2 frames at chunkSize 132

describe("dechunk({ lossy: true })", () => {
  it("delivers every complete message and reports each incomplete one as dropped", () => {
    const groups = framesPerMessage(Array.from({ length: 10 }, (_, i) => text(i)), 132);
    expect(groups.every((group) => group.length === 2)).toBe(true);
    // Message 3 loses its last frame, message 7 its first.
    const frames = groups.flatMap((group, i) => (i === 3 ? group.slice(0, 1) : i === 7 ? group.slice(1) : group));
    const drops: DroppedMessage[] = [];
    const { values, end } = runSync(from(frames).pipe(dechunk({ lossy: true, onDrop: (d) => drops.push(d) })));
    expect(end).toBe("complete");
    expect(values).toEqual([0, 1, 2, 4, 5, 6, 8, 9].map(text));
    expect(drops.map(({ seq, received, count, reason }) => ({ seq, received, count, reason }))).toEqual([
      { seq: 3, received: 1, count: 2, reason: "ended" },
      { seq: 7, received: 1, count: 2, reason: "ended" },
    ]);

    // Without lossy, the lost frame of message 3 holds back every later message, then ends in an error.
    const strict = runSync(from(frames).pipe(dechunk()));
    expect(strict.values).toEqual([0, 1, 2].map(text));
    expect((strict.end as PeerError).code).toBe("ERR_FRAME_INVALID");
  });

  it("drops the oldest incomplete message when maxPendingMessages would be passed", () => {
    const groups = framesPerMessage(Array.from({ length: 6 }, (_, i) => text(i)), 132);
    // First frames of messages 0-4 (none completes), then all of message 5.
    const frames = [...groups.slice(0, 5).map((group) => group[0] as ArrayBuffer), ...(groups[5] as ArrayBuffer[])];
    const drops: DroppedMessage[] = [];
    const { values, end } = runSync(from(frames).pipe(dechunk({ lossy: true, maxPendingMessages: 3, onDrop: (d) => drops.push(d) })));
    expect(end).toBe("complete");
    expect(values).toEqual([text(5)]);
    // 0 and 1 made room for 3 and 4, 2 for 5; 3 and 4 were left when the frames ended.
    expect(drops.map((d) => [d.seq, d.reason])).toEqual([[0, "evicted"], [1, "evicted"], [2, "evicted"], [3, "ended"], [4, "ended"]]);
  });

  it("drops to stay within maxPendingBytes", () => {
    const big = "x".repeat(3000);
    const groups = framesPerMessage([big, big, big], 1032); // 3 frames each
    const frames = [groups[0]?.[0], groups[1]?.[0], ...(groups[2] ?? [])] as ArrayBuffer[];
    const drops: DroppedMessage[] = [];
    const { values, end } = runSync(from(frames).pipe(dechunk({ lossy: true, maxPendingBytes: 7000, onDrop: (d) => drops.push(d) })));
    expect(end).toBe("complete");
    expect(values).toEqual([big]);
    expect(drops.map((d) => [d.seq, d.reason])).toEqual([[0, "evicted"], [1, "ended"]]);
  });

  it("stays bounded over 100,000 messages that lose a frame every other time", () => {
    /** What is held after a full GC: heap plus buffers. Noise from the test worker only adds to it. */
    const held = (): number => {
      forceGc();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const samples: number[] = [];
    let delivered = 0;
    let dropped = 0;
    let ended = 0;
    let end: unknown;
    const subscription = from(
      (function* frames(): Generator<ArrayBuffer> {
        const groups = framesPerMessage([text(0)], 132)[0] ?? [];
        for (let seq = 0; seq < 100_000; seq++) {
          for (const [index, frame] of groups.entries()) {
            if (seq % 2 === 1 && index === 1) continue; // lost
            const copy = frame.slice(0);
            new DataView(copy).setUint32(8, seq); // renumber: one stream, seq 0, 1, 2, ...
            yield copy;
          }
          if (seq % 10_000 === 9_999) samples.push(held());
        }
      })(),
    )
      .pipe(
        dechunk({
          lossy: true,
          maxPendingMessages: 64,
          onDrop: (drop) => {
            dropped++;
            if (drop.reason === "ended") ended++;
          },
        }),
      )
      .subscribe({ next: () => delivered++, complete: () => (end = "complete"), error: (e: unknown) => (end = e) });
    subscription.unsubscribe();
    const firstHalf = Math.min(...samples.slice(0, 5));
    const secondHalf = Math.min(...samples.slice(5));
    console.log(`[figure] lossy dechunk, 100,000 messages, every other one missing a frame: ${delivered} delivered, ${dropped} dropped, held after GC grew ${secondHalf - firstHalf} bytes from the first half to the second`);
    expect(end).toBe("complete");
    expect(delivered).toBe(50_000);
    expect(dropped).toBe(50_000);
    // Never more than maxPendingMessages held: those are what was left at the end. Every
    // other lossy message was dropped (and released) when a new one needed its room, so
    // what is held does not grow with the count. The heap figure above is logged, not
    // asserted: GC timing on a loaded 2-core machine moved it by more than a megabyte.
    expect(ended).toBeLessThanOrEqual(64);
    expect(ended).toBeGreaterThan(0);
  });

  it("still errors on a malformed frame", () => {
    const { end } = runSync(from([new ArrayBuffer(8)]).pipe(dechunk({ lossy: true })));
    expect((end as PeerError).code).toBe("ERR_FRAME_INVALID");
  });
});
