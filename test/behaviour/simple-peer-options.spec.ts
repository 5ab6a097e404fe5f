// The options and signal shapes simple-peer's users rely on, on the Peer itself:
// trickle off, sdpTransform, offerOptions / answerOptions, a negotiated data channel,
// replaceTrack(old, null), and the signals simple-peer accepts without a type.
import { expect } from "chai";
import { filter, firstValueFrom, type Subscription } from "rxjs";
import { linkPeers, type Peer, type PeerError, type SignalData, type WebRTCImplementation } from "../../src/index.js";
import { runtimeHasMedia, wrtc } from "#test-runtime";
import { framesArrive, mediaStream, videoTrack } from "../support/media.js";
import { connected, connectedPair, makePeer } from "../support/peers.js";

const wirings: Subscription[] = [];
afterEach(() => {
  for (const wiring of wirings.splice(0)) wiring.unsubscribe();
});

function errorsOf(...peers: Peer[]): string[] {
  const errors: string[] = [];
  for (const peer of peers) wirings.push(peer.error$.subscribe((error: PeerError) => errors.push(`${error.code}: ${error.message}`)));
  return errors;
}

function signalsOf(peer: Peer): SignalData[] {
  const signals: SignalData[] = [];
  wirings.push(peer.signal$.subscribe((signal) => signals.push(signal)));
  return signals;
}

async function exchangesText(a: Peer, b: Peer): Promise<void> {
  const atB = firstValueFrom(b.data$);
  a.send("to b");
  expect(await atB).to.equal("to b");
  const atA = firstValueFrom(a.data$);
  b.send("to a");
  expect(await atA).to.equal("to a");
}

const implementation = (): WebRTCImplementation => wrtc ?? (globalThis as unknown as WebRTCImplementation);

/** A real RTCPeerConnection of the runtime that records the options its offers and answers are made with. */
function recordingImplementation(calls: { offer: unknown[]; answer: unknown[] }): WebRTCImplementation {
  const base = implementation();
  class RecordingPeerConnection extends base.RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      const createOffer = this.createOffer.bind(this) as (options?: RTCOfferOptions) => Promise<RTCSessionDescriptionInit>;
      const createAnswer = this.createAnswer.bind(this) as (options?: RTCAnswerOptions) => Promise<RTCSessionDescriptionInit>;
      this.createOffer = ((options?: RTCOfferOptions) => (calls.offer.push(options), createOffer(options))) as RTCPeerConnection["createOffer"];
      this.createAnswer = ((options?: RTCAnswerOptions) => (calls.answer.push(options), createAnswer(options))) as RTCPeerConnection["createAnswer"];
    }
  }
  return { ...base, RTCPeerConnection: RecordingPeerConnection as typeof RTCPeerConnection };
}

