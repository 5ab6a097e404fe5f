/**
 * Liveness between two Node processes (@roamhq/wrtc), the fault scenarios of the test suite
 * (test/support/remote-faults.ts) measured: how long after the remote process is SIGKILLed
 * the survivor reports `ERR_CONNECTION_FAILURE` and `close$`, and whether a remote whose
 * process is stopped for 3 s (SIGSTOP, then SIGCONT) is left alone and talks on.
 */
import { remoteFault, stallRemote } from "../test/support/remote-faults.js";

/** A remote stopped this long must not be declared dead (issue 14, item 5). */
export const STALL_NOT_DEAD_MS = 3_000;

/** One run of both scenarios. */
export interface LivenessRun {
  /** ms from SIGKILL to the survivor's close$, or undefined if the scenario failed. */
  killToCloseMs?: number;
  /** Codes the survivor reported on error$ before closing. */
  killErrors: string[];
  /** Whether the survivor closed during the remote's stall. */
  stallClosed: boolean;
  /** Whether a message went each way after the stall. */
  stallTalkedAfter: boolean;
  /** What went wrong, if a scenario threw. */
  error?: string;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs both scenarios `runs` times, one after another, each with a fresh remote process.
 *
 * @example
 * const runs = await measureLiveness(3);
 * console.log(runs.map((run) => run.killToCloseMs)); // e.g. [5480, 5512, 5497]
 */
export async function measureLiveness(runs: number): Promise<LivenessRun[]> {
  const results: LivenessRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run: LivenessRun = { killErrors: [], stallClosed: false, stallTalkedAfter: false };
    try {
      const killed = await remoteFault((remote) => remote.child.kill("SIGKILL"));
      run.killToCloseMs = killed.closeAfterMs;
      run.killErrors = killed.errors.map((error) => error.code);
      const stalled = await stallRemote(STALL_NOT_DEAD_MS);
      run.stallClosed = stalled.closed;
      run.stallTalkedAfter = stalled.talkedAfter;
    } catch (err) {
      run.error = messageOf(err);
    }
    results.push(run);
  }
  return results;
}
