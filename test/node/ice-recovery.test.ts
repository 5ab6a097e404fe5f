// Marble tests of the ICE recovery policy: restart once, give up if that fails.
import { describe, expect, it } from "vitest";
import { TestScheduler } from "rxjs/testing";
import { iceRecovery } from "../../src/ice-recovery.js";

const states: Record<string, RTCPeerConnectionState> = {
  n: "new",
  g: "connecting",
  c: "connected",
  d: "disconnected",
  f: "failed",
  x: "closed",
};

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("iceRecovery", () => {
  it("restarts on the first failure and gives up on the next one", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold("n-g-c-d-f-g-f-|", states);
      expectObservable(source.pipe(iceRecovery())).toBe("--------r---u-|", { r: "restart", u: "give-up" });
    });
  });

  it("gets its restart back once connected again", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold("c-f-g-c-f-g-c-|", states);
      expectObservable(source.pipe(iceRecovery())).toBe("--r-----r-----|", { r: "restart" });
    });
  });

  it("gives up at once when no restart is allowed", () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold("g-f-|", states).pipe(iceRecovery(0))).toBe("--u-|", { u: "give-up" });
    });
  });

  it("decides nothing while the connection is healthy or closing", () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold("n-g-c-d-c-x-|", states).pipe(iceRecovery())).toBe("------------|");
    });
  });
});
