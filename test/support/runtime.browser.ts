// The browser runtime for the behaviour specs: the browser's own WebRTC globals
// (Chromium or Firefox, whichever Karma launched).
import type { WebRTCImplementation } from "../../src/options.js";

export const runtimeName: "chromium" | "firefox" = /Firefox\//.test(navigator.userAgent) ? "firefox" : "chromium";
export const wrtc: WebRTCImplementation | undefined = undefined;
/** Whether the runtime can send media (tracks, transceivers, ICE restart). */
export const runtimeHasMedia = true;
/** Whether the runtime reports closes and gathered candidates on later turns (node-datachannel only). */
export const settlesOnALaterTurn = false;
