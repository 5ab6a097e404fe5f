// A pair the bench gives up on is closed, whatever state it got to: left connecting (or
// connected later) it stays alive in the process or page and loads whatever is measured
// after it. And a pair that does not greet in time is made again, for every contender
// alike (in Chromium an in-band channel's answerer now and then never sends its greeting).
import wrtc from "@roamhq/wrtc";
import RtcoPeer from "@rtco/peer";
import SimplePeer from "simple-peer";
import { afterEach, describe, expect, it } from "vitest";
import { rawContender } from "../../bench/contenders/raw.js";
import { rtcoContender, rtcoPeerConnection } from "../../bench/contenders/rtco.js";
import { rxpeerContender } from "../../bench/contenders/rxpeer.js";
import { simplePeerContender } from "../../bench/contenders/simple-peer.js";
import { NODE_WATERMARKS } from "../../bench/node-runtime.js";
import { connectWithin, retryingStuck, type Contender, type Pair, type WebRTC } from "../../bench/transport.js";
import { interleavedConnect } from "../../bench/workloads.js";

const WrtcPeerConnection = wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection;

/** @roamhq/wrtc's own RTCPeerConnection, each one made remembered, so a test can see what a contender left open. */
function recording(): { webrtc: WebRTC; made: RTCPeerConnection[] } {
  const made: RTCPeerConnection[] = [];
  class Recorded extends WrtcPeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  }
  return { webrtc: { RTCPeerConnection: Recorded }, made };
}

describe("bench: a contender's pair given up on while it connects", () => {
  const globals = globalThis as { RTCPeerConnection?: typeof RTCPeerConnection };
  const globalBefore = globals.RTCPeerConnection;
  afterEach(() => {
    globals.RTCPeerConnection = globalBefore;
  });

  const contenders: [string, (webrtc: WebRTC) => Contender][] = [
    ["raw", (webrtc) => rawContender(webrtc, NODE_WATERMARKS)],
    ["rxpeer", (webrtc) => rxpeerContender(webrtc, "sendTo", NODE_WATERMARKS)],
    ["simple-peer", (webrtc) => simplePeerContender(SimplePeer, webrtc)],
    [
      "@rtco/peer",
      (webrtc) => {
        // It finds RTCPeerConnection as a global, as bench/node-runtime.ts installs it.
        globals.RTCPeerConnection = rtcoPeerConnection(webrtc.RTCPeerConnection);
        return rtcoContender(RtcoPeer);
      },
    ],
  ];

  it.each(contenders)("%s: every RTCPeerConnection it made is closed when the bench stops waiting", async (_, make) => {
    const { webrtc, made } = recording();
    // 1 ms: long before any pair here connects (about 10 ms at best), so the pair is half-made.
    await expect(connectWithin(make(webrtc), 1)).rejects.toThrow("timed out after 1 ms");
    expect(made).toHaveLength(2);
    expect(made.map((pc) => pc.signalingState)).toEqual(["closed", "closed"]);
  });
});

// The connect figure's scheduler, with contenders that only count (who is asked for a pair,
// and what is closed, is what matters here; the pairs' WebRTC is what the bench measures).
describe("bench connect figure: a pair that never connects", () => {
  it("is aborted at the pair timeout, so the contender closes what it made, and that contender's figure says why", async () => {
    let closed = 0;
    const hanging: Contender = {
      name: "rtco",
      backpressure: false,
      connect: (signal) =>
        new Promise<Pair>((_, reject) =>
          signal?.addEventListener("abort", () => {
            closed++;
            reject(signal.reason);
          }),
        ),
    };
    const [result] = await interleavedConnect([hanging], 5, 50);
    expect(closed).toBe(1);
    expect(result?.error).toBe("rtco, block 1's untimed pair: timed out after 50 ms");
  });

  it("is closed when it connects after all, once the bench has given up on it", async () => {
    let lateClose: () => void = () => undefined;
    const closedLate = new Promise<void>((resolve) => (lateClose = resolve));
    // A contender that ignores the signal: its pair arrives only after the bench gave up.
    const late: Contender = {
      name: "simple-peer",
      backpressure: true,
      connect: (signal) =>
        new Promise<Pair>((resolve) =>
          signal?.addEventListener("abort", () => resolve({ close: lateClose, connectMs: 1, connectDetail: {} } as unknown as Pair)),
        ),
    };
    const [result] = await interleavedConnect([late], 5, 50);
    expect(result?.error).toBe("simple-peer, block 1's untimed pair: timed out after 50 ms");
    await closedLate;
  });
});

describe("bench: a pair that does not greet in time is made again", () => {
  it("aborts the stuck attempt (closing it), times the next from the first one's start, and stops at the caller's abort", async () => {
    const attempts: { start: number; signal: AbortSignal }[] = [];
    const outer = new AbortController();
    const making = retryingStuck(
      (start, signal) => {
        attempts.push({ start, signal });
        // The first two never greet; the third would, but the caller gives up first.
        return new Promise<string>((_, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason));
          if (attempts.length === 3) outer.abort(new Error("caller gave up"));
        });
      },
      outer.signal,
      10,
    );
    await expect(making).rejects.toThrow("caller gave up");
    expect(attempts).toHaveLength(3);
    expect(attempts.every(({ signal }) => signal.aborted)).toBe(true);
    expect(new Set(attempts.map(({ start }) => start)).size).toBe(1);
  });

  it("resolves with the first attempt that greets", async () => {
    let calls = 0;
    const made = await retryingStuck(
      (_, signal) => {
        calls++;
        if (calls === 1) return new Promise<string>((__, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
        return Promise.resolve(`attempt ${calls}`);
      },
      undefined,
      10,
    );
    expect(made).toBe("attempt 2");
  });
});
