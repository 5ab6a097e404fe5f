// The ICE recovery policy on a fake clock: restart once, give up if that fails.
import { describe, expect, it } from "vitest";
import { recoveryFrames } from "../support/ice-recovery-frames.js";

describe("iceRecovery", () => {
  it("restarts on the first failure and gives up on the next one", () => {
    expect(recoveryFrames("n-g-c-d-f-g-f-").decisions).toBe("--------r---u-");
  });

  it("gets its restart back once connected again", () => {
    expect(recoveryFrames("c-f-g-c-f-g-c-").decisions).toBe("--r-----r-----");
  });

  it("gives up at once when no restart is allowed", () => {
    expect(recoveryFrames("g-f-", { maxRestarts: 0 }).decisions).toBe("--u-");
  });

  it("decides nothing while the connection is healthy or closing", () => {
    expect(recoveryFrames("n-g-c-d-c-x-").decisions).toBe("------------");
  });
});
