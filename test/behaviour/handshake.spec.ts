// The creator's open handshake: with an rxpeer answerer the marker is consumed and
// never reaches data$; with a plain RTCPeerConnection answerer (no rxpeer on the
// other side) the creator still connects, after the documented timeout.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { HANDSHAKE_PROTOCOL, READY_TIMEOUT_MS } from "../../src/data-channel.js";
import type { SignalData } from "../../src/index.js";
import { wrtc } from "#test-runtime";
import { connectedPair, makePeer } from "../support/peers.js";

const RTCPeerConnectionImpl: typeof RTCPeerConnection = wrtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;

describe("open handshake", () => {
  it("puts the rxpeer sub-protocol on the creator's channel and hides the marker from data$", async () => {
    const { a, b } = await connectedPair();
    expect(a.channel?.protocol).to.equal(HANDSHAKE_PROTOCOL);
    const first = firstValueFrom(a.data$);
    b.send("first real message");
    expect(await first).to.equal("first real message");
  });

  it("keeps a protocol the user chose, and connects without the handshake", async () => {
    const { a, b } = await connectedPair({ channelConfig: { protocol: "chat-v2" } });
    expect(a.channel?.protocol).to.equal("chat-v2");
    expect(b.channel?.protocol).to.equal("chat-v2");
    const first = firstValueFrom(b.data$);
    a.send("hi");
    expect(await first).to.equal("hi");
  });

  it("connects to a plain RTCPeerConnection answerer that sends no marker", async () => {
    const a = makePeer({ initiator: true });
    const remote = new RTCPeerConnectionImpl();
    try {
      remote.onicecandidate = ({ candidate }) => {
        if (candidate) void a.signal({ type: "candidate", data: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } });
      };
      const remoteChannel = new Promise<RTCDataChannel>((resolve) => (remote.ondatachannel = ({ channel }) => resolve(channel)));
      a.signal$.subscribe((signal: SignalData) => {
        if (signal.type === "candidate") void remote.addIceCandidate(signal.data).catch(() => {});
        else if (signal.type === "sdp")
          void (async () => {
            await remote.setRemoteDescription(signal.data);
            const answer = await remote.createAnswer();
            await remote.setLocalDescription(answer);
            await a.signal({ type: "sdp", data: { type: answer.type, sdp: answer.sdp } });
          })();
      });
      const channelOpened = new Promise<number>((resolve) => a.channel?.addEventListener("open", () => resolve(performance.now())));
      await firstValueFrom(a.connect$);
      const connectedAt = performance.now();
      // No marker comes from a plain answerer: the creator waited READY_TIMEOUT_MS for it (timers may round down by a millisecond).
      expect(connectedAt - (await channelOpened)).to.be.at.least(READY_TIMEOUT_MS - 2);
      const channel = await remoteChannel;
      expect(channel.protocol).to.equal(HANDSHAKE_PROTOCOL);
      const heard = new Promise<unknown>((resolve) => (channel.onmessage = (event) => resolve(event.data)));
      a.send("hello plain peer");
      expect(await heard).to.equal("hello plain peer");
    } finally {
      remote.close();
    }
  });
});
