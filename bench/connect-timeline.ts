/**
 * A timeline of each connect, per contender, on @roamhq/wrtc or node-datachannel: when each
 * signaling step, candidate, ICE / connection state, channel open, connect and first message
 * happened, in ms from the pair's start. The same connect procedure as the bench's connect
 * figure (pairs taking turns, each closed before the next), with switches for what comes
 * between pairs, so the procedure's cost can be told from the contenders' own.
 *
 *   node --expose-gc --import tsx bench/connect-timeline.ts [--pairs=20] [--contenders=raw,rxpeer,rtco]
 *     [--procedures=gc10,5gc,...] [--wrtc=node|node-datachannel] [--events=1] [--plain=1] [--json=FILE]
 *     [--ndc-log=Verbose --ndc-log-over=500]
 *
 * --procedures: what precedes each pair, taking turns ("gc10": gc() then 10 ms; "5gc": 5 ms
 * then gc(), the pair right after; "5": 5 ms only); with more than one, connect times are
 * also printed per procedure. --plain=1: no instrumentation (connect times only).
 * Contender "rxpeer-main": rxpeer from a copy of another checkout's src/ in bench/.main
 * (`git archive main src | tar -x -C bench/.main`), for a side-by-side run in one process.
 *
 * --ndc-log=LEVEL (node-datachannel only): libdatachannel's own log (ICE checks, DTLS, SCTP), printed
 * for the first pair of each contender slower than --ndc-log-over ms (default 500), with its times in ms
 * from that pair's start as JavaScript received them (the log comes through a callback, later than the
 * native event and in batches).
 *
 * Prints, per contender, its steps (each as the median over pairs of its time since the
 * step before), then the median (p10-p90) time of each event seen in a quarter of the pairs
 * or more ("old": an event of an earlier pair's connections). A probe: its figures are what
 * the bench's connect figure is made of, not a figure of its own.
 */
import wrtc from "@roamhq/wrtc";
import * as nodeDatachannel from "node-datachannel/polyfill";
import { initLogger, type LogLevel } from "node-datachannel";
import RtcoPeer from "@rtco/peer";
import { writeFileSync } from "node:fs";
import { rawContender } from "./contenders/raw.js";
import { rtcoContender, rtcoPeerConnection } from "./contenders/rtco.js";
import { rxpeerContender } from "./contenders/rxpeer.js";
import { simplePeerContender } from "./contenders/simple-peer.js";
import SimplePeer from "simple-peer";
import { EVENT_WATERMARKS, NODE_WATERMARKS } from "./node-runtime.js";
import { firstValueFrom } from "rxjs";
import { greet, nextTask, type Contender, type WebRTC } from "./transport.js";
import { median, percentile } from "./workloads.js";

function option(name: string, fallback: string): string {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

const pairs = Number(option("pairs", "20"));
const names = option("contenders", "raw,rxpeer,rtco").split(",");
const showEvents = option("events", "1") === "1";
const runtime = option("wrtc", "node");
const ndcLogLevel = option("ndc-log", "");
const ndcLogOver = Number(option("ndc-log-over", "500"));
// libdatachannel's log of the pair being measured, when asked for.
let ndcLog: string[] = [];
if (ndcLogLevel && runtime === "node-datachannel") initLogger(ndcLogLevel as LogLevel, (level, message) => void ndcLog.push(`${(performance.now() - start).toFixed(2)} ${level} ${message}`));
const loggedSlow = new Set<string>();

/** The events of the pair being measured, in ms from its start. */
let events: { at: number; what: string }[] = [];
let start = 0;
let side = new WeakMap<object, string>();
let made = 0;
// Events of an earlier pair's connections (their teardown) are counted apart, as "old".
let pairNo = 0;
const mark = (what: string, of = pairNo): void => void events.push({ at: performance.now() - start, what: of === pairNo ? what : `old ${what}` });

/** An RTCPeerConnection that records what is done to it and what it fires (with listeners of its own, so the contender's on* handlers stay theirs). */
function instrumented(Base: typeof RTCPeerConnection): typeof RTCPeerConnection {
  const timed = <T>(pc: object, what: string, run: () => Promise<T>): Promise<T> => {
    const name = side.get(pc) ?? "?";
    const of = pairNo;
    mark(`${name} ${what}`, of);
    return run().then((value) => (mark(`${name} ${what} done`, of), value));
  };
  const watchChannel = (name: string, channel: RTCDataChannel): void => {
    const of = pairNo;
    channel.addEventListener("open", () => mark(`${name} channel open`, of));
    let first = true;
    channel.addEventListener("message", () => {
      if (first) mark(`${name} first channel message`, of);
      first = false;
    });
  };
  class Instrumented extends Base {
    constructor(config?: RTCConfiguration) {
      super(config);
      const name = made++ % 2 === 0 ? "A" : "B";
      const of = pairNo;
      side.set(this, name);
      mark(`${name} constructed`);
      this.addEventListener("icecandidate", (event) => mark(`${name} local candidate ${event.candidate ? (event.candidate.candidate.split(" ")[4] || "(end)") : "null"}`, of));
      this.addEventListener("iceconnectionstatechange", () => mark(`${name} ice ${this.iceConnectionState}`, of));
      this.addEventListener("connectionstatechange", () => mark(`${name} connection ${this.connectionState}`, of));
      this.addEventListener("negotiationneeded", () => mark(`${name} negotiationneeded`, of));
      this.addEventListener("datachannel", (event) => {
        mark(`${name} datachannel`, of);
        watchChannel(name, event.channel);
      });
    }
    override setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      return timed(this, `setLocal ${description?.type ?? "(none)"}`, () => super.setLocalDescription(description));
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      return timed(this, `setRemote ${description.type}`, () => super.setRemoteDescription(description));
    }
    override addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void> {
      return timed(this, "addIceCandidate", () => super.addIceCandidate(candidate));
    }
    override getTransceivers(): RTCRtpTransceiver[] {
      const begun = performance.now();
      const transceivers = super.getTransceivers();
      mark(`${side.get(this) ?? "?"} getTransceivers (${(performance.now() - begun).toFixed(2)} ms)`);
      return transceivers;
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const begun = performance.now();
      const channel = super.createDataChannel(label, init);
      mark(`${side.get(this) ?? "?"} createDataChannel${init?.negotiated ? " (negotiated)" : ""} (${(performance.now() - begun).toFixed(2)} ms)`);
      watchChannel(side.get(this) ?? "?", channel);
      return channel;
    }
  };
  // createOffer and createAnswer have callback overloads an override cannot match: wrapped on the prototype.
  const prototype = Instrumented.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ["createOffer", "createAnswer"]) {
    const original = prototype[method];
    if (!original) continue;
    const wrapped = original;
    prototype[method] = function (this: RTCPeerConnection, ...args: unknown[]) {
      return timed(this, method, () => wrapped.apply(this, args));
    };
  }
  return Instrumented;
}

