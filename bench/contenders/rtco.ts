/**
 * @rtco/peer 0.2.20 as its users write it: `signal` events wired to `signal()`, `send()`
 * in a loop. It has no backpressure: a loop sends as fast as it can, and what the channel
 * cannot queue is lost (silently on @roamhq/wrtc, with a throwing `send` in Chromium),
 * so the workloads report what arrives. It finds RTCPeerConnection as a global.
 */
import type RtcoPeer from "@rtco/peer";
import { emitterPair, retryingStuck, type Contender, type Endpoint, type Greeter, type Pair, type Received } from "../transport.js";

export type RtcoPeerConstructor = typeof RtcoPeer;

// Its types declare send(data: string), but it hands any payload to RTCDataChannel.send.
type BinarySend = (this: RtcoPeer, data: ArrayBuffer) => void;
// Its LogLevel enum is declared only as a type; 1 means errors only.
const ERRORS_ONLY = 1 as NonNullable<ConstructorParameters<RtcoPeerConstructor>[0]>["debug"];

function endpoint(peer: RtcoPeer): Endpoint {
  const send = peer.send as unknown as BinarySend;
  return {
    send: (data) => send.call(peer, data),
    sendAll: async (messages) => {
      let failedSends = 0;
      for (const message of messages) {
        try {
          send.call(peer, message);
        } catch {
          failedSends++;
        }
      }
      return { failedSends };
    },
    onMessage: (listener: (data: Received) => void) => {
      peer.on("data", (data) => listener(data as Received));
    },
  };
}

/** An @rtco/peer side greets at `connect`, and hears the first `data`. */
function greeter(peer: RtcoPeer): Greeter {
  return {
    connected: (listener) => void peer.once("connect", () => listener()),
    send: (text) => peer.send(text),
    received: (listener) => void peer.once("data", () => listener()),
  };
}

/** The @rtco/peer contender (on Node, install {@link rtcoPeerConnection} as the global first). */
export function rtcoContender(Constructor: RtcoPeerConstructor): Contender {
  return {
    name: "rtco",
    backpressure: false,
    connect(signal?: AbortSignal): Promise<Pair> {
      return retryingStuck((start, attempt) => {
        // No STUN servers: its default config names Google's, and this bench is loopback only.
        const a = new Constructor({ debug: ERRORS_ONLY, initiator: true, config: { iceServers: [] } });
        const b = new Constructor({ debug: ERRORS_ONLY, config: { iceServers: [] } });
        for (const peer of [a, b]) peer.on("error", (err: Error) => console.error(`@rtco/peer: ${err.message}`));
        return emitterPair(start, a, b, { greeter, endpoint, wire: (from, to) => from.on("signal", (data) => void to.signal(data)) }, attempt);
      }, signal);
    },
  };
}

/**
 * An RTCPeerConnection that @rtco/peer can drive on @roamhq/wrtc: that runtime throws on
 * `setLocalDescription()` without a description (so this one makes the offer or answer
 * the state calls for), and refuses remote candidates before the remote description (so
 * this one holds them until it is set). Install it as the global RTCPeerConnection.
 */
export function rtcoPeerConnection(Base: typeof RTCPeerConnection): typeof RTCPeerConnection {
  return class ShimmedPeerConnection extends Base {
    private remoteSet = false;
    private readonly heldCandidates: (RTCIceCandidateInit | RTCIceCandidate)[] = [];

    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      if (description) return super.setLocalDescription(description);
      const made = this.signalingState === "have-remote-offer" ? await this.createAnswer() : await this.createOffer();
      return super.setLocalDescription(made);
    }

    override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      await super.setRemoteDescription(description);
      this.remoteSet = true;
      for (const candidate of this.heldCandidates.splice(0)) await super.addIceCandidate(candidate);
    }

    override async addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void> {
      if (!candidate) return;
      if (!this.remoteSet) {
        this.heldCandidates.push(candidate);
        return;
      }
      return super.addIceCandidate(candidate);
    }
  };
}
