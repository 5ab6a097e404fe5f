// A crafted offer that crashes @roamhq/wrtc: an SCTP m-line with a media type other than
// application ("m=foo 9 UDP/DTLS/SCTP webrtc-datachannel") makes createAnswer() SIGSEGV
// the whole process (found by the signal fuzz). rxpeer refuses such SDP before WebRTC
// sees it. The answerer runs in a child process, so a regression fails this test instead
// of killing the test worker.
import { describe, expect, it } from "vitest";
import { filter, firstValueFrom } from "rxjs";
import wrtcModule from "@roamhq/wrtc";
import { Peer, type SignalData, type WebRTCImplementation } from "../../src/index.js";
import { parseSignal } from "../../src/signal-format.js";
import { spawnRemotePeer } from "../support/remote-peer.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;

async function realOffer(): Promise<string> {
  const phantom = new Peer({ initiator: true, debug: 0, wrtc });
  try {
    const signal = await firstValueFrom(phantom.signal$.pipe(filter((s): s is Extract<SignalData, { type: "sdp" }> => s.type === "sdp")));
    return signal.data.sdp ?? "";
  } finally {
    phantom.destroy();
  }
}

describe("crafted SDP", () => {
  it("refuses m-lines of a media type WebRTC does not negotiate", async () => {
    const sdp = await realOffer();
    expect(sdp).toMatch(/^m=application /m);
    for (const media of ["foo", "text", "message", "Application", ""]) {
      const crafted = sdp.replace(/^m=application/m, `m=${media}`);
      const parsed = parseSignal({ type: "offer", sdp: crafted });
      expect(parsed, media).toMatchObject({ code: "ERR_SIGNAL_INVALID" });
      expect(String((parsed as Error).message)).toMatch(/m-line of media type ".*": only audio, video and application/);
    }
    expect(parseSignal({ type: "offer", sdp })).toMatchObject({ kind: "description" });
  });

  it("an answerer in another process survives the crafted offer and then connects", async () => {
    const sdp = await realOffer();
    const local = new Peer({ initiator: true, debug: 0, wrtc });
    const remote = spawnRemotePeer(local);
    try {
      // Straight into the child's peer.signal(), as a malicious signaling server would.
      remote.child.send({ signal: { type: "offer", sdp: sdp.replace(/^m=application/m, "m=foo") } });
      await Promise.all([firstValueFrom(local.connect$), remote.connected]);
      expect(remote.child.exitCode).toBe(null);
      expect(remote.child.signalCode).toBe(null);
    } finally {
      local.destroy();
      remote.child.disconnect();
      await remote.exited;
    }
  });
});
