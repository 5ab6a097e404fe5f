// How a Peer opens, by who is on the other side (docs/peer.md "Open handshake"):
// - an rxpeer remote says so in its descriptions; the pair then uses one pre-negotiated
//   channel, the creator connects first, and no marker ever reaches data$;
// - a plain RTCPeerConnection (what simple-peer and @rtco/peer run on) gets an in-band
//   channel: at once for an answer in simple-peer's format, after READY_TIMEOUT_MS for one
//   in the Artico format, which may come from rxpeer 0.1.0;
// - rxpeer 0.1.0's own wire behaviour, in both roles, emulated on a plain connection.
import { expect } from "chai";
import { firstValueFrom, take, toArray } from "rxjs";
import { HANDSHAKE_PROTOCOL, PRE_NEGOTIATED_ID, READY_MARKER, READY_TIMEOUT_MS } from "../../src/data-channel.js";
import { linkPeers, type Peer, type SignalData } from "../../src/index.js";
import { wrtc } from "#test-runtime";
import { connected, connectedPair, makePeer } from "../support/peers.js";

const RTCPeerConnectionImpl: typeof RTCPeerConnection = wrtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;
const remotes: RTCPeerConnection[] = [];
afterEach(() => remotes.splice(0).forEach((remote) => remote.close()));

type Format = "artico" | "simple-peer";

/** A plain RTCPeerConnection on the runtime, its candidates going to `peer` in `format`. */
function plainConnection(peer: Peer, format: Format): RTCPeerConnection {
  const remote = new RTCPeerConnectionImpl();
  remotes.push(remote);
  remote.onicecandidate = ({ candidate }) => {
    if (!candidate?.candidate) return;
    const init = { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex };
    void peer.signal(format === "artico" ? { type: "candidate", data: init } : { type: "candidate", candidate: init });
  };
  return remote;
}

function describing(description: RTCSessionDescriptionInit, format: Format): SignalData | { type: RTCSdpType; sdp: string } {
  return format === "artico" ? { type: "sdp", data: { type: description.type, sdp: description.sdp } } : { type: description.type, sdp: description.sdp ?? "" };
}

/** A plain RTCPeerConnection answering `peer` (an initiator); resolves with the channel it receives. */
function plainAnswerer(peer: Peer, format: Format): Promise<RTCDataChannel> {
  const remote = plainConnection(peer, format);
  const channel = new Promise<RTCDataChannel>((resolve) => (remote.ondatachannel = ({ channel }) => resolve(channel)));
  peer.signal$.subscribe((signal) => {
    if (signal.type === "candidate") void remote.addIceCandidate(signal.data).catch(() => undefined);
    else if (signal.type === "sdp")
      void (async () => {
        await remote.setRemoteDescription(signal.data);
        const answer = await remote.createAnswer();
        await remote.setLocalDescription(answer);
        await peer.signal(describing(answer, format));
      })();
  });
  return channel;
}

/**
 * Whether a timer of READY_TIMEOUT_MS - 1, set as the channel `peer` makes after the answer
 * (its in-band one) opens, had fired when `peer` connected: it fires after one of 0 set then,
 * and before one of READY_TIMEOUT_MS, whatever the machine's load (an order, not a clock:
 * Node counts a timer from the start of its loop's turn, Firefox's clock ticks in whole ms).
 * The channel is caught as it is made: it can be open before the answer's `signal()` resolves.
 */
async function timerFiredBeforeConnect(peer: Peer): Promise<boolean> {
  const pc = peer.connection;
  const make = pc.createDataChannel.bind(pc);
  let timerFired = false;
  pc.createDataChannel = (label, init) => {
    const channel = make(label, init);
    let seen = false;
    const onOpen = (): void => {
      if (seen) return;
      seen = true;
      setTimeout(() => (timerFired = true), READY_TIMEOUT_MS - 1);
    };
    channel.addEventListener("open", onOpen);
    // Open is seen where the peer sees it: at its open event, or at the first read of a
    // readyState that says open, which can come turns before the event (the native side
    // opens the channel while the script runs).
    Object.defineProperty(channel, "readyState", {
      configurable: true,
      get: (): RTCDataChannelState => {
        const state = Reflect.get(Object.getPrototypeOf(channel) as object, "readyState", channel) as RTCDataChannelState;
        if (state === "open") onOpen();
        return state;
      },
    });
    if (channel.readyState === "open") onOpen();
    return channel;
  };
  await firstValueFrom(peer.connect$);
  return timerFired;
}

