/**
 * Connect, bisected by construction: a hand-wired pair that starts as the raw pair
 * (`linkRaw`: an in-band channel, offer and answer in sequence, candidates handed over once
 * the other side has the description) and takes on rxpeer's behaviours one flag at a time,
 * beside rxpeer itself and @rtco/peer, taking turns pair by pair. Runs on any runtime's
 * WebRTC (bench/connect-bisect-run.ts drives it on Node and in headless Chromium). A probe:
 * what it prints is what to look at, not a figure of the report.
 */
import { greet, nextTask, type Greeter, type Greeting, type WebRTC } from "./transport.js";
import { median, percentile } from "./workloads.js";
import { Peer, linkPeers, type WebRTCImplementation } from "../src/index.js";
import { markSdp, readMarker } from "../src/sdp-marker.js";

/** rxpeer's behaviours, each off in the raw pair. */
export interface Flags {
  /** The channel: in-band (raw); pre-negotiated id 0, made on both sides at construction; or the answerer's made once its answer is set, before it is sent (rxpeer). */
  negotiated?: "construct" | "after-answer";
  /** The initiator sends a marker first at `open`; the answerer connects at the first message (rxpeer's handshake). */
  marker?: boolean;
  /** The initiator offers at `negotiationneeded`, not right after construction. */
  negotiationNeeded?: boolean;
  /** Every signaling step on one promise chain per side, each remote candidate awaited in turn, sent at once (no hold on the sender). */
  chain?: boolean;
  /** Each signal goes as a JSON string and is parsed back. */
  json?: boolean;
  /** The a=rxpeer marker written into each description and read back. */
  sdpMarker?: boolean;
  /** signalingState read before and after each step, as rxpeer does. */
  stateReads?: boolean;
  /** The initiator holds its local candidates until the answer is applied. */
  holdLocal?: boolean;
}

type Signal = { type: "offer" | "answer"; sdp: string } | { type: "candidate"; candidate: RTCIceCandidateInit };

