// Faults of a remote peer living in another process: killed with SIGKILL (no SCTP ABORT
// is ever sent), or closing properly. The local peer must end with close$ within a bound.
import { describe, expect, it } from "vitest";
import { DEFAULT_LIVENESS_TIMEOUT_MS } from "../../src/liveness.js";
import { VANISHED_REMOTE_CLOSE_BOUND_MS, remoteFault, stallRemote } from "../support/remote-faults.js";

describe("a remote peer in another process", () => {
  it(
    "SIGKILLed: the local peer reports ERR_CONNECTION_FAILURE and closes within the bound, leaving nothing open",
    async () => {
      const outcome = await remoteFault((remote) => remote.child.kill("SIGKILL"));
      console.log(`[figure] remote SIGKILLed: local close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
      expect(outcome.closeAfterMs).toBeLessThan(VANISHED_REMOTE_CLOSE_BOUND_MS);
      expect(outcome.errors.map((error) => error.code)).toEqual(["ERR_CONNECTION_FAILURE"]);
    },
    VANISHED_REMOTE_CLOSE_BOUND_MS + 20_000,
  );

  it("destroying its peer: the local peer closes at once with no error", async () => {
    const outcome = await remoteFault((remote) => remote.command({ destroy: true }));
    console.log(`[figure] remote destroy(): local close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
    expect(outcome.closeAfterMs).toBeLessThan(5_000);
    expect(outcome.errors).toEqual([]);
  });

  it("closing only its data channel: the local peer closes at once with no error", async () => {
    const outcome = await remoteFault((remote) => remote.command({ closeChannel: true }), { localInitiator: false });
    console.log(`[figure] remote channel.close(): local close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
    expect(outcome.closeAfterMs).toBeLessThan(5_000);
    expect(outcome.errors).toEqual([]);
  });

  it("frozen for 3 s: not declared dead, and the pair talks on", async () => {
    const outcome = await stallRemote(3_000);
    expect(outcome).toEqual({ errors: [], closed: false, talkedAfter: true });
  }, 20_000);

  it("whose event loop is busy past livenessTimeout while its transport answers: not declared dead, and the pair talks on", async () => {
    // Its heartbeats stop, but its WebRTC threads answer ICE: the transport hears it.
    const outcome = await stallRemote(DEFAULT_LIVENESS_TIMEOUT_MS + 3_000, { stall: "busy" });
    expect(outcome).toEqual({ errors: [], closed: false, talkedAfter: true });
  }, 25_000);

  it("frozen past livenessTimeout: declared dead with ERR_CONNECTION_FAILURE", async () => {
    const outcome = await stallRemote(3_500, { livenessTimeout: 2_000 });
    expect(outcome.closed).toBe(true);
    expect(outcome.errors.map((error) => error.code)).toEqual(["ERR_CONNECTION_FAILURE"]);
    expect(outcome.errors[0]?.message).toMatch(/sent nothing for 2000 ms \(livenessTimeout\)/);
  }, 20_000);

  it("with livenessTimeout 0, a stall longer than the default timeout is not declared dead", async () => {
    const outcome = await stallRemote(DEFAULT_LIVENESS_TIMEOUT_MS + 1_500, { livenessTimeout: 0 });
    expect(outcome).toEqual({ errors: [], closed: false, talkedAfter: true });
  }, 20_000);
});
