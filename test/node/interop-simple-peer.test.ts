// rxpeer against a real simple-peer 9.11.1 on @roamhq/wrtc, in both roles: text and
// binary data both ways, and one video track each way. simple-peer's signals go
// straight into peer.signal(); rxpeer's go out through toSimplePeerSignal().
import { afterEach, describe, expect, it } from "vitest";
import { filter, firstValueFrom, toArray, type Subscription } from "rxjs";
import SimplePeer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import { Peer, type PeerError, type PeerTrackEvent, type SignalData, type WebRTCImplementation } from "../../src/index.js";
import { toSimplePeerSignal } from "../../operators/index.js";
import { framesArrive, framesStop, mediaStream, videoTrack } from "../support/media.js";
import { emitterReceives, rxReceives } from "../support/receive.js";

const implementation = wrtc as unknown as WebRTCImplementation;
// simple-peer's own default config points at public STUN servers: loopback only here.
const loopbackOnly: RTCConfiguration = { iceServers: [] };

interface Pair {
  rx: Peer;
  sp: SimplePeer.Instance;
  rxErrors: PeerError[];
  spErrors: Error[];
  /** Rejects at the first error on either side, so a wait fails at once rather than at its timeout. */
  failure: Promise<never>;
}

const live: Pair[] = [];
const wirings: Subscription[] = [];

afterEach(() => {
  for (const wiring of wirings.splice(0)) wiring.unsubscribe();
  for (const { rx, sp } of live.splice(0)) {
    rx.destroy();
    sp.destroy();
  }
});

/** An rxpeer and a simple-peer wired to each other; `rxInitiates` picks who offers first. */
function makePair(rxInitiates: boolean): Pair {
  const rx = new Peer({ initiator: rxInitiates, wrtc: implementation, debug: 0 });
  const sp = new SimplePeer({ initiator: !rxInitiates, wrtc: implementation as SimplePeer.Options["wrtc"], config: loopbackOnly });
  let fail: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined); // observed through `until`; never an unhandled rejection
  const pair: Pair = { rx, sp, rxErrors: [], spErrors: [], failure };
  live.push(pair);
  wirings.push(
    rx.error$.subscribe((error) => {
      pair.rxErrors.push(error);
      fail(new Error(`rxpeer error ${error.code}: ${error.message}`));
    }),
  );
  sp.on("error", (error: Error) => {
    pair.spErrors.push(error);
    fail(new Error(`simple-peer error: ${error.message}`));
  });
  sp.on("signal", (signal: SimplePeer.SignalData) => void rx.signal(signal));
  // simple-peer throws on signal() once destroyed; its own error event has told the test why.
  // @types/simple-peer types a candidate as a full RTCIceCandidate; simple-peer itself takes
  // the RTCIceCandidateInit that its own signals (and toSimplePeerSignal) carry.
  wirings.push(rx.signal$.pipe(toSimplePeerSignal()).subscribe((signal) => !sp.destroyed && sp.signal(signal as SimplePeer.SignalData)));
  return pair;
}

/** `promise`, unless either side of `pair` reports an error first. */
function until<T>(pair: Pair, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, pair.failure]);
}

async function connectedPair(rxInitiates: boolean): Promise<Pair> {
  const pair = makePair(rxInitiates);
  await until(pair, Promise.all([firstValueFrom(pair.rx.connect$), new Promise<void>((resolve) => pair.sp.once("connect", () => resolve()))]));
  return pair;
}

/** The next time simple-peer's signaling is back to stable with nothing queued. */
function spNegotiated(sp: SimplePeer.Instance): Promise<void> {
  return new Promise((resolve) => sp.once("negotiated", () => resolve()));
}

function expectNoErrors(pair: Pair): void {
  expect(pair.rxErrors.map((error) => `${error.code}: ${error.message}`)).toEqual([]);
  expect(pair.spErrors.map((error) => error.message)).toEqual([]);
}

const binary = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

