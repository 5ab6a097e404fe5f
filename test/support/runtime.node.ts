// The Node runtime for the behaviour specs, injected through the `wrtc` option:
// @roamhq/wrtc, or node-datachannel's W3C polyfill with RXPEER_TEST_RUNTIME=node-datachannel
// (vitest.node-datachannel.config.ts sets it).
import wrtcModule from "@roamhq/wrtc";
import * as nodeDatachannel from "node-datachannel/polyfill";
import type { WebRTCImplementation } from "../../src/options.js";

const onNodeDatachannel = process.env.RXPEER_TEST_RUNTIME === "node-datachannel";

export const runtimeName: "node" | "node-datachannel" = onNodeDatachannel ? "node-datachannel" : "node";
export const wrtc: WebRTCImplementation | undefined = (onNodeDatachannel ? nodeDatachannel : wrtcModule) as unknown as WebRTCImplementation;
/** Whether the runtime can send media (node-datachannel's polyfill has no tracks). */
export const runtimeHasMedia = !onNodeDatachannel;
/**
 * The readyState a channel may show right after close(): "closing" at once by the spec.
 * node-datachannel's close() runs on a later turn of the event loop and its readyState moves
 * only with its own events, so there it still shows the state it had (the connection's
 * "closed", checked beside this, is what says the peer let go).
 */
export const channelStatesAfterClose: readonly RTCDataChannelState[] = onNodeDatachannel ? ["connecting", "open", "closing", "closed"] : ["closing", "closed"];
