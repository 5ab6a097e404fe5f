import { defineConfig } from "vitest/config";

// Node half of the suite: Node-only tests (*.test.ts) plus the behaviour specs that
// Karma also runs in Chromium. WebRTC tests live in forked workers that exit,
// because @roamhq/wrtc can hang or crash a process that lingers after media.
export default defineConfig({
  test: {
    globals: true,
    include: ["test/**/*.test.ts", "test/behaviour/**/*.spec.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 5_000,
  },
});
