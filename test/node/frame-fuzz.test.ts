// dechunk() and deserialize() fuzzed (short runs; test/soak runs more), and the memory a
// hostile sender can make dechunk() take, measured with process.memoryUsage().arrayBuffers.
import { describe, expect, it } from "vitest";
import { from, of } from "rxjs";
import { PeerError } from "../../src/index.js";
import { dechunk } from "../../operators/index.js";
import { FUZZ_MAX_MESSAGE_SIZE, fuzzDechunk, fuzzDeserialize, rawFrame, runSync } from "../support/frame-fuzz.js";

const MIB = 1024 * 1024;

function arrayBuffersRise(run: () => void): number {
  const before = process.memoryUsage().arrayBuffers;
  run();
  return process.memoryUsage().arrayBuffers - before;
}

describe("dechunk() under fuzzing", () => {
  it("ends 2,000 hostile frame sequences in completion or a frame error, within its memory limits", () => {
    const figures = fuzzDechunk(2_000);
    console.log(`[figure] dechunk fuzz: ${JSON.stringify(figures)}`);
    expect(figures.runs).toBe(2_000);
    // The runs did reach the limit: some allocated a message of about maxMessageSize, none more.
    expect(figures.peakArrayBufferRise).toBeGreaterThan(FUZZ_MAX_MESSAGE_SIZE / 2);
    expect(figures.tooLarge).toBeGreaterThan(0);
  });

  it("refuses a frame declaring 2 GiB under maxMessageSize 1 MiB without allocating it", () => {
    const total = 2 * 1024 * MIB;
    const stride = 16_352;
    const frame = rawFrame({ total, stride, count: Math.ceil(total / stride) }, stride);
    let outcome: ReturnType<typeof runSync> | undefined;
    const rise = arrayBuffersRise(() => (outcome = runSync(of(frame).pipe(dechunk({ maxMessageSize: MIB })))));
    console.log(`[figure] 2 GiB declared, 1 MiB allowed: arrayBuffers rose ${rise} bytes`);
    expect(outcome?.end).toBeInstanceOf(PeerError);
    expect((outcome?.end as PeerError).code).toBe("ERR_FRAME_TOO_LARGE");
    expect(rise).toBeLessThan(64 * 1024);
  });

  it("holds at most maxPendingBytes however many large messages a sender starts", () => {
    const total = MIB - 1;
    const stride = 16_352;
    // A thousand messages, each in its own stream, each declaring just under the limit, none completed.
    const frames = Array.from({ length: 1_000 }, (_, stream) => rawFrame({ stream, total, stride, count: Math.ceil(total / stride) }, stride));
    let outcome: ReturnType<typeof runSync> | undefined;
    const rise = arrayBuffersRise(() => (outcome = runSync(from(frames).pipe(dechunk({ maxMessageSize: MIB })))));
    console.log(`[figure] 1,000 messages of 1 MiB started, 1 MiB allowed: arrayBuffers rose ${rise} bytes`);
    expect((outcome?.end as PeerError).code).toBe("ERR_FRAME_TOO_LARGE");
    expect((outcome?.end as PeerError).message).toMatch(/maxPendingBytes/);
    expect(rise).toBeLessThan(MIB + 64 * 1024);
  });

  it("holds at most maxPendingMessages small incomplete messages", () => {
    const frames = Array.from({ length: 10_000 }, (_, seq) => rawFrame({ stream: 9, seq, total: 8, stride: 4, count: 2 }, 4));
    const { end } = runSync(from(frames).pipe(dechunk({ maxPendingMessages: 64 })));
    expect((end as PeerError).code).toBe("ERR_FRAME_TOO_LARGE");
    expect((end as PeerError).message).toMatch(/maxPendingMessages/);
  });
});

describe("deserialize() under fuzzing", () => {
  it("parses or refuses 1,000 hostile texts with ERR_FRAME_INVALID, never polluting a prototype", () => {
    const figures = fuzzDeserialize(1_000);
    console.log(`[figure] deserialize fuzz: ${JSON.stringify(figures)}`);
    expect(figures.parsed).toBeGreaterThan(0);
    expect(figures.refused).toBeGreaterThan(0);
  });
});