describe.each([
  { roles: "rxpeer initiates, simple-peer answers", rxInitiates: true },
  { roles: "simple-peer initiates, rxpeer answers", rxInitiates: false },
])("rxpeer and simple-peer 9.11.1: $roles", ({ rxInitiates }) => {
  it("connects and carries text and binary both ways", async () => {
    const pair = await connectedPair(rxInitiates);
    const { rx, sp } = pair;
    expect(rx.ready).toBe(true);

    const atSp = emitterReceives(sp, 2);
    rx.send("hello simple-peer");
    rx.send(binary);
    const [text, bytes] = await until(pair, atSp);
    expect(text?.toString("utf8")).toBe("hello simple-peer");
    expect(bytes && new Uint8Array(bytes)).toEqual(binary);

    const atRx = rxReceives(rx, 2);
    sp.send("hello rxpeer");
    sp.send(Buffer.from(binary.buffer));
    const [fromSpText, fromSpBytes] = await until(pair, atRx);
    expect(fromSpText).toBe("hello rxpeer");
    expect(fromSpBytes).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(fromSpBytes as ArrayBuffer)).toEqual(binary);
    expectNoErrors(pair);
  });

  // One direction after the other: simple-peer has no glare handling, so a simple-peer
  // initiator destroys itself ("wrong state") when an rxpeer answerer's offer crosses its
  // own. Two peers of simple-peer avoid it because only the initiator ever offers.
  it("sends one video track each way, and frames arrive on both sides", async () => {
    const pair = await connectedPair(rxInitiates);
    const { rx, sp } = pair;
    // Different sizes, so each side can tell the other's video from an echo of its own.
    const rxVideo = videoTrack(96, 72);
    const spVideo = videoTrack(64, 48);

    const spGetsTrack = new Promise<MediaStreamTrack>((resolve) => sp.once("track", (track: MediaStreamTrack) => resolve(track)));
    const settled = spNegotiated(sp);
    rx.addTrack(rxVideo, mediaStream(rxVideo));
    const atSp = await until(pair, spGetsTrack);
    await until(pair, settled);

    const rxGetsTrack = firstValueFrom(rx.track$.pipe(filter(({ track }) => track.kind === "video")));
    sp.addTrack(spVideo, mediaStream(spVideo));
    const atRx = await until(pair, rxGetsTrack);

    await until(pair, Promise.all([framesArrive(rx, atSp, { width: 96 }), framesArrive(rx, atRx.track, { width: 64 })]));
    expectNoErrors(pair);
  });
});

describe("rxpeer and simple-peer 9.11.1: a track added by simple-peer's answerer alone", () => {
  // simple-peer's answerer cannot offer: it asks with { type: "renegotiate" }, and then,
  // when the offer has no m-line for its track, with { type: "transceiverRequest" }.
  // rxpeer must add that transceiver, or the track is never sent.
  it("reaches an rxpeer initiator through renegotiate and transceiverRequest", async () => {
    const pair = await connectedPair(true);
    const requests: string[] = [];
    pair.sp.on("signal", (signal: SimplePeer.SignalData) => {
      if (signal.type === "renegotiate" || signal.type === "transceiverRequest") requests.push(signal.type);
    });
    const spVideo = videoTrack(64, 48);
    const rxGetsTrack = firstValueFrom(pair.rx.track$);
    pair.sp.addTrack(spVideo, mediaStream(spVideo));

    const { track } = await until(pair, rxGetsTrack);
    expect(track.kind).toBe("video");
    await until(pair, framesArrive(pair.rx, track, { width: 64 }));
    expect(requests).toContain("transceiverRequest");
    expectNoErrors(pair);
  });
});

/** Every offer `rx` sends from now on. */
function offersOf(rx: Peer): SignalData[] {
  const offers: SignalData[] = [];
  wirings.push(rx.signal$.subscribe((signal) => signal.type === "sdp" && signal.data.type === "offer" && offers.push(signal)));
  return offers;
}

/** The next video track `rx` receives. */
function rxVideo(rx: Peer): Promise<PeerTrackEvent> {
  return firstValueFrom(rx.track$.pipe(filter(({ track }) => track.kind === "video")));
}

function spTrack(sp: SimplePeer.Instance): Promise<MediaStreamTrack> {
  return new Promise((resolve) => sp.once("track", (track: MediaStreamTrack) => resolve(track)));
}

