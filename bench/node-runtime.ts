/**
 * The contenders on Node: every library on @roamhq/wrtc, and the memory and files figures;
 * raw and rxpeer on node-datachannel (with RXPEER_BENCH_WRTC=node-datachannel, set by bench/run.ts). @rtco/peer looks for RTCPeerConnection as a global and calls
 * `setLocalDescription()` without a description, which @roamhq/wrtc refuses, so a shimmed
 * RTCPeerConnection is installed as the global here (and only in bench processes).
 */
import wrtc from "@roamhq/wrtc";
import * as nodeDatachannel from "node-datachannel/polyfill";
import RtcoPeer from "@rtco/peer";
import SimplePeer from "simple-peer";
import { rawContender, type Watermarks } from "./contenders/raw.js";
import { rtcoContender, rtcoPeerConnection } from "./contenders/rtco.js";
import { rxpeerContender } from "./contenders/rxpeer.js";
import { simplePeerContender } from "./contenders/simple-peer.js";
import { measureMemory } from "./memory.js";
import { measureFiles } from "./files.js";
import type { Runtime } from "./tasks.js";
import type { WebRTC } from "./transport.js";

/** Where `bufferedAmount` must be polled: the raw loop's watermarks (the fastest of those tried here, docs/benchmarks.md). */
export const NODE_WATERMARKS: Watermarks = { high: 1024 * 1024, low: 256 * 1024 };

export function nodeRuntime(): Runtime {
  const webrtc = wrtc as unknown as WebRTC;
  (globalThis as { RTCPeerConnection?: typeof RTCPeerConnection }).RTCPeerConnection = rtcoPeerConnection(webrtc.RTCPeerConnection);
  return {
    contenders: {
      raw: rawContender(webrtc, NODE_WATERMARKS),
      rxpeer: rxpeerContender(webrtc, "sendTo", NODE_WATERMARKS),
      "rxpeer-send": rxpeerContender(webrtc, "send", NODE_WATERMARKS),
      "rxpeer-batch": rxpeerContender(webrtc, "batch", NODE_WATERMARKS),
      "simple-peer": simplePeerContender(SimplePeer, webrtc),
      rtco: rtcoContender(RtcoPeer),
    },
    memory: (mode, bytes) => measureMemory(mode, bytes, NODE_WATERMARKS),
    files: (mode, bytes) => measureFiles(mode, bytes, NODE_WATERMARKS),
  };
}

/** Where `bufferedamountlow` fires (node-datachannel, browsers): the browsers' watermarks. */
export const EVENT_WATERMARKS: Watermarks = { high: 64 * 1024, low: 16 * 1024 };

/** raw against rxpeer on node-datachannel's W3C polyfill, with the same workloads. */
export function nodeDatachannelRuntime(): Runtime {
  const webrtc = nodeDatachannel as unknown as WebRTC;
  return {
    contenders: {
      raw: rawContender(webrtc, EVENT_WATERMARKS),
      rxpeer: rxpeerContender(webrtc, "sendTo", EVENT_WATERMARKS),
      "rxpeer-send": rxpeerContender(webrtc, "send", EVENT_WATERMARKS),
      "rxpeer-batch": rxpeerContender(webrtc, "batch", EVENT_WATERMARKS),
    },
  };
}
