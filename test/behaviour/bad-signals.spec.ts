// Bad signals: each kind gives a PeerError on error$ saying what was wrong,
// signal() neither throws nor rejects, and the peer still connects afterwards.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { PeerError, linkPeers, type Peer, type PeerErrorCode } from "../../src/index.js";
import { MAX_PENDING_CANDIDATES } from "../../src/negotiation.js";
import { MAX_TRANSCEIVERS } from "../../src/offer-requests.js";
import { parseSignal } from "../../src/signal-format.js";
import { answererHolding, connected, makePeer } from "../support/peers.js";
import { runtimeHasMedia } from "#test-runtime";

async function errorFor(peer: Peer, input: unknown): Promise<PeerError> {
  const error = firstValueFrom(peer.error$);
  const result = await peer.signal(input as string);
  expect(result).to.equal(undefined);
  return error;
}

async function stillConnects(a: Peer, b: Peer): Promise<void> {
  linkPeers(a, b);
  await Promise.all([connected(a), connected(b)]);
}

const cases: Array<[string, unknown, PeerErrorCode, RegExp]> = [
  ["a number", 42, "ERR_SIGNAL_INVALID", /must be an object or a JSON string, got number/],
  ["null", null, "ERR_SIGNAL_INVALID", /got null/],
  ["an array", [1, 2], "ERR_SIGNAL_INVALID", /got an array/],
  ["a missing type", { data: {} }, "ERR_SIGNAL_INVALID", /signal\.type must be a string/],
  ["an unknown type", { type: "hello" }, "ERR_SIGNAL_INVALID", /signal\.type "hello" is not one of/],
  ["sdp without data", { type: "sdp" }, "ERR_SIGNAL_INVALID", /signal\.data must be a session description/],
  ["sdp with a wrong description type", { type: "sdp", data: { type: "nope", sdp: "v=0" } }, "ERR_SIGNAL_INVALID", /signal\.data\.type must be offer/],
  ["sdp with a numeric sdp", { type: "sdp", data: { type: "offer", sdp: 7 } }, "ERR_SIGNAL_INVALID", /signal\.data\.sdp must be a string, got number/],
  ["an offer that is not SDP", { type: "offer", sdp: "hello" }, "ERR_SIGNAL_INVALID", /is not an SDP/],
  ["a candidate without a candidate line", { type: "candidate", data: { sdpMid: "0" } }, "ERR_SIGNAL_INVALID", /candidate must be a string/],
  ["a candidate that is not a candidate line", { type: "candidate", data: { candidate: "nonsense", sdpMid: "0" } }, "ERR_SIGNAL_INVALID", /not an ICE candidate line/],
  ["a candidate without sdpMid or sdpMLineIndex", { type: "candidate", data: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host" } }, "ERR_SIGNAL_INVALID", /needs sdpMid or sdpMLineIndex/],
  ["unparsable JSON", '{"type": "sdp", ', "ERR_SIGNAL_INVALID", /not valid JSON/],
  ["JSON of a string", '"offer"', "ERR_SIGNAL_INVALID", /must encode an object/],
  ["a huge string", "x".repeat(2 * 1024 * 1024), "ERR_SIGNAL_INVALID", /over the limit/],
  ["a huge sdp", { type: "offer", sdp: "v=0" + "a".repeat(2 * 1024 * 1024) }, "ERR_SIGNAL_INVALID", /over the limit/],
];

describe("bad signals", () => {
  for (const [name, input, code, message] of cases) {
    it(`reports ${name} as ${code} and still connects`, async () => {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      for (const peer of [a, b]) {
        const error = await errorFor(peer, input);
        expect(error).to.be.instanceOf(PeerError);
        expect(error.code).to.equal(code);
        expect(error.message).to.match(message);
      }
      await stillConnects(a, b);
    });
  }

  it("reports garbage SDP that WebRTC refuses as ERR_NEGOTIATION and still connects", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const error = await errorFor(b, { type: "sdp", data: { type: "offer", sdp: "v=0\r\nthis is not a session\r\n" } });
    expect(error.code).to.equal("ERR_NEGOTIATION");
    expect(error.message).to.match(/remote description failed/);
    await stillConnects(a, b);
  });

  it("reports an answer when no offer is pending as ERR_NEGOTIATION", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const error = await errorFor(b, { type: "answer", sdp: "v=0\r\n" });
    expect(error.code).to.equal("ERR_NEGOTIATION");
    expect(error.message).to.match(/no offer of ours is pending/);
    await stillConnects(a, b);
  });

  it("holds a candidate that arrives before any description, then connects", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const errors: PeerError[] = [];
    b.error$.subscribe((error) => errors.push(error));
    const early = { type: "candidate", data: { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } };
    await b.signal(early as never);
    expect(errors).to.deep.equal([]);
    await stillConnects(a, b);
  });

  it(`holds at most ${MAX_PENDING_CANDIDATES} candidates before any description: the next is refused as ERR_SIGNAL_INVALID, and the peer still connects`, async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const errors: PeerError[] = [];
    b.error$.subscribe((error) => errors.push(error));
    // A flood from a hostile remote, each candidate well-formed (distinct ports).
    const candidate = (port: number) => ({ type: "candidate", data: { candidate: `candidate:${port} 1 udp 2122260223 192.0.2.1 ${port} typ host`, sdpMid: "0", sdpMLineIndex: 0 } }) as never;
    for (let port = 1; port <= MAX_PENDING_CANDIDATES; port++) await b.signal(candidate(port));
    expect(errors).to.deep.equal([]);
    await b.signal(candidate(MAX_PENDING_CANDIDATES + 1));
    expect(errors.map((error) => error.code)).to.deep.equal(["ERR_SIGNAL_INVALID"]);
    expect(errors[0]?.message).to.match(new RegExp(`more than ${MAX_PENDING_CANDIDATES} candidates`));
    // Still usable: it answers an offer (connecting is not asked for: the held candidates then
    // go in, and libjuice, node-datachannel's ICE, stalls on 256 unreachable ones).
    const answer = firstValueFrom(b.signal$);
    await b.signal(await firstValueFrom(a.signal$));
    const signal = await answer;
    expect(signal.type).to.equal("sdp");
    expect(signal.type === "sdp" && signal.data.type).to.equal("answer");
    expect(b.destroyed).to.equal(false);
  });

  it("refuses a malformed candidate at once, before any remote description, as ERR_SIGNAL_INVALID", async () => {
    const b = makePeer();
    const errors: PeerError[] = [];
    b.error$.subscribe((error) => errors.push(error));
    for (const candidate of ["candidate:garbage", "candidate:1 1 udp 1 127.0.0.1 9 typ", "a=candidate:1 x udp 1 127.0.0.1 9 typ host"]) {
      // Reported by the time signal() resolves: not held until a description comes.
      await b.signal({ type: "candidate", data: { candidate, sdpMid: "0" } });
      expect(errors.map((error) => error.code)).to.deep.equal(["ERR_SIGNAL_INVALID"]);
      expect(errors[0]?.message).to.match(/not an ICE candidate line/);
      errors.length = 0;
    }
    // No remote description: null, or node-datachannel's empty one.
    expect(b.connection.remoteDescription?.sdp || null).to.equal(null);
  });

  it("accepts every candidate this runtime gathers (mDNS names, IPv6, TCP, extension attributes)", async () => {
    const { b } = await answererHolding();
    const candidates: string[] = [];
    b.signal$.subscribe((signal) => signal.type === "candidate" && candidates.push(signal.data.candidate ?? "")).unsubscribe();
    expect(candidates.length).to.be.greaterThan(0);
    for (const candidate of candidates) {
      const parsed = parseSignal({ type: "candidate", data: { candidate, sdpMid: "0" } });
      expect(parsed instanceof PeerError ? parsed.message : parsed.kind).to.equal("candidate");
    }
  });

  // Transceivers are media: node-datachannel has none, so this is skipped there by design.
  (runtimeHasMedia ? it : it.skip)("refuses transceiver requests past the limit, as ERR_SIGNAL_INVALID, and still connects", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const errors: PeerError[] = [];
    a.error$.subscribe((error) => errors.push(error));
    const request = { type: "transceiverRequest", transceiverRequest: { kind: "audio", init: { direction: "recvonly" } } };
    for (let i = 0; i < MAX_TRANSCEIVERS + 5; i++) await a.signal(request as never);
    expect(a.connection.getTransceivers()).to.have.length(MAX_TRANSCEIVERS);
    expect(errors).to.have.length(5);
    for (const error of errors) {
      expect(error.code).to.equal("ERR_SIGNAL_INVALID");
      expect(error.message).to.match(/too many transceivers requested \(limit 64\)/);
    }
    await stillConnects(a, b);
  });

  it("reports a throwing getter as ERR_SIGNAL_INVALID", async () => {
    const a = makePeer({ initiator: true });
    const evil = {
      get type(): string {
        throw new Error("boom");
      },
    };
    const error = await errorFor(a, evil);
    expect(error.code).to.equal("ERR_SIGNAL_INVALID");
    expect(error.message).to.match(/could not be read: Error: boom/);
  });
});
