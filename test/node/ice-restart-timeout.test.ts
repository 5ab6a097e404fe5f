// The ICE restart's time limit: a restart that never reaches `connected` (the remote is
// gone and cannot answer the restart's offer) ends in give-up, so the peer closes.
import { describe, expect, it } from "vitest";
import { TestScheduler } from "rxjs/testing";
import { ICE_RESTART_TIMEOUT_MS, iceRecovery } from "../../src/ice-recovery.js";

const states: Record<string, RTCPeerConnectionState> = { g: "connecting", c: "connected", d: "disconnected", f: "failed", x: "closed" };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("iceRecovery restart timeout", () => {
  it("gives up when a restart brings no `connected` within the timeout", () => {
    scheduler().run(({ cold, expectObservable }) => {
      // After the restart nothing more arrives: the remote never answered.
      const source = cold("c-f---------------------|", states);
      expectObservable(source.pipe(iceRecovery(1, 10))).toBe("--r---------u-----------|", { r: "restart", u: "give-up" });
    });
  });

  it("keeps waiting through connecting and disconnected, and stops the clock at connected", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold("c-f-g-d-g-c---------------|", states);
      expectObservable(source.pipe(iceRecovery(1, 10))).toBe("--r-----------------------|", { r: "restart" });
    });
  });

  it("leaves no timer behind when the states end mid-restart", () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold("c-f-x|", states).pipe(iceRecovery(1, 10))).toBe("--r--|", { r: "restart" });
      expectObservable(cold("c-f-|", states).pipe(iceRecovery(1, 10))).toBe("--r-|", { r: "restart" });
    });
  });

  it("defaults to ICE_RESTART_TIMEOUT_MS", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold(`c-f ${ICE_RESTART_TIMEOUT_MS + 5}ms |`, states);
      expectObservable(source.pipe(iceRecovery())).toBe(`--r ${ICE_RESTART_TIMEOUT_MS - 1}ms u 5ms |`, { r: "restart", u: "give-up" });
    });
  });
});
