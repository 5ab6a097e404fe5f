// The browser runtime for the behaviour specs: Chromium's own WebRTC globals.
import type { WebRTCImplementation } from "../../src/options.js";

export const runtimeName = "chromium" as const;
export const wrtc: WebRTCImplementation | undefined = undefined;
