// The generated API reference (docs/api/, `npm run docs`) covers every public name of the
// contract, and every function and method there carries a runnable example.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";

const read = (file: string): string => readFileSync(new URL(`../../docs/api/${file}`, import.meta.url), "utf8");

/** The text of one `###`/`####` section: from its heading to the next heading of the same or a higher level. */
function section(doc: string, heading: string): string {
  const lines = doc.split("\n");
  const start = lines.findIndex((line) => line === heading);
  if (start < 0) return "";
  const level = heading.indexOf(" ");
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line) && line.indexOf(" ") <= level);
  return lines.slice(start, end < 0 ? undefined : end).join("\n");
}

const CORE_TYPES = ["PeerOptions", "PeerData", "SignalData", "SimplePeerSignalData", "PeerEvents", "PeerTrackEvent", "PeerErrorCode"];
const OBSERVABLES = ["signal$", "connect$", "data$", "close$", "error$", "stream$", "removestream$", "track$", "removetrack$", "connected$", "connectionState$"];
const STATE = ["ready", "initiator", "destroyed"];
const METHODS = ["signal", "send", "destroy", "addStream", "removeStream", "addTrack", "removeTrack", "replaceTrack"];
const FACADE = ["on", "once", "off", "addListener", "removeListener", "removeAllListeners", "listenerCount", "listeners", "eventNames"];
const OPTIONS = ["debug", "initiator", "config", "channelName", "channelConfig", "wrtc"];
const CODES = ["ERR_WEBRTC_SUPPORT", "ERR_SIGNAL_INVALID", "ERR_NEGOTIATION", "ERR_NOT_CONNECTED", "ERR_DATA_CHANNEL", "ERR_CONNECTION_FAILURE", "ERR_PEER_CLOSED", "ERR_FRAME_INVALID", "ERR_FRAME_TOO_LARGE"];
const OPERATORS = ["chunk", "dechunk", "sendTo", "bufferUntilConnected", "retryBackoff", "serialize", "deserialize", "toSimplePeerSignal", "connectSignaling"];

describe("API reference (docs/api)", () => {
  const core = read("rxpeer.md");
  const operators = read("operators.md");
  const index = read("README.md");

  it("documents the rxpeer entry: Peer, PeerError, linkPeers and the public types", () => {
    for (const name of ["Peer", "PeerError", ...CORE_TYPES]) expect(section(core, `### ${name}`), name).not.toBe("");
    expect(section(core, "### linkPeers()")).toContain("**Example**");
    expect(section(core, "### Peer")).toContain("**Example**");
  });

  it("documents every Observable, state getter and method of Peer, with an example on each contract method", () => {
    const peer = section(core, "### Peer");
    for (const name of [...OBSERVABLES, ...STATE]) expect(peer, name).toContain(`| \`peer.${name}\``);
    for (const name of METHODS) expect(section(core, `#### peer.${name}()`), name).toContain("**Example**");
    for (const name of FACADE) expect(section(core, `#### peer.${name}()`), name).not.toBe("");
    expect(section(core, "#### new Peer()")).toContain("**Example**");
  });

  it("documents every option and every error code", () => {
    const options = section(core, "### PeerOptions");
    for (const name of OPTIONS) expect(options, name).toContain(`| \`${name}\``);
    const codes = section(core, "### PeerErrorCode");
    for (const code of CODES) expect(codes, code).toContain(`"${code}"`);
  });

  it("documents every operator with its signature and an example", () => {
    for (const name of OPERATORS) {
      const text = section(operators, `### ${name}()`);
      expect(text, name).toContain(`${name}(`);
      expect(text, name).toContain("**Example**");
    }
  });

  it("links every name from the index page", () => {
    for (const name of ["Peer", "PeerError", "linkPeers()", ...CORE_TYPES]) expect(index, name).toContain(`[\`${name}\`](rxpeer.md#`);
    for (const name of OPERATORS) expect(index, name).toContain(`[\`${name}()\`](operators.md#`);
  });

  it("has no broken in-page links", () => {
    for (const [file, doc] of [["rxpeer.md", core], ["operators.md", operators]] as const) {
      const anchors = new Set(doc.split("\n").filter((line) => /^#+ /.test(line)).map((line) => line.replace(/^#+ /, "").toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-")));
      for (const [, target] of doc.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors.has(target ?? ""), `${file}#${target}`).toBe(true);
    }
  });
});