/** A pair wired by hand with `flags`, greeted as every contender is (see {@link greet}). */
export async function linkBisected(webrtc: WebRTC, flags: Flags): Promise<Greeting & { close(): void }> {
  const start = performance.now();
  const pcA = new webrtc.RTCPeerConnection();
  const pcB = new webrtc.RTCPeerConnection();
  const pcs = [pcA, pcB] as const;
  const channelInit = { id: 0, negotiated: true } as const;
  let channelA: RTCDataChannel | undefined;
  let channelB: RTCDataChannel | undefined;
  const sides: ((channel: RTCDataChannel) => void)[][] = [[], []];
  const wired = (index: 0 | 1, channel: RTCDataChannel): void => {
    channel.binaryType = "arraybuffer";
    if (index === 0) channelA = channel;
    else channelB = channel;
    for (const wire of sides[index]?.splice(0) ?? []) wire(channel);
  };
  const onChannel = (index: 0 | 1, wire: (channel: RTCDataChannel) => void): void => {
    const channel = index === 0 ? channelA : channelB;
    if (channel) wire(channel);
    else sides[index]?.push(wire);
  };
  // The handshake: the initiator sends a marker at open and connects; the answerer connects at its first message (the marker).
  const greeter = (index: 0 | 1): Greeter => ({
    connected: (listener) =>
      onChannel(index, (channel) => {
        if (flags.marker && index === 1) return channel.addEventListener("message", () => listener(), { once: true });
        const opened = (): void => {
          if (flags.marker) channel.send("\u0000marker");
          listener();
        };
        if (channel.readyState === "open") opened();
        else channel.addEventListener("open", opened, { once: true });
      }),
    send: (text) => (index === 0 ? channelA : channelB)?.send(text),
    received: (listener) =>
      onChannel(index, (channel) => {
        const skip = flags.marker && index === 1;
        let seen = 0;
        const on = (): void => {
          if (skip && seen++ === 0) return;
          channel.removeEventListener("message", on);
          listener();
        };
        channel.addEventListener("message", on);
      }),
  });
  if (flags.negotiated) {
    wired(0, pcA.createDataChannel("bench", channelInit));
    if (flags.negotiated === "construct") wired(1, pcB.createDataChannel("bench", channelInit));
  } else {
    wired(0, pcA.createDataChannel("bench"));
    pcB.ondatachannel = (event) => wired(1, event.channel);
  }
  const greeting = greet(start, greeter(0), greeter(1));

  // Signaling: each side's handler of the other's signals.
  const chains = [Promise.resolve(), Promise.resolve()];
  const hasRemote = [false, false];
  const heldRemote: RTCIceCandidateInit[][] = [[], []];
  const gated: Signal[][] = [[], []];
  let heldLocal: Signal[] | undefined = flags.holdLocal ? [] : undefined;
  const read = (pc: RTCPeerConnection): void => void (flags.stateReads && pc.signalingState);
  const add = (pc: RTCPeerConnection, candidate: RTCIceCandidateInit): Promise<void> => pc.addIceCandidate(candidate).catch(() => undefined);
  const send = (from: 0 | 1, signal: Signal): void => {
    const to = from === 0 ? 1 : 0;
    if (flags.json) deliver(to, JSON.parse(JSON.stringify(signal)) as Signal);
    else deliver(to, signal);
  };
  const describe = (type: "offer" | "answer", sdp: string): Signal => ({ type, sdp: flags.sdpMarker ? markSdp(sdp, type === "offer" ? { label: "bench", id: 0 } : true) : sdp });
  const onRemote = async (index: 0 | 1, signal: Signal): Promise<void> => {
    const pc = pcs[index];
    if (signal.type === "candidate") {
      if (!hasRemote[index]) heldRemote[index]?.push(signal.candidate);
      else if (flags.chain) await add(pc, signal.candidate);
      else void add(pc, signal.candidate);
      return;
    }
    if (flags.sdpMarker) readMarker(signal.sdp);
    read(pc);
    await pc.setRemoteDescription(signal);
    hasRemote[index] = true;
    // The raw pair hands over the other side's candidates now that this side has the description.
    const other = index === 0 ? 1 : 0;
    for (const gatedSignal of gated[other]?.splice(0) ?? []) send(other, gatedSignal);
    for (const candidate of heldRemote[index]?.splice(0) ?? []) {
      if (flags.chain) await add(pc, candidate);
      else void add(pc, candidate);
    }
    if (signal.type === "answer" && heldLocal) {
      const held = heldLocal;
      heldLocal = undefined;
      for (const candidate of held) send(0, candidate);
    }
    if (signal.type === "offer") {
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      read(pc);
      if (flags.negotiated === "after-answer") wired(1, pcB.createDataChannel("bench", channelInit));
      send(1, describe("answer", answer.sdp ?? ""));
    }
  };
  const deliver = (to: 0 | 1, signal: Signal): void => {
    if (flags.chain) chains[to] = (chains[to] ?? Promise.resolve()).then(() => onRemote(to, signal));
    else void onRemote(to, signal);
  };
  // Without the chain (raw), a candidate is sent only once the other side has the description; with it, at once.
  for (const index of [0, 1] as const) {
    pcs[index].onicecandidate = (event) => {
      if (!event.candidate) return;
      const signal: Signal = { type: "candidate", candidate: event.candidate.toJSON() };
      if (index === 0 && heldLocal) return void heldLocal.push(signal);
      if (!flags.chain && !hasRemote[index === 0 ? 1 : 0]) return void gated[index]?.push(signal);
      send(index, signal);
    };
  }
  const offer = async (): Promise<void> => {
    read(pcA);
    const made = await pcA.createOffer();
    read(pcA);
    await pcA.setLocalDescription(made);
    read(pcA);
    send(0, describe("offer", made.sdp ?? ""));
  };
  if (flags.negotiationNeeded) pcA.onnegotiationneeded = () => void (chains[0] = (chains[0] ?? Promise.resolve()).then(offer));
  else chains[0] = offer();
  const greeted = await greeting;
  return {
    ...greeted,
    close: () => {
      channelA?.close();
      channelB?.close();
      pcA.close();
      pcB.close();
    },
  };
}

