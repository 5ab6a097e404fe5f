// The browser runtime for the behaviour specs: the browser's own WebRTC globals
// (Chromium or Firefox, whichever Karma launched).
import type { WebRTCImplementation } from "../../src/options.js";

export const runtimeName: "chromium" | "firefox" = /Firefox\//.test(navigator.userAgent) ? "firefox" : "chromium";
export const wrtc: WebRTCImplementation | undefined = undefined;
/** Whether the runtime can send media (tracks, transceivers, ICE restart). */
export const runtimeHasMedia = true;
/**
 * The readyState a channel may show right after close(): "closing" at once by the spec;
 * node-datachannel's close() waits for the next turn of the event loop, so "open" there.
 */
export const channelStatesAfterClose: readonly RTCDataChannelState[] = ["closing", "closed"];
