// Soak: the remote process faults not in the short suite. The remote vanishing without a
// word (SIGKILL, or process.exit with nothing closed) with the local peer as answerer too,
// each ending in close$ with ERR_CONNECTION_FAILURE within the bound; and the clean
// closes, repeated, each closing the local peer at once.
import { spawn, type ChildProcess } from "node:child_process";
import { describe, expect, it } from "vitest";
import { VANISHED_REMOTE_CLOSE_BOUND_MS, remoteFault, remoteFaults } from "../support/remote-faults.js";

const vanishing = VANISHED_REMOTE_CLOSE_BOUND_MS + 20_000;

/** A process spinning on one core until it is killed: load for the machine. */
function spinner(): ChildProcess {
  return spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" });
}

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
    // ICE fails it after about 15 s on @roamhq/wrtc, then the restart takes its 10 s: 25 s; 40 s
    // when the connection stays disconnected instead (DISCONNECTED_TIMEOUT_MS, below).
    const outcome = await remoteFault((remote) => remote.child.kill("SIGKILL"), { livenessTimeout: 0, closeWithinMs: 60_000 });
    console.log(`[figure] remote SIGKILLed, liveness off: close$ after ${outcome.closeAfterMs.toFixed(0)} ms`);
    expect(outcome.errors.map((error) => error.message)).toEqual(["connection failed, and an ICE restart did not recover it"]);
  }, 90_000);

  // On a loaded machine @roamhq/wrtc may leave such a connection disconnected for good, never
  // failed (with a core spinning, 2 or 3 of 3 pairs killed at once, still disconnected 120 s
  // on); DISCONNECTED_TIMEOUT_MS bounds that wait. Without it this test failed at close$ in 3
  // of 4 runs here (all three pairs failed properly in the fourth).
  it("SIGKILL with liveness off, three pairs at once on a loaded machine: each peer gives up, failed or stuck disconnected", async () => {
    const load = spinner();
    try {
      const outcomes = await remoteFaults(3, (remote) => remote.child.kill("SIGKILL"), { livenessTimeout: 0, closeWithinMs: 60_000 });
      console.log(`[figure] three remotes SIGKILLed at once, liveness off, under load: close$ after ${outcomes.map((outcome) => outcome.closeAfterMs.toFixed(0)).join(", ")} ms`);
      for (const outcome of outcomes) expect(outcome.errors.map((error) => error.message)).toEqual(["connection failed, and an ICE restart did not recover it"]);
    } finally {
      load.kill("SIGKILL");
    }
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