describe("simple-peer's options on the Peer", () => {
  it("trickle: false on both sides: no candidate signals, one description each way carrying its candidates, and data flows", async () => {
    const a = makePeer({ initiator: true, trickle: false });
    const b = makePeer({ trickle: false });
    const errors = errorsOf(a, b);
    const fromA = signalsOf(a);
    const fromB = signalsOf(b);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    await exchangesText(a, b);
    for (const signals of [fromA, fromB]) {
      expect(signals.map((signal) => signal.type)).to.deep.equal(["sdp"]);
      const [description] = signals;
      expect(description?.type === "sdp" && description.data.sdp).to.match(/\r\na=candidate:/);
    }
    expect(errors).to.deep.equal([]);
  });

  it("trickle: false on one side only still connects with a trickling peer", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer({ trickle: false });
    const fromB = signalsOf(b);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    await exchangesText(a, b);
    expect(fromB.filter((signal) => signal.type === "candidate")).to.deep.equal([]);
  });

  it("trickle: false waits at most iceCompleteTimeout for gathering: a tiny timeout still sends each description", async () => {
    const a = makePeer({ initiator: true, trickle: false, iceCompleteTimeout: 1 });
    const offer = await firstValueFrom(a.signal$);
    expect(offer.type).to.equal("sdp");
  });

  it("sdpTransform rewrites each local offer and answer before it is applied and sent", async () => {
    const seen: string[] = [];
    // A rewrite WebRTC keeps when it re-serialises a description: the SCTP message size limit.
    const transform = (size: number) => (sdp: string): string => {
      seen.push(sdp);
      return sdp.replace(/^a=max-message-size:\d+/m, `a=max-message-size:${size}`);
    };
    const { a, b } = await connectedPair({ sdpTransform: transform(100_001) }, { sdpTransform: transform(100_002) });
    expect(seen).to.have.length(2);
    for (const sdp of seen) expect(sdp).to.match(/^v=0\r\n[^]*^a=max-message-size:\d+\r$/m);
    expect(b.connection.remoteDescription?.sdp).to.match(/^a=max-message-size:100001\r$/m);
    expect(a.connection.remoteDescription?.sdp).to.match(/^a=max-message-size:100002\r$/m);
    await exchangesText(a, b);
  });

  it("offerOptions and answerOptions are what createOffer and createAnswer get", async () => {
    const calls = { offer: [] as unknown[], answer: [] as unknown[] };
    const offerOptions: RTCOfferOptions = { iceRestart: false };
    const answerOptions: RTCAnswerOptions = {};
    const recording = recordingImplementation(calls);
    const { a, b } = await connectedPair({ wrtc: recording, offerOptions }, { wrtc: recording, answerOptions });
    expect(calls.offer).to.deep.equal([offerOptions]);
    expect(calls.offer[0]).to.equal(offerOptions);
    expect(calls.answer).to.have.length(1);
    expect(calls.answer[0]).to.equal(answerOptions);
    await exchangesText(a, b);
  });

  it("channelConfig { negotiated: true, id } is honoured on both sides: the answerer connects on its own channel", async () => {
    const channelConfig = { negotiated: true, id: 7 };
    const a = makePeer({ initiator: true, channelName: "shared", channelConfig });
    const b = makePeer({ channelName: "shared", channelConfig });
    const errors = errorsOf(a, b);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    expect(b.channel?.id).to.equal(7);
    expect(b.channel?.negotiated).to.equal(true);
    expect(b.channelName).to.equal("shared");
    await exchangesText(a, b);
    expect(errors).to.deep.equal([]);
  });

  // Media: node-datachannel has none, so this is skipped there by design.
  (runtimeHasMedia ? it : it.skip)("replaceTrack(old, null) stops sending; replacing old again resumes; removing old removes it", async () => {
    const { a, b } = await connectedPair();
    const errors = errorsOf(a, b);
    const first = videoTrack(96, 72);
    const atB = firstValueFrom(b.track$);
    a.addTrack(first, mediaStream(first));
    const { track } = await atB;
    await framesArrive(b, track, { width: 96 });

    await a.replaceTrack(first, null);
    const [sender] = a.connection.getSenders().filter((candidate) => candidate.transport && candidate.track === null);
    expect(sender, "a sender with no track").to.not.equal(undefined);

    const second = videoTrack(80, 60);
    await a.replaceTrack(first, second);
    expect(sender?.track).to.equal(second);
    await framesArrive(b, track, { width: 80 });

    await a.replaceTrack(second, null);
    const removed = firstValueFrom(b.removetrack$);
    a.removeTrack(second);
    expect((await removed).track).to.equal(track);
    expect(errors).to.deep.equal([]);
  });
});

describe("signals simple-peer accepts", () => {
  it("candidates and renegotiation requests without a type, and ends of candidates, connect with no error", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const errors = errorsOf(a, b);
    // simple-peer's shapes, with the type dropped where simple-peer reads by field.
    const untyped = (signal: SignalData): object => (signal.type === "candidate" ? { candidate: signal.data } : signal);
    wirings.push(a.signal$.subscribe((signal) => void b.signal(untyped(signal) as SignalData)));
    wirings.push(b.signal$.subscribe((signal) => void a.signal(untyped(signal) as SignalData)));
    await firstValueFrom(b.signal$.pipe(filter((signal) => signal.type === "sdp")));
    await b.signal({ type: "candidate", candidate: null } as unknown as SignalData);
    await b.signal({ type: "candidate", candidate: { candidate: "", sdpMid: "0" } });
    await b.signal({ candidate: null } as unknown as SignalData);
    await a.signal({ renegotiate: true } as unknown as SignalData);
    await Promise.all([connected(a), connected(b)]);
    await exchangesText(a, b);
    expect(errors).to.deep.equal([]);
  });
});
