import { defineConfig } from "vitest/config";

// The soak (`npm run test:soak`): the long versions of the reliability tests, test/soak only.
// One file at a time, so the figures they print are not skewed by each other; Node runs
// with --expose-gc for the leak checks. Whole run: a few minutes (docs/reliability.md).
export default defineConfig({
  test: {
    globals: true,
    // Named *.soak.ts, so the main config (test/**/*.test.ts) never picks them up.
    include: ["test/soak/**/*.soak.ts"],
    pool: "forks",
    execArgv: ["--expose-gc"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
  },
});
