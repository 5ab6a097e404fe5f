// Unit and property tests of signal parsing: pure logic, no WebRTC.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PeerError, Peer } from "../../src/index.js";
import { MAX_SIGNAL_LENGTH, candidateSignal, descriptionSignal, parseSignal, toSimplePeerFormat } from "../../src/signal-format.js";

const sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const candidateLine = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host";

describe("parseSignal", () => {
  it("reads Artico descriptions and candidates", () => {
    // Marked as Artico: only perfect-negotiation peers (@rtco/peer, rxpeer) send that format.
    expect(parseSignal({ type: "sdp", data: { type: "offer", sdp } })).toEqual({ kind: "description", description: { type: "offer", sdp }, artico: true });
    expect(parseSignal({ type: "candidate", data: { candidate: candidateLine, sdpMid: "0", sdpMLineIndex: 0 } })).toEqual({
      kind: "candidate",
      candidate: { candidate: candidateLine, sdpMid: "0", sdpMLineIndex: 0 },
      artico: true,
    });
  });

  it("reads the signals simple-peer accepts without a type, and ends of candidates, unmarked", () => {
    const candidate = { candidate: candidateLine, sdpMLineIndex: 0, sdpMid: "0" };
    expect(parseSignal({ candidate })).toEqual({ kind: "candidate", candidate });
    expect(parseSignal(JSON.stringify({ candidate }))).toEqual({ kind: "candidate", candidate });
    expect(parseSignal({ renegotiate: true })).toEqual({ kind: "renegotiate" });
    expect(parseSignal({ transceiverRequest: { kind: "audio" } })).toEqual({ kind: "transceiver", mediaKind: "audio", init: {} });
    expect(parseSignal({ type: "candidate", candidate: null })).toEqual({ kind: "end-of-candidates" });
    expect(parseSignal({ candidate: null })).toEqual({ kind: "end-of-candidates" });
    expect(parseSignal({ type: "candidate", candidate: { candidate: "" } })).toEqual({ kind: "end-of-candidates" });
    expect(parseSignal({ type: "candidate", candidate: { candidate: "", sdpMid: "0" } })).toEqual({ kind: "end-of-candidates" });
    expect(parseSignal({ candidate: { candidate: null, sdpMLineIndex: 0, sdpMid: "0" } })).toEqual({ kind: "end-of-candidates" });
    expect(parseSignal({ type: "candidate", data: { candidate: "", sdpMLineIndex: 0 } })).toEqual({ kind: "end-of-candidates", artico: true });
    // Still checked: a field that names a signal must hold one.
    expect(parseSignal({ candidate: "nope" })).toBeInstanceOf(PeerError);
    expect(parseSignal({ transceiverRequest: { kind: "data" } })).toBeInstanceOf(PeerError);
    expect((parseSignal({ sdp }) as PeerError).message).toMatch(/signal.type must be a string, got undefined/);
  });

  it("reads simple-peer descriptions, candidates and renegotiation requests", () => {
    expect(parseSignal({ type: "answer", sdp })).toEqual({ kind: "description", description: { type: "answer", sdp } });
    expect(parseSignal({ type: "candidate", candidate: { candidate: candidateLine, sdpMLineIndex: 0 } })).toEqual({
      kind: "candidate",
      candidate: { candidate: candidateLine, sdpMLineIndex: 0 },
    });
    expect(parseSignal({ type: "renegotiate", renegotiate: true })).toEqual({ kind: "renegotiate" });
    expect(parseSignal({ type: "transceiverRequest", transceiverRequest: { kind: "video" } })).toEqual({ kind: "transceiver", mediaKind: "video", init: {} });
    expect(parseSignal({ type: "transceiverRequest", transceiverRequest: { kind: "audio", init: { direction: "recvonly", streams: [] } } })).toEqual({
      kind: "transceiver",
      mediaKind: "audio",
      init: { direction: "recvonly" },
    });
    for (const bad of [{ kind: "data" }, null, { kind: "video", init: { direction: "sideways" } }]) {
      expect(parseSignal({ type: "transceiverRequest", transceiverRequest: bad })).toBeInstanceOf(PeerError);
    }
    expect(parseSignal({ type: "rollback" })).toEqual({ kind: "description", description: { type: "rollback" } });
  });

  it("reads JSON strings of either format", () => {
    expect(parseSignal(JSON.stringify({ type: "offer", sdp }))).toEqual({ kind: "description", description: { type: "offer", sdp } });
    expect(parseSignal(JSON.stringify({ type: "sdp", data: { type: "answer", sdp } }))).toEqual({ kind: "description", description: { type: "answer", sdp }, artico: true });
  });

  it("ignores inherited and __proto__ fields", () => {
    const inherited = Object.create({ type: "offer", sdp }) as object;
    expect(parseSignal(inherited)).toBeInstanceOf(PeerError);
    const polluted = JSON.parse(`{"__proto__": {"type": "offer", "sdp": "v=0"}}`) as unknown;
    expect(parseSignal(polluted)).toBeInstanceOf(PeerError);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it("refuses strings over the limit without parsing them", () => {
    const error = parseSignal(" ".repeat(MAX_SIGNAL_LENGTH + 1));
    expect(error).toBeInstanceOf(PeerError);
    expect((error as PeerError).message).toMatch(/over the limit/);
  });

  it("never throws, and returns a parsed signal or an ERR_SIGNAL_INVALID for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseSignal(value);
        if (result instanceof PeerError) expect(result.code).toBe("ERR_SIGNAL_INVALID");
        else expect(["description", "candidate", "end-of-candidates", "renegotiate", "transceiver"]).toContain(result.kind);
        const fromString = parseSignal(JSON.stringify(value));
        expect(fromString instanceof PeerError).toBe(result instanceof PeerError);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws for arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parseSignal(text);
        expect(result instanceof PeerError || typeof result.kind === "string").toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips every signal it emits, in both formats", () => {
    const arbitraryCandidate = fc.record({
      candidate: fc.constant(candidateLine),
      sdpMid: fc.string({ maxLength: 4 }),
      sdpMLineIndex: fc.nat(16),
    });
    fc.assert(
      fc.property(fc.constantFrom("offer", "answer", "pranswer") as fc.Arbitrary<RTCSdpType>, arbitraryCandidate, (type, candidate) => {
        const description = descriptionSignal({ type, sdp });
        expect(parseSignal(JSON.stringify(description))).toEqual({ kind: "description", description: { type, sdp }, artico: true });
        expect(parseSignal(toSimplePeerFormat(description))).toEqual({ kind: "description", description: { type, sdp } });
        const ice = candidateSignal(candidate);
        expect(parseSignal(JSON.parse(JSON.stringify(ice)))).toEqual({ kind: "candidate", candidate, artico: true });
        expect(parseSignal(toSimplePeerFormat(ice))).toEqual({ kind: "candidate", candidate });
      }),
    );
  });
});

describe("candidateSignal", () => {
  it("keeps every field that is set, usernameFragment included, and drops null ones", () => {
    const full = { candidate: candidateLine, sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "EsAw" };
    expect(candidateSignal(full)).toEqual({ type: "candidate", data: full });
    expect(parseSignal({ type: "candidate", candidate: full })).toEqual({ kind: "candidate", candidate: full });
    const signal = candidateSignal({ candidate: candidateLine, sdpMid: null, sdpMLineIndex: 1, usernameFragment: null });
    expect(signal).toEqual({ type: "candidate", data: { candidate: candidateLine, sdpMLineIndex: 1 } });
    expect(Object.keys("data" in signal ? signal.data : {})).toEqual(["candidate", "sdpMLineIndex"]);
  });
});

describe("toSimplePeerFormat", () => {
  it("turns Artico signals into simple-peer's shape", () => {
    expect(toSimplePeerFormat({ type: "sdp", data: { type: "offer", sdp } })).toEqual({ type: "offer", sdp });
    expect(toSimplePeerFormat({ type: "candidate", data: { candidate: candidateLine, sdpMid: "0" } })).toEqual({
      type: "candidate",
      candidate: { candidate: candidateLine, sdpMid: "0" },
    });
  });
});

describe("Peer without WebRTC", () => {
  it("throws ERR_WEBRTC_SUPPORT on Node when no implementation is injected", () => {
    expect(typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection).toBe("undefined");
    expect(() => new Peer()).toThrowError(expect.objectContaining({ code: "ERR_WEBRTC_SUPPORT" }) as Error);
  });
});
