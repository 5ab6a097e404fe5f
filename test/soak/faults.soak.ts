// Soak: the remote process faults not in the short suite. The remote vanishing without a
// word (SIGKILL, or process.exit with nothing closed) with the local peer as answerer too,
// each ending in close$ with ERR_CONNECTION_FAILURE within the bound; and the clean
// closes, repeated, each closing the local peer at once.
import { describe, expect, it } from "vitest";
import { VANISHED_REMOTE_CLOSE_BOUND_MS, remoteFault } from "../support/remote-faults.js";

const vanishing = VANISHED_REMOTE_CLOSE_BOUND_MS + 20_000;

describe("remote process faults (soak)", () => {
  it("SIGKILL with the local peer as answerer", async () => {
    const outcome = await remoteFault((remote) => remote.child.kill("SIGKILL"), { localInitiator: false });
    console.log(`[figure] remote SIGKILLed, local answerer: close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
    expect(outcome.closeAfterMs).toBeLessThan(VANISHED_REMOTE_CLOSE_BOUND_MS);
    expect(outcome.errors.map((error) => error.code)).toEqual(["ERR_CONNECTION_FAILURE"]);
  }, vanishing);

  // Liveness off: what a remote that is not rxpeer gets. ICE fails, the one restart goes
  // unanswered, and ICE_RESTART_TIMEOUT_MS later the peer gives up (docs/reliability.md).
  it("SIGKILL with liveness off: the ICE restart goes unanswered and the peer gives up", async () => {
    const outcome = await remoteFault((remote) => remote.child.kill("SIGKILL"), { livenessTimeout: 0 });
    console.log(`[figure] remote SIGKILLed, liveness off: close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
    expect(outcome.errors.map((error) => error.message)).toEqual(["connection failed, and an ICE restart did not recover it"]);
  }, 90_000);

  it("process.exit() without closing anything", async () => {
    const outcome = await remoteFault((remote) => remote.command({ exit: true }));
    console.log(`[figure] remote process.exit(): close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
    expect(outcome.closeAfterMs).toBeLessThan(VANISHED_REMOTE_CLOSE_BOUND_MS);
    expect(outcome.errors.map((error) => error.code)).toEqual(["ERR_CONNECTION_FAILURE"]);
  }, vanishing);

  it("clean closes, 10 times each way: close$ at once, no error", async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      for (const fault of [{ destroy: true }, { closeChannel: true }]) {
        const outcome = await remoteFault((remote) => remote.command(fault), { localInitiator: i % 2 === 0 });
        expect(outcome.errors).toEqual([]);
        times.push(outcome.closeAfterMs);
      }
    }
    times.sort((x, y) => x - y);
    console.log(`[figure] remote clean close, 20 runs: close$ after median ${times[10]?.toFixed(1)} ms, max ${times[19]?.toFixed(1)} ms`);
    expect(times[19]).toBeLessThan(5_000);
  });
});
