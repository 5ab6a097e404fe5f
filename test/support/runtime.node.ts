// The Node runtime for the behaviour specs: @roamhq/wrtc injected through the `wrtc` option.
import wrtcModule from "@roamhq/wrtc";
import type { WebRTCImplementation } from "../../src/options.js";

export const runtimeName = "node" as const;
export const wrtc: WebRTCImplementation | undefined = wrtcModule as unknown as WebRTCImplementation;
