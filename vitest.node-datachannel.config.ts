import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// The behaviour suite again, on node-datachannel's W3C polyfill instead of @roamhq/wrtc
// (test/support/runtime.node.ts reads RXPEER_TEST_RUNTIME). Its polyfill has no media,
// so the media specs skip themselves here (runtimeHasMedia), and are not counted as passed.
export default defineConfig({
  test: {
    ...base.test,
    include: ["test/behaviour/**/*.spec.ts"],
    env: { RXPEER_TEST_RUNTIME: "node-datachannel" },
  },
});