describe("rxpeer answering a simple-peer initiator: simple-peer's answerer protocol", () => {
  // simple-peer has no glare handling: an offer of the answerer's crossing its own
  // destroys it ("Called in wrong state: have-local-offer"). So rxpeer, facing a
  // simple-peer, never offers as answerer: it asks, and simple-peer offers.
  it("both sides adding a track at the same moment, twice: tracks and frames both ways, no error, and rxpeer never offers", async () => {
    const pair = await connectedPair(false);
    const { rx, sp } = pair;
    const rxOffers = offersOf(rx);
    for (const [rxWidth, spWidth] of [[96, 64], [80, 48]] as const) {
      const atRx = rxVideo(rx);
      const atSp = spTrack(sp);
      const mine = videoTrack(rxWidth, 72);
      const theirs = videoTrack(spWidth, 48);
      rx.addTrack(mine, mediaStream(mine));
      sp.addTrack(theirs, mediaStream(theirs));
      const [fromSp, fromRx] = await until(pair, Promise.all([atRx, atSp]));
      await until(pair, Promise.all([framesArrive(rx, fromSp.track, { width: spWidth }), framesArrive(rx, fromRx, { width: rxWidth })]));
    }
    expect(rxOffers).toEqual([]);
    expectNoErrors(pair);
  });

  it("a track added by the rxpeer answerer alone reaches simple-peer, and its removal is negotiated", async () => {
    const pair = await connectedPair(false);
    const { rx, sp } = pair;
    const rxOffers = offersOf(rx);
    const mine = videoTrack(96, 72);
    const atSp = spTrack(sp);
    rx.addTrack(mine, mediaStream(mine));
    await until(pair, framesArrive(rx, await until(pair, atSp), { width: 96 }));

    // simple-peer emits no removal event: the renegotiation shows as its transceiver going recvonly/inactive.
    const settled = spNegotiated(sp);
    rx.removeTrack(mine);
    await until(pair, settled);
    const spReceivers = (sp as unknown as { _pc: RTCPeerConnection })._pc.getTransceivers().filter((t) => t.receiver.track.kind === "video");
    expect(spReceivers.map((t) => t.currentDirection)).not.toContain("recvonly");
    expect(spReceivers.map((t) => t.currentDirection)).not.toContain("sendrecv");
    expect(rxOffers).toEqual([]);
    expectNoErrors(pair);
  });
});

describe.each([
  { roles: "rxpeer initiates, simple-peer answers", rxInitiates: true },
  { roles: "simple-peer initiates, rxpeer answers", rxInitiates: false },
])("media against simple-peer 9.11.1: $roles", ({ rxInitiates }) => {
  it("simple-peer's removal reaches rxpeer as removetrack and removestream", async () => {
    const pair = await connectedPair(rxInitiates);
    const { rx, sp } = pair;
    const theirs = videoTrack(64, 48);
    const stream = mediaStream(theirs);
    const atRx = rxVideo(rx);
    sp.addTrack(theirs, stream);
    const { track } = await until(pair, atRx);
    const removed = firstValueFrom(rx.removetrack$);
    const streamGone = firstValueFrom(rx.removestream$);
    sp.removeTrack(theirs, stream);
    expect((await until(pair, removed)).track).toBe(track);
    await until(pair, streamGone);
    expectNoErrors(pair);
  });

  it("rxpeer's replaceTrack: simple-peer's remote track carries the new source's frames, and null stops them", async () => {
    const pair = await connectedPair(rxInitiates);
    const { rx, sp } = pair;
    const first = videoTrack(96, 72);
    const second = videoTrack(80, 60);
    const atSp = spTrack(sp);
    rx.addTrack(first, mediaStream(first));
    const remote = await until(pair, atSp);
    await until(pair, framesArrive(rx, remote, { width: 96 }));
    await rx.replaceTrack(first, second);
    await until(pair, framesArrive(rx, remote, { width: 80 }));
    await rx.replaceTrack(second, null);
    const sender = rx.connection.getSenders().find((candidate) => candidate.track === null && candidate.transport);
    expect(sender).toBeDefined();
    await framesStop(remote);
    expectNoErrors(pair);
  });

  it("simple-peer's replaceTrack reaches rxpeer on the same remote track", async () => {
    const pair = await connectedPair(rxInitiates);
    const { rx, sp } = pair;
    const first = videoTrack(64, 48);
    const second = videoTrack(72, 54);
    const stream = mediaStream(first);
    const atRx = rxVideo(rx);
    sp.addTrack(first, stream);
    const { track } = await until(pair, atRx);
    await until(pair, framesArrive(rx, track, { width: 64 }));
    sp.replaceTrack(first, second, stream);
    await until(pair, framesArrive(rx, track, { width: 72 }));
    expectNoErrors(pair);
  });
});

