// The ICE restart's time limit: a restart that never reaches `connected` (the remote is
// gone and cannot answer the restart's offer) ends in give-up, so the peer closes.
import { describe, expect, it } from "vitest";
import { DISCONNECTED_TIMEOUT_MS, ICE_RESTART_TIMEOUT_MS } from "../../src/ice-recovery.js";
import { recoveryFrames } from "../support/ice-recovery-frames.js";

describe("iceRecovery restart timeout", () => {
  it("gives up when a restart brings no `connected` within the timeout", () => {
    // After the restart nothing more arrives: the remote never answered.
    const { decisions, pendingTimers } = recoveryFrames("c-f---------------------", { restartTimeout: 10 });
    expect(decisions).toBe("--r---------u-----------");
    expect(pendingTimers).toBe(0);
  });

  it("keeps waiting through connecting and disconnected, and stops the clock at connected", () => {
    const { decisions, pendingTimers } = recoveryFrames("c-f-g-d-g-c---------------", { restartTimeout: 10 });
    expect(decisions).toBe("--r-----------------------");
    expect(pendingTimers).toBe(0);
  });

  it("gives up on time when the restart goes through connecting and disconnected but never connects", () => {
    expect(recoveryFrames("c-f-g-d-g-----------", { restartTimeout: 10 }).decisions).toBe("--r---------u-------");
  });

  it("leaves no timer behind when the peer closes mid-restart", () => {
    const { decisions, pendingTimers } = recoveryFrames("c-f-x", { restartTimeout: 10, frames: 30 });
    expect(decisions).toBe("--r" + "-".repeat(27));
    expect(pendingTimers).toBe(0);
  });

  it("defaults to ICE_RESTART_TIMEOUT_MS", () => {
    const { decisions } = recoveryFrames("c-f", { frames: ICE_RESTART_TIMEOUT_MS + 5 });
    expect(decisions.indexOf("u")).toBe(2 + ICE_RESTART_TIMEOUT_MS);
    expect(decisions.replaceAll("-", "")).toBe("ru");
  });
});

describe("iceRecovery disconnected timeout", () => {
  // @roamhq/wrtc sometimes leaves a connection whose remote died `disconnected` for good.
  it("treats a connection disconnected for the timeout as failed: restarts, then gives up on the restart's clock", () => {
    const { decisions, pendingTimers } = recoveryFrames("c-d-------------------", { disconnectedTimeout: 5, restartTimeout: 10 });
    expect(decisions).toBe("-------r---------u----");
    expect(pendingTimers).toBe(0);
  });

  it("leaves a spell of disconnected that ends in time alone, whatever state ends it", () => {
    expect(recoveryFrames("c-d---c-d---g---c-----", { disconnectedTimeout: 5 }).decisions).toBe("-".repeat(22));
  });

  it("counts the spell from its start: a failed inside it decides once, and the spell's clock is gone", () => {
    const { decisions, pendingTimers } = recoveryFrames("c-d-f-g-c-------------", { disconnectedTimeout: 5, restartTimeout: 10 });
    expect(decisions).toBe("----r-----------------");
    expect(pendingTimers).toBe(0);
  });

  it("gives up at once when a restart was already spent and the connection stays disconnected", () => {
    expect(recoveryFrames("c-f-g-d-------------", { disconnectedTimeout: 5, restartTimeout: 30 }).decisions).toBe("--r--------u--------");
  });

  it("leaves no timer behind when the peer closes while disconnected", () => {
    const { decisions, pendingTimers } = recoveryFrames("c-d-x", { disconnectedTimeout: 5, frames: 20 });
    expect(decisions).toBe("-".repeat(20));
    expect(pendingTimers).toBe(0);
  });

  it("defaults to DISCONNECTED_TIMEOUT_MS", () => {
    const { decisions } = recoveryFrames("c-d", { frames: DISCONNECTED_TIMEOUT_MS + 5 });
    expect(decisions.indexOf("r")).toBe(2 + DISCONNECTED_TIMEOUT_MS);
    expect(decisions.replaceAll("-", "")).toBe("r");
  });
});
