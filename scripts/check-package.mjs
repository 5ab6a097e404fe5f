#!/usr/bin/env node
// Checks the built package the way users load it: both entry points, in ESM and CJS.
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const esm = await import("rxpeer");
const cjs = require("rxpeer");
for (const [name, mod] of [["esm", esm], ["cjs", cjs]]) {
  assert.equal(typeof mod.Peer, "function", `${name}: Peer`);
  assert.equal(mod.default, mod.Peer, `${name}: default export is Peer`);
  assert.equal(typeof mod.PeerError, "function", `${name}: PeerError`);
  assert.equal(typeof mod.linkPeers, "function", `${name}: linkPeers`);
}
const operatorsEsm = await import("rxpeer/operators");
const operatorsCjs = require("rxpeer/operators");
for (const name of ["chunk", "dechunk", "sendTo", "bufferUntilConnected", "retryBackoff", "serialize", "deserialize", "toSimplePeerSignal", "connectSignaling"]) {
  assert.equal(typeof operatorsEsm[name], "function", `esm operators: ${name}`);
  assert.equal(typeof operatorsCjs[name], "function", `cjs operators: ${name}`);
}
// As simple-peer: require() gives the class itself, import its default.
const simplePeerEsm = (await import("rxpeer/simple-peer")).default;
const simplePeerCjs = require("rxpeer/simple-peer");
for (const [name, SimplePeer] of [["esm", simplePeerEsm], ["cjs", simplePeerCjs]]) {
  assert.equal(typeof SimplePeer, "function", `${name} simple-peer: the class`);
  assert.equal(typeof SimplePeer.WEBRTC_SUPPORT, "boolean", `${name} simple-peer: WEBRTC_SUPPORT`);
  assert.equal(typeof SimplePeer.prototype.signal, "function", `${name} simple-peer: signal()`);
}
console.log("package: rxpeer, rxpeer/operators and rxpeer/simple-peer load as ESM and CJS");
