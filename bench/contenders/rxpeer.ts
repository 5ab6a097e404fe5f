/**
 * rxpeer as its users write it: `new Peer`, `linkPeers`, `data$`, and for bulk either the
 * `sendTo()` operator (contender "rxpeer") or `peer.send` in the same backpressured loop
 * the raw baseline uses (contender "rxpeer-send"), which isolates the cost of `send`.
 */
import { filter, firstValueFrom, from, lastValueFrom } from "rxjs";
import { Peer, linkPeers, type WebRTCImplementation } from "../../src/index.js";
import { sendTo } from "../../operators/index.js";
import { type Contender, type Endpoint, type Pair, type Received, type WebRTC } from "../transport.js";
import { sendWithBackpressure, type Watermarks } from "./raw.js";

/** A connected rxpeer pair, with the peers themselves for the rxpeer-only workloads. */
export interface RxpeerPair extends Pair {
  peerA: Peer;
  peerB: Peer;
}

/** Connects two rxpeer peers in this process; `channelOpenMs` is when the initiator's channel itself opened. */
export async function connectRxpeer(webrtc: WebRTC | undefined): Promise<{ peerA: Peer; peerB: Peer; connectMs: number; channelOpenMs: number }> {
  const wrtc = webrtc as WebRTCImplementation | undefined;
  const start = performance.now();
  const peerA = new Peer({ debug: 0, initiator: true, ...(wrtc ? { wrtc } : {}) });
  const peerB = new Peer({ debug: 0, ...(wrtc ? { wrtc } : {}) });
  let channelOpenMs = Number.NaN;
  // The initiator's channel exists from construction on; its own `open` (before rxpeer's
  // handshake with the answerer) shows what the handshake adds to connect.
  peerA.channel?.addEventListener("open", () => (channelOpenMs = performance.now() - start), { once: true });
  linkPeers(peerA, peerB);
  await Promise.all([peerA, peerB].map((peer) => firstValueFrom(peer.connected$.pipe(filter(Boolean)))));
  return { peerA, peerB, connectMs: performance.now() - start, channelOpenMs };
}

function endpoint(peer: Peer, viaSendTo: boolean, marks: Watermarks): Endpoint {
  return {
    send: (data) => peer.send(data),
    sendAll: async (messages) => {
      if (viaSendTo) {
        await lastValueFrom(from(messages).pipe(sendTo(peer)), { defaultValue: 0 });
        return { failedSends: 0 };
      }
      const channel = peer.channel;
      if (!channel) throw new Error("rxpeer: no data channel to read bufferedAmount from");
      return sendWithBackpressure(channel, (data) => peer.send(data), messages, marks);
    },
    onMessage: (listener: (data: Received) => void) => {
      peer.data$.subscribe(listener);
    },
  };
}

/**
 * The rxpeer contender. `viaSendTo` picks how bulk is sent: the `sendTo()` operator with
 * its default watermarks, or `peer.send` in the raw loop with `marks`.
 */
export function rxpeerContender(webrtc: WebRTC | undefined, viaSendTo: boolean, marks: Watermarks): Contender & { connect(): Promise<RxpeerPair> } {
  return {
    name: viaSendTo ? "rxpeer" : "rxpeer-send",
    backpressure: true,
    async connect(): Promise<RxpeerPair> {
      const { peerA, peerB, connectMs, channelOpenMs } = await connectRxpeer(webrtc);
      return {
        a: endpoint(peerA, viaSendTo, marks),
        b: endpoint(peerB, viaSendTo, marks),
        peerA,
        peerB,
        connectMs,
        connectDetail: { channelOpen: channelOpenMs },
        close: () => {
          peerA.destroy();
          peerB.destroy();
        },
      };
    },
  };
}
