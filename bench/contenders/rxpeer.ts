/**
 * rxpeer as its users write it: `new Peer`, `linkPeers`, `data$`, and for bulk either the
 * `sendTo()` operator (contender "rxpeer") or `peer.send` in the same backpressured loop
 * the raw baseline uses (contender "rxpeer-send"), which isolates the cost of `send`; or
 * the batching pipeline, `chunk({ batch: true })` + `sendTo()` on one side and `dechunk()`
 * on the other (contender "rxpeer-batch").
 */
import { Subject, firstValueFrom, from, lastValueFrom } from "rxjs";
import { Peer, linkPeers, type WebRTCImplementation } from "../../src/index.js";
import { chunk, dechunk, sendTo } from "../../operators/index.js";
import { greet, retryingStuck, unlessAborted, type Contender, type Endpoint, type Greeter, type Greeting, type Pair, type Received, type WebRTC } from "../transport.js";
import { sendWithBackpressure, type Watermarks } from "./raw.js";

/** A connected rxpeer pair, with the peers themselves for the rxpeer-only workloads. */
export interface RxpeerPair extends Pair {
  peerA: Peer;
  peerB: Peer;
}

/** An rxpeer side greets at `connect$`, and hears the first message on `data$`. */
function greeter(peer: Peer): Greeter {
  return {
    // A peer closed before it connected (a timed-out measurement) never calls them.
    connected: (listener) => void firstValueFrom(peer.connect$).then(listener, () => undefined),
    send: (text) => peer.send(text),
    received: (listener) => void firstValueFrom(peer.data$).then(listener, () => undefined),
  };
}

/** Connects two rxpeer peers in this process, until a first message went through each way (both destroyed if `signal` aborts first). */
export async function connectRxpeer(webrtc: WebRTC | undefined, signal?: AbortSignal, start = performance.now()): Promise<Greeting & { peerA: Peer; peerB: Peer }> {
  const wrtc = webrtc as WebRTCImplementation | undefined;
  const peerA = new Peer({ debug: 0, initiator: true, ...(wrtc ? { wrtc } : {}) });
  const peerB = new Peer({ debug: 0, ...(wrtc ? { wrtc } : {}) });
  const greeting = greet(start, greeter(peerA), greeter(peerB));
  linkPeers(peerA, peerB);
  const destroy = (): void => {
    peerA.destroy();
    peerB.destroy();
  };
  return { peerA, peerB, ...(await unlessAborted(signal, greeting, destroy)) };
}

/** How an rxpeer endpoint sends: the `sendTo()` operator, `peer.send` in the raw loop, or batching frames through `chunk({ batch: true })`. */
export type RxpeerMode = "sendTo" | "send" | "batch";

const NAMES: Record<RxpeerMode, "rxpeer" | "rxpeer-send" | "rxpeer-batch"> = { sendTo: "rxpeer", send: "rxpeer-send", batch: "rxpeer-batch" };

function endpoint(peer: Peer, mode: RxpeerMode, marks: Watermarks): Endpoint {
  if (mode === "batch") return batchingEndpoint(peer);
  return {
    send: (data) => peer.send(data),
    sendAll: async (messages) => {
      if (mode === "sendTo") {
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
 * Batching as a user writes it: one long-lived `chunk({ batch: true })` + `sendTo()` pipeline
 * for single messages (ping-pong), one per burst for `sendAll`, `dechunk()` on the receiving side.
 */
function batchingEndpoint(peer: Peer): Endpoint {
  let singles: Subject<ArrayBuffer> | undefined;
  return {
    send: (data) => {
      if (!singles) {
        singles = new Subject<ArrayBuffer>();
        // The pair's close ends it with ERR_PEER_CLOSED: expected, nothing to report.
        singles.pipe(chunk({ batch: true }), sendTo(peer)).subscribe({ error: () => undefined });
      }
      singles.next(data);
    },
    sendAll: async (messages) => {
      await lastValueFrom(from(messages).pipe(chunk({ batch: true }), sendTo(peer)), { defaultValue: 0 });
      return { failedSends: 0 };
    },
    onMessage: (listener: (data: Received) => void) => {
      peer.data$.pipe(dechunk()).subscribe(listener);
    },
  };
}

/**
 * The rxpeer contender, sending the `mode` way (the raw loop's `marks` for `send`,
 * sendTo's default watermarks otherwise).
 */
export function rxpeerContender(webrtc: WebRTC | undefined, mode: RxpeerMode, marks: Watermarks): Contender & { connect(signal?: AbortSignal): Promise<RxpeerPair> } {
  return {
    name: NAMES[mode],
    backpressure: true,
    async connect(signal?: AbortSignal): Promise<RxpeerPair> {
      // Made again if stuck, as every contender's pair is (rxpeer's pre-negotiated channel has not needed it).
      const { peerA, peerB, connectMs, connectDetail } = await retryingStuck((start, attempt) => connectRxpeer(webrtc, attempt, start), signal);
      return {
        a: endpoint(peerA, mode, marks),
        b: endpoint(peerB, mode, marks),
        peerA,
        peerB,
        connectMs,
        connectDetail,
        close: () => {
          peerA.destroy();
          peerB.destroy();
        },
      };
    },
  };
}
