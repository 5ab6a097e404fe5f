// A full garbage collection on demand (Node), for leak and memory tests. Uses the global
// `gc` when Node runs with --expose-gc (the soak config does); otherwise turns the flag on
// at run time and takes `gc` from a fresh context, which V8 allows once the flag is set.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/** Runs a full, synchronous garbage collection. */
export function forceGc(): void {
  if (!collect) {
    const global = (globalThis as { gc?: () => void }).gc;
    if (typeof global === "function") collect = global;
    else {
      setFlagsFromString("--expose-gc");
      collect = runInNewContext("gc") as () => void;
    }
  }
  collect();
}

/** Collects garbage until WeakRef targets and FinalizationRegistry work have settled. */
export async function settleGc(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    forceGc();
    // WeakRefs are cleared at the end of a job: give the event loop a turn between rounds.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
