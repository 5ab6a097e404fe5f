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

/** Other builds of rxpeer to time beside this one, by variant name (e.g. a copy of main's src/, see bench/connect-timeline.ts). */
export const otherBuilds: Record<string, { Peer: typeof Peer; linkPeers: typeof linkPeers }> = {};

/** rxpeer itself, as the bench's contender drives it. */
async function linkRxpeer(webrtc: WebRTC | undefined, build = { Peer, linkPeers }): Promise<Greeting & { close(): void }> {
  const { Peer, linkPeers } = build;
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
  timelines?: { at: number; what: string }[][];
  connect: number[];
  connected: number[];
}

/**
 * Times `pairs` pairs of each named variant ("rxpeer" is rxpeer itself), taking turns pair by
 * pair in a rotating order, each pair after a gc() (where exposed) and 10 ms, as the bench does.
 */
export async function bisect(webrtc: WebRTC | undefined, names: string[], pairs: number, rtco?: () => Promise<Greeting & { close(): void }>): Promise<BisectResult[]> {
  const results: BisectResult[] = names.map((name) => ({ name, connect: [] as number[], connected: [] as number[] }));
  const run = (name: string): Promise<Greeting & { close(): void }> => {
    const other = otherBuilds[name];
    if (other) return linkRxpeer(webrtc, other);
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
      nextTimeline();
      const pair = await run(result.name);
      // Round -1 warms every variant up, untimed.
      if (round >= 0) {
        result.connect.push(pair.connectMs);
        result.connected.push(pair.connectDetail.connected);
        const line = nextTimeline();
        line.push({ at: pair.connectDetail.toAnswerer, what: "greet: to answerer" }, { at: pair.connectDetail.toInitiator, what: "greet: to initiator" });
        (result.timelines ??= []).push(line);
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
  // The mean of the middle half: steadier than the median on a loaded machine.
  const mid = (values: number[]): number => {
    const sorted = [...values].sort((x, y) => x - y);
    const half = sorted.slice(sorted.length >> 2, sorted.length - (sorted.length >> 2));
    return half.reduce((sum, v) => sum + v, 0) / half.length;
  };
  const baseMid = mid(results[0]?.connect ?? []);
  const timed = results.filter((r) => r.timelines?.[0]?.length);
  const spans = [["A setRemoteDescription answer done", "A channel open"], ["B setLocalDescription answer done", "B ice connected"], ["A ice connected", "A channel open"], ["A channel open", "B channel open"], ["A channel open", "B message"], ["B channel open", "B message"], ["B message", "greet: to answerer"], ["B message", "A message"], ["A constructed", "A setLocalDescription offer done"], ["A setLocalDescription offer done", "B setLocalDescription answer done"], ["B setLocalDescription answer done", "A setRemoteDescription answer done"]] as const;
  for (const r of timed) {
    const at = (line: { at: number; what: string }[], what: string): number => line.find((e) => e.what === what)?.at ?? Number.NaN;
    console.log(`${r.name}: ${spans.map(([from, to]) => `${from} -> ${to}: ${median((r.timelines ?? []).map((l) => at(l, to) - at(l, from)).filter((d) => !Number.isNaN(d))).toFixed(2)}`).join("\n   ")}`);
  }
  if (timed.length > 0) console.log(sideBySide(timed));
  return results.map((r) => `${r.name.padEnd(12)} connect ${fmt(r.connect).padEnd(20)} x${(median(r.connect) / base).toFixed(2)}  mid-half mean ${mid(r.connect).toFixed(2)} x${(mid(r.connect) / baseMid).toFixed(2)}  connected ${fmt(r.connected)}`).join("\n");
}

/** Each event of the pair being timed, by name, in ms from its start (filled when {@link instrumented} is installed). */
let timeline: { at: number; what: string }[] = [];
let pairStart = 0;
let made = 0;

/**
 * An RTCPeerConnection that records its signaling calls, candidates, state changes and its
 * channels' open and first message ("A" is the first of a pair, "B" the second).
 */
export function instrumented(Base: typeof RTCPeerConnection): typeof RTCPeerConnection {
  const mark = (what: string): void => void timeline.push({ at: performance.now() - pairStart, what });
  const names = new WeakMap<object, string>();
  const watch = (name: string, channel: RTCDataChannel): void => {
    channel.addEventListener("open", () => mark(`${name} channel open`));
    channel.addEventListener("message", () => mark(`${name} message`));
  };
  class Instrumented extends Base {
    constructor(config?: RTCConfiguration) {
      super(config);
      const name = made++ % 2 === 0 ? "A" : "B";
      names.set(this, name);
      mark(`${name} constructed`);
      this.addEventListener("icecandidate", (event) => mark(`${name} local candidate ${event.candidate ? event.candidate.candidate.split(" ").slice(2, 3).join("") + " " + (event.candidate.candidate.split(" ")[7] ?? "") : "null"}`));
      this.addEventListener("iceconnectionstatechange", () => mark(`${name} ice ${this.iceConnectionState}`));
      this.addEventListener("connectionstatechange", () => mark(`${name} connection ${this.connectionState}`));
      this.addEventListener("signalingstatechange", () => mark(`${name} signaling ${this.signalingState}`));
      this.addEventListener("negotiationneeded", () => mark(`${name} negotiationneeded`));
      this.addEventListener("datachannel", (event) => (mark(`${name} datachannel`), watch(name, event.channel)));
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      mark(`${names.get(this)} createDataChannel`);
      watch(names.get(this) ?? "?", channel);
      return channel;
    }
  }
  const prototype = Instrumented.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const method of ["createOffer", "createAnswer", "setLocalDescription", "setRemoteDescription", "addIceCandidate"]) {
    const original = (Base.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
    if (!original) continue;
    prototype[method] = function (this: RTCPeerConnection, ...args: unknown[]) {
      const name = names.get(this) ?? "?";
      const kind = method.endsWith("Description") ? ` ${(args[0] as { type?: string } | undefined)?.type ?? ""}` : "";
      mark(`${name} ${method}${kind}`);
      const result = original.apply(this, args) as Promise<unknown>;
      void result.then(() => mark(`${name} ${method}${kind} done`), () => mark(`${name} ${method}${kind} failed`));
      return result;
    };
  }
  return Instrumented;
}

/** Starts a pair's timeline; returns the one before. */
export function nextTimeline(): { at: number; what: string }[] {
  const done = timeline;
  timeline = [];
  pairStart = performance.now();
  made = 0;
  return done;
}

/** Each event's median time over the timelines, nth occurrences apart, in order. */
export function medianTimeline(lines: { at: number; what: string }[][]): string {
  const byName = new Map<string, number[]>();
  for (const line of lines) {
    const seen = new Map<string, number>();
    for (const { at, what } of line) {
      const nth = (seen.get(what) ?? 0) + 1;
      seen.set(what, nth);
      const key = nth > 1 ? `${what} #${nth}` : what;
      byName.set(key, [...(byName.get(key) ?? []), at]);
    }
  }
  return [...byName.entries()]
    .filter(([, ats]) => ats.length * 2 >= lines.length)
    .map(([what, ats]) => ({ what, at: median(ats) }))
    .sort((x, y) => x.at - y.at)
    .map(({ what, at }) => `  ${at.toFixed(2).padStart(7)} ${what}`)
    .join("\n");
}

/** The median timelines of several variants as columns, rows in the first one's order. */
function sideBySide(results: BisectResult[]): string {
  const medians = results.map((r) => new Map(medianTimeline(r.timelines ?? []).split("\n").map((line) => {
    const [at = "", ...what] = line.trim().split(" ");
    return [what.join(" "), at] as const;
  })));
  const names = [...new Set(medians.flatMap((m) => [...m.keys()]))].sort((x, y) => Number(medians[0]?.get(x) ?? medians[1]?.get(x) ?? 99) - Number(medians[0]?.get(y) ?? medians[1]?.get(y) ?? 99));
  return [`${"".padEnd(40)}${results.map((r) => r.name.padStart(10)).join("")}`, ...names.map((n) => `${n.padEnd(40)}${medians.map((m) => (m.get(n) ?? "-").padStart(10)).join("")}`)].join("\n");
}
