// The Node runtime for the behaviour specs, injected through the `wrtc` option:
// @roamhq/wrtc, or node-datachannel's W3C polyfill with RXPEER_TEST_RUNTIME=node-datachannel
// (vitest.node-datachannel.config.ts sets it).
import wrtcModule from "@roamhq/wrtc";
import * as nodeDatachannel from "node-datachannel/polyfill";
import type { WebRTCImplementation } from "../../src/options.js";

/** A Node runtime: "node" is @roamhq/wrtc, "node-datachannel" node-datachannel's polyfill. */
export type NodeRuntime = "node" | "node-datachannel";

/** The WebRTC implementation of a Node runtime (also for the fault tests' child processes). */
export function webrtcOf(runtime: NodeRuntime): WebRTCImplementation {
  return (runtime === "node-datachannel" ? nodeDatachannel : wrtcModule) as unknown as WebRTCImplementation;
}

const onNodeDatachannel = process.env.RXPEER_TEST_RUNTIME === "node-datachannel";

export const runtimeName: NodeRuntime = onNodeDatachannel ? "node-datachannel" : "node";
export const wrtc: WebRTCImplementation | undefined = webrtcOf(runtimeName);
/** Whether the runtime can send media (node-datachannel's polyfill has no tracks). */
export const runtimeHasMedia = !onNodeDatachannel;
/**
 * Whether the runtime reports state changes on later turns of the event loop: node-datachannel.
 * Its channel and connection reach "closed" only after destroy() returns (its channel.close() is
 * deferred, and rxpeer closes the connection once the channel has; test/node/node-datachannel.test.ts
 * checks both get there), and its iceGatheringState is "complete" before its candidates are
 * delivered. Everywhere else these hold as the call returns.
 */
export const settlesOnALaterTurn = onNodeDatachannel;
