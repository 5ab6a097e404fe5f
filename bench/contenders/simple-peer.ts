/**
 * simple-peer 9.11.1 as its users write it: `signal` events wired to `signal()`, bulk
 * through the stream interface (`write()`, waiting for `drain` when it returns false),
 * single messages through `send()`. The constructor is passed in: on Node the npm
 * package with `wrtc`, in Chromium the package's own browser build (simplepeer.min.js).
 */
import type SimplePeer from "simple-peer";
import { emitterPair, retryingStuck, type Contender, type Endpoint, type Greeter, type Pair, type Received, type WebRTC } from "../transport.js";

export type SimplePeerConstructor = typeof SimplePeer;

function endpoint(peer: SimplePeer.Instance): Endpoint {
  return {
    send: (data) => peer.send(data),
    sendAll: async (messages) => {
      for (const message of messages) {
        // A Buffer over the same memory where there is one (Node): streams copy a plain Uint8Array.
        const chunk = typeof Buffer === "function" ? Buffer.from(message) : new Uint8Array(message);
        if (!peer.write(chunk)) await new Promise((resolve) => peer.once("drain", resolve));
      }
      return { failedSends: 0 };
    },
    onMessage: (listener: (data: Received) => void) => {
      peer.on("data", listener);
    },
  };
}

/** A simple-peer side greets at `connect`, and hears the first `data`. */
function greeter(peer: SimplePeer.Instance): Greeter {
  return {
    connected: (listener) => void peer.once("connect", listener),
    send: (text) => peer.send(text),
    received: (listener) => void peer.once("data", listener),
  };
}

/** The simple-peer contender; `webrtc` is given on Node (`wrtc` option), omitted in the browser. */
export function simplePeerContender(Constructor: SimplePeerConstructor, webrtc: WebRTC | undefined): Contender {
  return {
    name: "simple-peer",
    backpressure: true,
    connect(signal?: AbortSignal): Promise<Pair> {
      // No STUN servers: its default config names public ones, and this bench is loopback only.
      const common = { config: { iceServers: [] }, ...(webrtc ? { wrtc: webrtc as unknown as SimplePeer.Options["wrtc"] } : {}) };
      return retryingStuck((start, attempt) => {
        const a = new Constructor({ ...common, initiator: true });
        const b = new Constructor(common);
        for (const peer of [a, b]) peer.on("error", (err: Error) => console.error(`simple-peer: ${err.message}`));
        return emitterPair(start, a, b, { greeter, endpoint, wire: (from, to) => from.on("signal", (data) => to.signal(data)) }, attempt);
      }, signal);
    },
  };
}
