/**
 * The baseline: two RTCPeerConnections wired by hand and one RTCDataChannel, with the
 * backpressure a careful user writes. It reads `bufferedAmount` only once per budget of
 * bytes (each read is a slow cross-thread call on @roamhq/wrtc) and, when the queue is
 * above the low mark, waits for `bufferedamountlow` where the runtime fires it
 * (Chromium) or polls every millisecond where it never does (@roamhq/wrtc).
 */
import { greet, nextTask, retryingStuck, unlessAborted, type Contender, type Endpoint, type Greeter, type Greeting, type Pair, type Received, type SendReport, type WebRTC } from "../transport.js";

export interface Watermarks {
  /** Stop sending once this many bytes are queued. */
  high: number;
  /** Go on once the queue is down to this. */
  low: number;
}

/** Two connections linked in this process, their channel open on both sides and a first message through each way. */
export interface RawLink extends Greeting {
  pcA: RTCPeerConnection;
  pcB: RTCPeerConnection;
  channelA: RTCDataChannel;
  channelB: RTCDataChannel;
}

/** A raw channel greets at its `open`, and hears the first `message`. */
function greeter(channel: RTCDataChannel): Greeter {
  channel.binaryType = "arraybuffer";
  return {
    connected: (listener) => (channel.readyState === "open" ? listener() : channel.addEventListener("open", listener, { once: true })),
    send: (text) => channel.send(text),
    received: (listener) => channel.addEventListener("message", listener, { once: true }),
  };
}

/**
 * Connects two RTCPeerConnections over one ordered data channel: offer and answer made
 * explicitly (@roamhq/wrtc has no argument-less `setLocalDescription`), candidates held
 * until the remote description is set. A pair that does not greet in time is closed and
 * made again ({@link retryingStuck}); whatever is connecting is closed if `signal` aborts.
 */
export function linkRaw(webrtc: WebRTC, signal?: AbortSignal): Promise<RawLink> {
  return retryingStuck((start, attempt) => linkRawOnce(webrtc, start, attempt), signal);
}

/** One attempt of {@link linkRaw}, timed from `start`; closed, and rejected, once `signal` aborts. */
function linkRawOnce(webrtc: WebRTC, start: number, signal: AbortSignal): Promise<RawLink> {
  const pcA = new webrtc.RTCPeerConnection();
  const pcB = new webrtc.RTCPeerConnection();
  const channelA = pcA.createDataChannel("bench");
  // A candidate can still be on its way when a measured pair is closed: that failure is expected.
  const add = (to: RTCPeerConnection, candidate: RTCIceCandidate): void => void to.addIceCandidate(candidate).catch(() => undefined);
  const trickle = (from: RTCPeerConnection, to: RTCPeerConnection): (() => void) => {
    const held: RTCIceCandidate[] = [];
    let ready = false;
    from.onicecandidate = (event) => {
      if (!event.candidate) return;
      if (ready) add(to, event.candidate);
      else held.push(event.candidate);
    };
    return () => {
      ready = true;
      for (const candidate of held.splice(0)) add(to, candidate);
    };
  };
  const releaseToB = trickle(pcA, pcB);
  const releaseToA = trickle(pcB, pcA);
  // The answerer's side exists only at `datachannel`: what greet() asks of it is wired
  // then, synchronously (a runtime may deliver a first message as the channel is handed over).
  let answererChannel: RTCDataChannel | undefined;
  const wiring: ((side: Greeter) => void)[] = [];
  const answerer: Greeter = {
    connected: (listener) => void wiring.push((side) => side.connected(listener)),
    send: (text) => answererChannel?.send(text),
    received: (listener) => void wiring.push((side) => side.received(listener)),
  };
  const channelB = new Promise<RTCDataChannel>((resolve) => {
    pcB.ondatachannel = (event) => {
      answererChannel = event.channel;
      const side = greeter(event.channel);
      // The listener for the first message goes on before anything is sent from this side.
      for (const wire of wiring.reverse()) wire(side);
      resolve(event.channel);
    };
  });
  // A pair given up on may still open before its close lands: its greeters then send nothing.
  let abandoned = false;
  const unlessAbandoned = (side: Greeter): Greeter => ({ ...side, send: (text) => void (abandoned || side.send(text)) });
  const greeting = greet(start, unlessAbandoned(greeter(channelA)), unlessAbandoned(answerer));
  const negotiate = async (): Promise<RawLink> => {
    const offer = await pcA.createOffer();
    await pcA.setLocalDescription(offer);
    await pcB.setRemoteDescription(offer);
    releaseToB();
    const answer = await pcB.createAnswer();
    await pcB.setLocalDescription(answer);
    await pcA.setRemoteDescription(answer);
    releaseToA();
    const { connectMs, connectDetail } = await greeting;
    return { pcA, pcB, channelA, channelB: await channelB, connectMs, connectDetail };
  };
  return unlessAborted(signal, negotiate(), () => {
    abandoned = true;
    channelA.close();
    pcA.close();
    pcB.close();
  });
}

/**
 * Sends every message with budgeted, hysteretic backpressure on `queued` (the channel's
 * `bufferedAmount`): `send` is the only thing that differs between the raw channel and
 * rxpeer's `peer.send` driven by the same loop.
 */
export async function sendWithBackpressure(
  channel: RTCDataChannel,
  send: (data: ArrayBuffer) => void,
  messages: Iterable<ArrayBuffer>,
  marks: Watermarks,
): Promise<SendReport> {
  const hasEvent = "bufferedAmountLowThreshold" in channel;
  if (hasEvent) channel.bufferedAmountLowThreshold = marks.low;
  let budget = 0;
  for (const message of messages) {
    if (message.byteLength > budget) {
      let queued = channel.bufferedAmount;
      while (queued > marks.low) {
        await (hasEvent ? drained(channel) : nextTask(1));
        queued = channel.bufferedAmount;
      }
      budget = marks.high - queued;
    }
    send(message);
    budget -= message.byteLength;
  }
  return { failedSends: 0 };
}

/** Resolves on `bufferedamountlow`, or after 20 ms in case it was missed. */
function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      channel.removeEventListener("bufferedamountlow", done);
      resolve();
    };
    const timer = setTimeout(done, 20);
    channel.addEventListener("bufferedamountlow", done);
  });
}

function endpoint(channel: RTCDataChannel, marks: Watermarks): Endpoint {
  return {
    send: (data) => channel.send(data),
    sendAll: (messages) => sendWithBackpressure(channel, (data) => channel.send(data), messages, marks),
    onMessage: (listener: (data: Received) => void) => {
      channel.onmessage = (event: MessageEvent) => listener(event.data as Received);
    },
  };
}

/** The raw RTCDataChannel contender. */
export function rawContender(webrtc: WebRTC, marks: Watermarks): Contender {
  return {
    name: "raw",
    backpressure: true,
    async connect(signal?: AbortSignal): Promise<Pair> {
      const link = await linkRaw(webrtc, signal);
      return {
        a: endpoint(link.channelA, marks),
        b: endpoint(link.channelB, marks),
        connectMs: link.connectMs,
        connectDetail: link.connectDetail,
        close: () => {
          link.channelA.close();
          link.pcA.close();
          link.pcB.close();
        },
      };
    },
  };
}
