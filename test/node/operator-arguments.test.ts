// What each operator does when it is called with something that is not what it takes: a peer
// that is undefined (the app has not made it yet), a wrong object, options that are null or a
// string. Each throws a TypeError at call time, naming the operator and the argument, before
// anything is subscribed, where it used to fail later with "Cannot read properties of ...".
// A real Peer, and options left out, pass the same checks.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import wrtc from "@roamhq/wrtc";
import { Subject } from "rxjs";
import { Peer } from "../../src/index.js";
import { bufferUntilConnected, chunk, connectSignaling, dechunk, receiveFiles, retryBackoff, sendFile, sendTo } from "../../operators/index.js";

const peers: Peer[] = [];
afterEach(() => peers.splice(0).forEach((peer) => peer.destroy()));
// A connection is an object, but not a peer.
const connection = new wrtc.RTCPeerConnection();
afterAll(() => connection.close());

function realPeer(): Peer {
  const peer = new Peer({ wrtc, debug: 0 });
  peers.push(peer);
  return peer;
}

// Each operator called with `peer` (where it takes one) and `options` (where it takes them).
const withPeer: Record<string, (peer: unknown) => unknown> = {
  sendTo: (peer) => sendTo(peer as Peer),
  bufferUntilConnected: (peer) => bufferUntilConnected(peer as Peer),
  sendFile: (peer) => sendFile(peer as Peer, new Blob(["x"])),
  receiveFiles: (peer) => receiveFiles(peer as Peer),
  connectSignaling: (peer) => connectSignaling(peer as Peer, new Subject()),
};
const withOptions: Record<string, (options: unknown) => unknown> = {
  chunk: (options) => chunk(options as never),
  dechunk: (options) => dechunk(options as never),
  retryBackoff: (options) => retryBackoff(options as never),
  sendTo: (options) => sendTo(realPeer(), options as never),
  sendFile: (options) => sendFile(realPeer(), new Blob(["x"]), options as never),
  receiveFiles: (options) => receiveFiles(realPeer(), options as never),
  connectSignaling: (options) => connectSignaling(realPeer(), new Subject(), options as never),
};

const notPeers: [string, unknown, string][] = [
  ["undefined", undefined, "got undefined"],
  ["null", null, "got null"],
  ["a number", 5, "got number"],
  ["a string", "peer", 'got the string "peer"'],
  ["an empty object", {}, "got an object without "],
  ["an RTCPeerConnection", connection, "got an object without "],
];
const notOptions: [string, unknown, string][] = [
  ["null", null, "got null"],
  ["a number", 16384, "got number"],
  ["a string", "batch", 'got the string "batch"'],
  ["an array", [], "got an array"],
];

describe("operators called with the wrong arguments", () => {
  for (const [operator, call] of Object.entries(withPeer)) {
    for (const [name, peer, got] of notPeers) {
      it(`${operator}(${name}): a TypeError naming the operator and what it got`, () => {
        expect(() => call(peer)).toThrow(TypeError);
        expect(() => call(peer)).toThrow(new RegExp(`^${operator}\\(\\): peer must be a Peer \\(an object with [^)]+\\), ${got}`));
      });
    }
    it(`${operator}(a Peer) is taken`, () => {
      expect(() => call(realPeer())).not.toThrow();
    });
  }

  it("connectSignaling(peer, not a channel): a TypeError naming the channel", () => {
    for (const channel of [undefined, null, 5, {}, { subscribe: () => undefined }]) {
      expect(() => connectSignaling(realPeer(), channel as never)).toThrow(/^connectSignaling\(\): channel must be an object with subscribe, next, got /);
    }
  });

  for (const [operator, call] of Object.entries(withOptions)) {
    for (const [name, options, got] of notOptions) {
      it(`${operator}(..., options: ${name}): a TypeError naming the operator and what it got`, () => {
        expect(() => call(options)).toThrow(TypeError);
        expect(() => call(options)).toThrow(new RegExp(`^${operator}\\(\\): options must be an object, ${got}$`));
      });
    }
    it(`${operator} without options, or with {}, is taken`, () => {
      expect(() => call(undefined)).not.toThrow();
      expect(() => call({})).not.toThrow();
    });
  }
});
