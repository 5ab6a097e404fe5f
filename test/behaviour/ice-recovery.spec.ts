// A connection that fails is restarted once (src/ice-recovery.ts's policy, wired in the Peer).
// The recovery watch starts at the first failure, so a real connection is seen through a
// Proxy whose connectionState reads "failed" once the test says so: a real ICE failure takes
// the consent timeout, tens of seconds.
import { expect } from "chai";
import { filter, firstValueFrom } from "rxjs";
import { linkPeers } from "../../src/index.js";
import { wrtc } from "#test-runtime";
import { connected, makePeer } from "../support/peers.js";

/** A real connection class whose `connectionState` can be made to read "failed", counting `restartIce()` calls. */
function failableConnection(): { Connection: typeof RTCPeerConnection; fail(pc: RTCPeerConnection): void; restarts: () => number; restarted: Promise<void> } {
  const failing = new WeakSet<object>();
  let restarts = 0;
  let onRestart = (): void => undefined;
  const restarted = new Promise<void>((resolve) => (onRestart = resolve));
  const Base: typeof RTCPeerConnection = wrtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;
  class FailableConnection extends Base {
    constructor(config?: RTCConfiguration) {
      super(config);
      // An own, non-configurable accessor on @roamhq/wrtc's connections: a Proxy, not an override.
      return new Proxy(this, {
        get(real, key, proxy: object) {
          if (key === "connectionState" && failing.has(proxy)) return "failed";
          if (key === "restartIce") (restarts++, onRestart());
          const value: unknown = Reflect.get(real, key, real);
          return typeof value === "function" ? value.bind(real) : value;
        },
        set: (real, key, value) => Reflect.set(real, key, value, real),
      });
    }
  }
  return {
    Connection: FailableConnection,
    fail(pc) {
      failing.add(pc);
      pc.onconnectionstatechange?.call(pc, new Event("connectionstatechange"));
    },
    restarts: () => restarts,
    restarted,
  };
}

describe("ICE recovery", () => {
  it("restarts ICE at a connection's first failure, and reports the state", async () => {
    const { Connection, fail, restarts, restarted } = failableConnection();
    const a = makePeer({ initiator: true, wrtc: { ...wrtc, RTCPeerConnection: Connection } });
    const b = makePeer();
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    const failed = firstValueFrom(a.connectionState$.pipe(filter((state) => state === "failed")));
    expect(restarts(), "restarts before any failure").to.equal(0);
    fail(a.connection);
    await failed;
    // The restart is queued on the negotiation chain: it runs a few turns later.
    await restarted;
    expect(restarts()).to.equal(1);
    expect(a.destroyed, "a restart, not a give-up").to.equal(false);
  });
});