const base = runtime === "node-datachannel" ? (nodeDatachannel as unknown as WebRTC) : (wrtc as unknown as WebRTC);
const webrtc: WebRTC = option("plain", "0") === "1" ? base : { ...base, RTCPeerConnection: instrumented(base.RTCPeerConnection) };
(globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection = rtcoPeerConnection(webrtc.RTCPeerConnection);
const marks = runtime === "node-datachannel" ? EVENT_WATERMARKS : NODE_WATERMARKS;
const all: Record<string, Contender> = {
  raw: rawContender(webrtc, marks),
  rxpeer: rxpeerContender(webrtc, "sendTo", marks),
  "simple-peer": simplePeerContender(SimplePeer, webrtc),
  rtco: rtcoContender(RtcoPeer),
};
// "rxpeer-main": the same contender on a copy of main's src/ in bench/.main (git archive main src | tar -x -C bench/.main), for a side-by-side run.
if (names.includes("rxpeer-main")) {
  const copy = "./.main/src/index.js";
  const { Peer: MainPeer, linkPeers: mainLink } = (await import(copy)) as typeof import("../src/index.js");
  all["rxpeer-main"] = {
    name: "rxpeer-main" as never,
    backpressure: true,
    async connect() {
      const begun = performance.now();
      const a = new MainPeer({ debug: 0, initiator: true, wrtc: webrtc as never });
      const b = new MainPeer({ debug: 0, wrtc: webrtc as never });
      const side = (peer: InstanceType<typeof MainPeer>) => ({
        connected: (listener: () => void) => void firstValueFrom(peer.connect$).then(listener, () => undefined),
        send: (text: string) => peer.send(text),
        received: (listener: () => void) => void firstValueFrom(peer.data$).then(listener, () => undefined),
      });
      const greeting = greet(begun, side(a), side(b));
      mainLink(a, b);
      const { connectMs, connectDetail } = await greeting;
      return { a: undefined as never, b: undefined as never, connectMs, connectDetail, close: () => (a.destroy(), b.destroy()) };
    },
  };
}
const contenders = names.map((name) => {
  const contender = all[name];
  if (!contender) throw new Error(`no contender ${name}`);
  return contender;
});

const MILESTONES = [
  "A constructed",
  "B constructed",
  "A createOffer",
  "A createOffer done",
  "A setLocal offer done",
  "B setRemote offer done",
  "B createAnswer done",
  "B setLocal answer done",
  "A setRemote answer done",
  "B ice connected",
  "A channel open",
  "B channel open",
  "greet: connected",
  "greet: toAnswerer",
  "greet: toInitiator",
];

interface PairTimeline {
  connectMs: number;
  detail: Record<string, number>;
  events: { at: number; what: string }[];
}
const timelines = contenders.map((): PairTimeline[] => []);
// What precedes each pair, taking turns: "gcN" collects garbage then waits N ms, "Ngc" the other way round, "N" only waits.
// The default is close to the bench's (5 ms, gc(), 10 ms).
const procedures = option("procedures", "gc10").split(",");
const byProcedure = new Map<string, number[]>();
let sequence = 0;
for (let round = 0; round < pairs; round++) {
  for (let turn = 0; turn < contenders.length; turn++) {
    const index = (round + turn) % contenders.length;
    const contender = contenders[index];
    if (!contender) continue;
    const procedure = procedures[sequence++ % procedures.length] ?? "";
    // "gcN": collect, then wait N ms; "Ngc": wait N ms, then collect (the pair starts right after).
    if (procedure.startsWith("gc")) (globalThis as { gc?: () => void }).gc?.();
    await nextTask(Number(procedure.replace("gc", "")));
    if (procedure.endsWith("gc")) (globalThis as { gc?: () => void }).gc?.();
    events = [];
    ndcLog = [];
    pairNo++;
    side = new WeakMap();
    made = 0;
    start = performance.now();
    // A pair that has not greeted in 5 s is counted as stuck and left (its connections leak, for this probe only).
    const outcome = await Promise.race([contender.connect(), nextTask(5_000).then(() => undefined)]);
    if (!outcome) {
      console.log(`${contender.name}: pair ${round} stuck`);
      continue;
    }
    const pair = outcome;
    if (ndcLogLevel && pair.connectMs > ndcLogOver && !loggedSlow.has(contender.name)) {
      loggedSlow.add(contender.name);
      console.log(`--- ${contender.name} pair ${round}: ${pair.connectMs.toFixed(1)} ms; libdatachannel's log:\n${ndcLog.join("\n")}\n---`);
    }
    for (const [what, at] of Object.entries(pair.connectDetail)) events.push({ at, what: `greet: ${what}` });
    timelines[index]?.push({ connectMs: pair.connectMs, detail: pair.connectDetail, events });
    const key = `${contender.name} after ${procedure}`;
    byProcedure.set(key, [...(byProcedure.get(key) ?? []), pair.connectMs]);
    pair.close();
  }
}
const fmt = (values: number[]): string => {
  const sorted = [...values].sort((x, y) => x - y);
  return `${median(sorted).toFixed(2)} (${percentile(sorted, 0.1).toFixed(1)}-${percentile(sorted, 0.9).toFixed(1)})`;
};
for (const [index, contender] of contenders.entries()) {
  const lines = timelines[index] ?? [];
  console.log(`\n${contender.name}: connect ${fmt(lines.map((l) => l.connectMs))} ms, connected ${fmt(lines.map((l) => l.detail.connected ?? Number.NaN))}`);
  // A median hides how the slow pairs are spread: node-datachannel's come at about 50 ms and 1 s (docs/runtimes.md).
  const over = (low: number, high = Infinity): number => lines.filter((l) => l.connectMs > low && l.connectMs <= high).length;
  console.log(`  pairs: ${lines.length}, over 40 ms: ${over(40, 500)}, over 500 ms: ${over(500)}`);
  // The steps every contender goes through, each as the median over pairs of its time since the step before.
  const at = (line: PairTimeline, what: string): number => line.events.find((e) => e.what === what)?.at ?? Number.NaN;
  let previous = "start";
  for (const step of MILESTONES) {
    const deltas = lines.map((line) => at(line, step) - (previous === "start" ? 0 : at(line, previous))).filter((d) => !Number.isNaN(d));
    if (deltas.length === 0) continue;
    console.log(`  +${fmt(deltas).padEnd(20)} ${step}`);
    previous = step;
  }
  if (!showEvents) continue;
  // Each event's time, the nth occurrence of a name counted apart (candidates repeat).
  const byName = new Map<string, number[]>();
  for (const line of lines) {
    const seen = new Map<string, number>();
    for (const { at, what } of line.events) {
      const nth = (seen.get(what) ?? 0) + 1;
      seen.set(what, nth);
      const key = nth > 1 ? `${what} #${nth}` : what;
      const list = byName.get(key) ?? [];
      list.push(at);
      byName.set(key, list);
    }
  }
  const rows = [...byName.entries()].filter(([, ats]) => ats.length * 4 >= lines.length).map(([what, ats]) => ({ what, med: median(ats), n: ats.length, text: fmt(ats) }));
  rows.sort((x, y) => x.med - y.med);
  for (const row of rows) console.log(`  ${row.text.padEnd(22)} ${row.what}${row.n < lines.length ? ` [${row.n}/${lines.length}]` : ""}`);
}
if (procedures.length > 1) for (const [key, values] of [...byProcedure.entries()].sort()) console.log(`${key}: ${fmt(values)} ms`);
const json = option("json", "");
if (json) writeFileSync(json, JSON.stringify(Object.fromEntries(contenders.map((c, i) => [c.name, timelines[i]])), null, 1));
process.exit(0);