describe("open handshake", () => {
  it("between rxpeer peers: one pre-negotiated channel, the creator's config on both sides, and no marker on data$ either way", async () => {
    const { a, b } = await connectedPair({ channelName: "chat", channelConfig: { ordered: true, protocol: "chat-v2" } });
    for (const peer of [a, b]) {
      expect(peer.channel?.negotiated, "negotiated").to.equal(true);
      expect(peer.channel?.id, "stream id").to.equal(PRE_NEGOTIATED_ID);
      expect(peer.channel?.label, "label").to.equal("chat");
      expect(peer.channel?.protocol, "protocol").to.equal("chat-v2");
    }
    const atA = firstValueFrom(a.data$);
    const atB = firstValueFrom(b.data$);
    b.send("first from b");
    a.send("first from a");
    expect(await atA).to.equal("first from b");
    expect(await atB).to.equal("first from a");
  });

  it("carries an unordered, partly reliable config to the answerer", async () => {
    const { a, b } = await connectedPair({ channelConfig: { ordered: false, maxRetransmits: 2 } }, { channelConfig: {} });
    for (const peer of [a, b]) {
      expect(peer.channel?.ordered).to.equal(false);
      expect(peer.channel?.maxRetransmits).to.equal(2);
    }
  });

  it("says it is rxpeer in its descriptions: the creator's offer names its channel, the answer says it took it up", async () => {
    const a = makePeer({ initiator: true, channelName: "lbl é \"q\"" });
    const b = makePeer();
    const sent: string[] = [];
    a.signal$.subscribe((signal) => signal.type === "sdp" && sent.push(signal.data.sdp ?? ""));
    b.signal$.subscribe((signal) => signal.type === "sdp" && sent.push(signal.data.sdp ?? ""));
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    const [offer = "", answer = ""] = sent;
    expect(offer).to.match(/\r\na=rxpeer:[\x21-\x7e]+\r\n/);
    expect(offer.indexOf("a=rxpeer:"), "session level").to.be.below(offer.indexOf("\r\nm="));
    expect(answer).to.include("\r\na=rxpeer\r\n");
    expect(b.channelName).to.equal("lbl é \"q\"");
  });

  it("connects the creator first, pair after pair", async () => {
    for (let run = 0; run < 5; run++) {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      const order: string[] = [];
      a.connect$.subscribe(() => order.push("creator"));
      b.connect$.subscribe(() => order.push("answerer"));
      linkPeers(a, b);
      await Promise.all([connected(a), connected(b)]);
      expect(order).to.deep.equal(["creator", "answerer"]);
      a.destroy();
      b.destroy();
    }
  });

  it("keeps order at open both ways, pair after pair", async () => {
    for (let run = 0; run < 10; run++) {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      const atB = firstValueFrom(b.data$.pipe(take(5), toArray()));
      const atA = firstValueFrom(a.data$.pipe(take(5), toArray()));
      a.connect$.subscribe(() => [0, 1, 2, 3, 4].forEach((i) => a.send(`a${i}`)));
      b.connect$.subscribe(() => [0, 1, 2, 3, 4].forEach((i) => b.send(`b${i}`)));
      linkPeers(a, b);
      expect(await atB).to.deep.equal(["a0", "a1", "a2", "a3", "a4"]);
      expect(await atA).to.deep.equal(["b0", "b1", "b2", "b3", "b4"]);
      a.destroy();
      b.destroy();
    }
  });

  it("facing a plain answerer in simple-peer's format: an in-band rxpeer channel, connected without waiting for a marker", async () => {
    const a = makePeer({ initiator: true });
    const remoteChannel = plainAnswerer(a, "simple-peer");
    const timerFired = await timerFiredBeforeConnect(a);
    expect(a.channel?.negotiated).to.equal(false);
    expect(timerFired, "a READY_TIMEOUT_MS - 1 timer set at open fired before connect$").to.equal(false);
    const channel = await remoteChannel;
    expect(channel.protocol).to.equal(HANDSHAKE_PROTOCOL);
    const heard = new Promise<unknown>((resolve) => (channel.onmessage = (event) => resolve(event.data)));
    a.send("hello plain peer");
    expect(await heard).to.equal("hello plain peer");
  });

  it("facing a plain answerer in the Artico format (maybe rxpeer 0.1.0): waits READY_TIMEOUT_MS for its ready marker", async () => {
    const a = makePeer({ initiator: true });
    const remoteChannel = plainAnswerer(a, "artico");
    expect(await timerFiredBeforeConnect(a), "a READY_TIMEOUT_MS - 1 timer set at open fired before connect$").to.equal(true);
    const channel = await remoteChannel;
    const heard = new Promise<unknown>((resolve) => (channel.onmessage = (event) => resolve(event.data)));
    a.send("hello plain peer");
    expect(await heard).to.equal("hello plain peer");
  });

  it("facing an rxpeer 0.1.0 answerer: connects at its ready marker, which never reaches data$, and keeps order", async () => {
    const a = makePeer({ initiator: true });
    const channel = await plainAnswerer(a, "artico");
    // What a 0.1.0 answerer does on a channel with the rxpeer sub-protocol.
    const atRemote: unknown[] = [];
    const heard = new Promise<void>((resolve) => (channel.onmessage = (event) => atRemote.push(event.data) === 3 && resolve()));
    const send = (): void => {
      channel.send(READY_MARKER);
      channel.send("from 0.1.0");
    };
    if (channel.readyState === "open") send();
    else channel.addEventListener("open", send);
    const first = firstValueFrom(a.data$);
    await firstValueFrom(a.connect$);
    ["0", "1", "2"].forEach((i) => a.send(i));
    expect(await first).to.equal("from 0.1.0");
    await heard;
    expect(atRemote).to.deep.equal(["0", "1", "2"]);
  });

  it("answering an rxpeer 0.1.0 creator (no marker, an in-band rxpeer channel): sends it the ready marker first", async () => {
    const b = makePeer();
    const remote = plainConnection(b, "artico");
    const channel = remote.createDataChannel("old", { protocol: HANDSHAKE_PROTOCOL });
    b.signal$.subscribe((signal) => {
      if (signal.type === "candidate") void remote.addIceCandidate(signal.data).catch(() => undefined);
      else if (signal.type === "sdp") void remote.setRemoteDescription(signal.data);
    });
    const offer = await remote.createOffer();
    await remote.setLocalDescription(offer);
    const atRemote: unknown[] = [];
    const heard = new Promise<void>((resolve) => (channel.onmessage = (event) => atRemote.push(event.data) === 2 && resolve()));
    b.connect$.subscribe(() => b.send("hello 0.1.0"));
    await b.signal(describing(offer, "artico"));
    await heard;
    expect(atRemote).to.deep.equal([READY_MARKER, "hello 0.1.0"]);
    expect(b.channel?.negotiated).to.equal(false);
  });

  it("refuses an offer whose rxpeer marker is not a channel, with ERR_SIGNAL_INVALID, and stays usable", async () => {
    const b = makePeer();
    const errors = firstValueFrom(b.error$.pipe(take(2), toArray()));
    const remote = plainConnection(b, "artico");
    remote.createDataChannel("x");
    const offer = await remote.createOffer();
    // Not JSON; JSON with no label.
    for (const marker of ["%7Bnot-json", "%7B%22id%22%3A0%7D"]) await b.signal({ type: "offer", sdp: (offer.sdp ?? "").replace(/^m=/m, `a=rxpeer:${marker}\r\nm=`) });
    for (const error of await errors) {
      expect(error.code).to.equal("ERR_SIGNAL_INVALID");
      expect(error.message).to.include("a=rxpeer line that is no data channel");
    }
    const a = makePeer({ initiator: true });
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
  });
});