/** rxpeer itself, as the bench's contender drives it. */
async function linkRxpeer(webrtc: WebRTC | undefined): Promise<Greeting & { close(): void }> {
  const wrtc = webrtc as WebRTCImplementation | undefined;
  const start = performance.now();
  const a = new Peer({ debug: 0, initiator: true, ...(wrtc ? { wrtc } : {}) });
  const b = new Peer({ debug: 0, ...(wrtc ? { wrtc } : {}) });
  const side = (peer: Peer): Greeter => ({
    connected: (listener) => void peer.connect$.subscribe(() => listener()),
    send: (text) => peer.send(text),
    received: (listener) => {
      const subscription = peer.data$.subscribe(() => (subscription.unsubscribe(), listener()));
    },
  });
  const greeting = greet(start, side(a), side(b));
  linkPeers(a, b);
  return { ...(await greeting), close: () => (a.destroy(), b.destroy()) };
}

/** The variants by name: each adds one behaviour to the one before, as far as `all`. */
export const VARIANTS: Record<string, Flags> = {
  raw: {},
  neg: { negotiated: "construct" },
  negAfter: { negotiated: "after-answer" },
  marker: { negotiated: "after-answer", marker: true },
  chain: { negotiated: "after-answer", marker: true, chain: true },
  nn: { negotiated: "after-answer", marker: true, chain: true, negotiationNeeded: true },
  sdp: { negotiated: "after-answer", marker: true, chain: true, sdpMarker: true },
  json: { negotiated: "after-answer", marker: true, chain: true, sdpMarker: true, json: true },
  all: { negotiated: "after-answer", marker: true, chain: true, sdpMarker: true, json: true, stateReads: true },
  hold: { holdLocal: true },
  rawChain: { chain: true },
  rawMarker: { marker: true },
};

export interface BisectResult {
  name: string;
  connect: number[];
  connected: number[];
}

/**
 * Times `pairs` pairs of each named variant ("rxpeer" is rxpeer itself), taking turns pair by
 * pair in a rotating order, each pair after a gc() (where exposed) and 10 ms, as the bench does.
 */
export async function bisect(webrtc: WebRTC | undefined, names: string[], pairs: number, rtco?: () => Promise<Greeting & { close(): void }>): Promise<BisectResult[]> {
  const results = names.map((name) => ({ name, connect: [] as number[], connected: [] as number[] }));
  const run = (name: string): Promise<Greeting & { close(): void }> => {
    if (name === "rxpeer") return linkRxpeer(webrtc);
    if (name === "rtco" && rtco) return rtco();
    const flags = VARIANTS[name];
    if (!flags) throw new Error(`no variant ${name}`);
    return linkBisected(webrtc ?? (globalThis as unknown as WebRTC), flags);
  };
  for (let round = -1; round < pairs; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const index = (Math.max(round, 0) + turn) % names.length;
      const result = results[index];
      if (!result) continue;
      (globalThis as { gc?: () => void }).gc?.();
      await nextTask(10);
      const pair = await run(result.name);
      // Round -1 warms every variant up, untimed.
      if (round >= 0) {
        result.connect.push(pair.connectMs);
        result.connected.push(pair.connectDetail.connected);
      }
      pair.close();
    }
  }
  return results;
}

/** One line per variant: median (p10-p90) to both first messages, and to both connected, and the ratio of medians to the first. */
export function summary(results: BisectResult[]): string {
  const fmt = (values: number[]): string => {
    const sorted = [...values].sort((x, y) => x - y);
    return `${median(sorted).toFixed(2)} (${percentile(sorted, 0.1).toFixed(1)}-${percentile(sorted, 0.9).toFixed(1)})`;
  };
  const base = median(results[0]?.connect ?? []);
  return results.map((r) => `${r.name.padEnd(10)} connect ${fmt(r.connect).padEnd(20)} x${(median(r.connect) / base).toFixed(2)}  connected ${fmt(r.connected)}`).join("\n");
}
