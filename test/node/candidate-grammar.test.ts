// The ICE candidate grammar in signal parsing (RFC 8839 candidate-attribute): every
// candidate the grammar allows is accepted, with what real implementations write (the
// "a=" prefix, mDNS names, IPv6, TCP, extension attributes); a line that breaks the
// grammar is refused at once with ERR_SIGNAL_INVALID.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import wrtc from "@roamhq/wrtc";
import { PeerError } from "../../src/index.js";
import { parseSignal } from "../../src/signal-format.js";

function parseCandidate(candidate: string): ReturnType<typeof parseSignal> {
  return parseSignal({ type: "candidate", data: { candidate, sdpMid: "0", sdpMLineIndex: 0 } });
}

function expectAccepted(candidate: string): void {
  const result = parseCandidate(candidate);
  expect(result instanceof PeerError ? result.message : result.kind, candidate).toBe("candidate");
}

function expectRefused(candidate: string): void {
  const result = parseCandidate(candidate);
  expect(result, candidate).toBeInstanceOf(PeerError);
  expect((result as PeerError).code).toBe("ERR_SIGNAL_INVALID");
  expect((result as PeerError).message).toMatch(/not an ICE candidate line/);
}

// Lines as Chromium, @roamhq/wrtc (libwebrtc), Firefox and node-datachannel (libjuice) write them.
const REAL_CANDIDATES = [
  "candidate:2395300328 1 udp 2113937151 7c1b7f0e-2a3d-4c7b-9a8e-3f0e9d1c2b4a.local 54321 typ host generation 0 ufrag EsAw network-cost 999",
  "candidate:842163049 1 udp 1677729535 203.0.113.7 60000 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 4ZcD network-id 1 network-cost 10",
  "candidate:1 1 tcp 1518280447 192.168.1.2 9 typ host tcptype active generation 0 network-id 1",
  "candidate:3 1 TCP 1518214911 192.168.1.2 50123 typ host tcptype passive",
  "candidate:4 2 udp 41885439 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 60000 generation 0",
  "candidate:3 1 UDP 2122262783 2001:db8::1 50000 typ host",
  "candidate:1467250027 1 udp 2122260223 fe80::1c2b:3aff:fe4d:5e6f 46154 typ host generation 0",
  "candidate:0 1 UDP 2122252543 a6b4e8f2-1c3d-4e5f-8a9b-0c1d2e3f4a5b.local 63432 typ host",
  "candidate:5 1 UDP 1686052607 203.0.113.7 63432 typ srflx raddr 0.0.0.0 rport 0",
  "a=candidate:1 1 UDP 2114977791 192.0.2.2 46417 typ host",
  "a=candidate:2 1 UDP 1677722111 203.0.113.7 46417 typ srflx raddr 192.0.2.2 rport 46417",
  "candidate:abc+/XYZ 1 udp 1 127.0.0.1 9 typ host",
  "CANDIDATE:1 1 udp 1 127.0.0.1 9 TYP HOST RADDR 0.0.0.0 RPORT 0",
];

describe("ICE candidate grammar", () => {
  it("accepts the candidates real implementations write, and the empty end-of-candidates one", () => {
    for (const line of REAL_CANDIDATES) expectAccepted(line);
    expect(parseCandidate("")).toEqual({ kind: "end-of-candidates", artico: true });
  });

  it("accepts every candidate @roamhq/wrtc gathers here", async () => {
    const pc = new wrtc.RTCPeerConnection();
    const lines: string[] = [];
    try {
      const done = new Promise<void>((resolve) => {
        pc.onicecandidate = ({ candidate }) => (candidate ? lines.push(candidate.candidate) : resolve());
      });
      pc.createDataChannel("probe");
      await pc.setLocalDescription(await pc.createOffer());
      await done;
    } finally {
      pc.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expectAccepted(line);
  });

  it("refuses malformed lines, whatever the remote description state", () => {
    for (const line of [
      "candidate:garbage",
      "candidate:",
      "candidate:1 1 udp 1 127.0.0.1 9 typ",
      "candidate:1 1 udp 1 127.0.0.1 typ host",
      "candidate:1 1 udp 1 127.0.0.1 9 host",
      "candidate:1 x udp 1 127.0.0.1 9 typ host",
      "candidate:1 1 udp 1 127.0.0.1 9 typ host generation",
      "candidate:1 1 udp 1 127.0.0.1 9 typ host ",
      "candidate:1  1 udp 1 127.0.0.1 9 typ host",
      "candidate:1\t1 udp 1 127.0.0.1 9 typ host",
      "candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n",
      "candidate:1 1 udp 1 127.0.0.1 99999999 typ host",
      "candidate:1 1 udp 1 [::1] 9 typ host",
      "candidate:f_1 1 udp 1 127.0.0.1 9 typ host",
      "a=candidate 1 1 udp 1 127.0.0.1 9 typ host",
      "b=candidate:1 1 udp 1 127.0.0.1 9 typ host",
    ]) expectRefused(line);
  });
});

// The grammar's pieces, as fast-check arbitraries, and one candidate built from them.
const digits = (min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const iceChars = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"), minLength: 1, maxLength: 32 });
const tokenChar = fc.constantFrom(..."!#$%&'*+-.^_`{|}~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 });
const visible = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 12 });
const randomCase = (word: string): fc.Arbitrary<string> => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.uuid().map((uuid) => `${uuid}.local`),
  fc.domain(),
);