describe("simple-peer's renegotiation request, without simple-peer", () => {
  // simple-peer's answerer sends { type: "renegotiate" } and then waits for an offer,
  // whatever state the initiator was in: a request that arrives mid-exchange must be kept.
  it("is honoured once the exchange under way settles", async () => {
    const rx = new Peer({ initiator: true, wrtc: implementation, debug: 0 });
    const remote = new wrtc.RTCPeerConnection() as unknown as RTCPeerConnection;
    try {
      const offers: RTCSessionDescriptionInit[] = [];
      let secondOffer: () => void = () => undefined;
      const twoOffers = new Promise<void>((resolve) => (secondOffer = resolve));
      rx.signal$.subscribe((signal) => {
        if (signal.type !== "sdp" || signal.data.type !== "offer") return;
        offers.push(signal.data);
        if (offers.length === 2) secondOffer();
      });
      const errors: string[] = [];
      rx.error$.subscribe((error) => errors.push(error.message));
      await firstValueFrom(rx.signal$.pipe(filter((signal) => signal.type === "sdp")));
      expect(rx.connection.signalingState).toBe("have-local-offer");

      await rx.signal({ type: "renegotiate", renegotiate: true }); // mid-exchange
      const [first] = offers;
      if (!first) throw new Error("no first offer");
      await remote.setRemoteDescription(first);
      const answer = await remote.createAnswer();
      await remote.setLocalDescription(answer);
      await rx.signal({ type: "answer", sdp: answer.sdp ?? "" });
      await twoOffers;
      expect(offers).toHaveLength(2);
      expect(errors).toEqual([]);
    } finally {
      rx.destroy();
      remote.close();
    }
  });
});

describe("rxpeer and simple-peer 9.11.1, both initiators", () => {
  // Whichever offer lands first decides. Here simple-peer's reaches rxpeer before rxpeer's
  // reaches simple-peer: rxpeer can tell (an offer in simple-peer's format, while its own
  // first one is unanswered), and simple-peer then fails on rxpeer's. The other way round
  // simple-peer applies rxpeer's offer, fails to set its own and closes without a word
  // (ERR_SET_LOCAL_DESCRIPTION): rxpeer hears nothing, as from a remote not there yet.
  it("an rxpeer initiator given a simple-peer initiator's offer gives up with ERR_NEGOTIATION and close$, rather than waiting forever", async () => {
    const rx = new Peer({ initiator: true, wrtc: implementation, debug: 0 });
    const sp = new SimplePeer({ initiator: true, wrtc: implementation as SimplePeer.Options["wrtc"], config: loopbackOnly });
    live.push({ rx, sp, rxErrors: [], spErrors: [], failure: new Promise<never>(() => undefined) });
    const rxErrors = firstValueFrom(rx.error$.pipe(toArray()));
    const spError = new Promise<string | undefined>((resolve) => sp.once("error", (error: Error & { code?: string }) => resolve(error.code)));
    const spOffered = new Promise<void>((resolve) =>
      sp.on("signal", (signal: SimplePeer.SignalData) => {
        void rx.signal(signal);
        if (signal.type === "offer") resolve();
      }),
    );
    // rxpeer's signals go to simple-peer only once simple-peer's offer is out.
    await spOffered;
    wirings.push(rx.signal$.pipe(toSimplePeerSignal()).subscribe((signal) => !sp.destroyed && sp.signal(signal as SimplePeer.SignalData)));
    expect((await rxErrors).map((error) => `${error.code}: ${error.message}`)).toEqual(["ERR_NEGOTIATION: the remote peer is an initiator too: exactly one of the two must have initiator: true"]);
    expect(rx.destroyed).toBe(true);
    expect(await spError).toBe("ERR_SET_REMOTE_DESCRIPTION");
  });
});