interface Candidate {
  prefix: string;
  foundation: string;
  component: string;
  transport: string;
  priority: string;
  address: string;
  port: string;
  typ: string;
  type: string;
  related: string[];
  extensions: string[];
}

const candidate: fc.Arbitrary<Candidate> = fc.record({
  prefix: fc.constantFrom("", "a="),
  foundation: iceChars,
  component: digits(1, 3),
  transport: fc.oneof(randomCase("udp"), randomCase("tcp"), token),
  priority: digits(1, 10),
  address,
  port: digits(1, 5),
  typ: randomCase("typ"),
  type: fc.oneof(fc.constantFrom("host", "srflx", "prflx", "relay"), token),
  related: fc.tuple(fc.option(address, { nil: undefined }), fc.option(digits(1, 5), { nil: undefined })).map(([raddr, rport]) => [
    ...(raddr === undefined ? [] : ["raddr", raddr]),
    ...(rport === undefined ? [] : ["rport", rport]),
  ]),
  extensions: fc.array(fc.tuple(token, visible).map(([name, value]) => `${name} ${value}`), { maxLength: 4 }),
});

function render(c: Candidate): string {
  return [`${c.prefix}candidate:${c.foundation}`, c.component, c.transport, c.priority, c.address, c.port, c.typ, c.type, ...c.related, ...c.extensions].join(" ");
}

// One way to break the grammar each: a field made invalid, a field dropped, or bad spacing.
const notDigit = fc.constantFrom("x", ".", "-", "١", " ");
const mutation: fc.Arbitrary<(c: Candidate) => string> = fc.oneof(
  fc.constant((c: Candidate) => render({ ...c, foundation: "" })),
  fc.constant((c: Candidate) => render({ ...c, foundation: c.foundation.padEnd(33, "a") })),
  fc.constantFrom("-", "_", ".", "=", ":").map((bad) => (c: Candidate) => render({ ...c, foundation: c.foundation + bad })),
  fc.tuple(fc.constantFrom("component", "priority", "port"), notDigit).map(([field, bad]) => (c: Candidate) => render({ ...c, [field]: c[field] + bad })),
  fc.constant((c: Candidate) => render({ ...c, component: c.component.padStart(4, "1") })),
  fc.constant((c: Candidate) => render({ ...c, priority: c.priority.padStart(11, "1") })),
  fc.constant((c: Candidate) => render({ ...c, port: c.port.padStart(6, "1") })),
  fc.constantFrom("[", "]", "_", "/", "%", "@").map((bad) => (c: Candidate) => render({ ...c, address: c.address + bad })),
  fc.constantFrom("typ", "ty", "type", "").map((typ) => (c: Candidate) => render({ ...c, typ: typ === "typ" ? "" : typ })),
  fc.constantFrom("@", "(", ",", "/", ":").map((bad) => (c: Candidate) => render({ ...c, type: c.type + bad })),
  // An extension name without a value (the count of words after the type goes odd).
  token.map((name) => (c: Candidate) => render({ ...c, extensions: [...c.extensions, name] })),
  // One of the seven fields after the foundation dropped.
  fc.nat({ max: 6 }).map((index) => (c: Candidate) => {
    const words = render(c).split(" ");
    return [...words.slice(0, index + 1), ...words.slice(index + 2)].join(" ");
  }),
  fc.tuple(fc.nat({ max: 20 }), fc.constantFrom("  ", "\t", " \r\n")).map(([nth, space]) => (c: Candidate) => {
    const words = render(c).split(" ");
    const at = nth % (words.length - 1);
    return [...words.slice(0, at), `${words[at]}${space}${words[at + 1]}`, ...words.slice(at + 2)].join(" ");
  }),
  fc.constantFrom(" ", "\r\n", "\n").map((tail) => (c: Candidate) => render(c) + tail),
  fc.constantFrom("candidate", "candidate;", "a=candidate ", "andidate:").map((prefix) => (c: Candidate) => render(c).replace(/^(a=)?candidate:/, prefix)),
);

describe("ICE candidate grammar (property)", () => {
  it("accepts every candidate the grammar allows", () => {
    fc.assert(fc.property(candidate, (c) => expectAccepted(render(c))), { numRuns: 2000 });
  });

  it("refuses a candidate with one piece of the grammar broken", () => {
    fc.assert(fc.property(candidate, mutation, (c, mutate) => expectRefused(mutate(c))), { numRuns: 3000 });
  });
});
