// Fault scenarios against a remote peer in a child process (Node only), shared by the
// short suite (test/node) and the soak (test/soak): the remote vanishes without a word,
// or closes properly; the local peer must end with close$, leaving nothing open.
import { createHook } from "node:async_hooks";
import { expect } from "chai";
import { firstValueFrom, lastValueFrom, merge, toArray, type Observable } from "rxjs";
import { Peer, PeerError } from "../../src/index.js";
import { spawnRemotePeer, type RemotePeer } from "./remote-peer.js";
import { webrtcOf, type NodeRuntime } from "./runtime.node.js";

const wrtc = webrtcOf("node");

/**
 * Upper bound, in ms, on close$ after the remote process dies: the liveness check between
 * rxpeer peers (livenessTimeout, 5 s by default, plus up to one beat); docs/reliability.md.
 */
export const VANISHED_REMOTE_CLOSE_BOUND_MS = 8_000;

/** What a fault scenario measured. */
export interface FaultOutcome {
  /** ms from the fault to the local close$. */
  closeAfterMs: number;
  errors: PeerError[];
}

/** Every Observable of a peer, to check that all complete. */
function everyStream(peer: Peer): Observable<unknown>[] {
  return [peer.signal$, peer.connect$, peer.data$, peer.close$, peer.error$, peer.stream$, peer.removestream$, peer.track$, peer.removetrack$, peer.connected$, peer.connectionState$];
}

/** The kinds of async resource that keep a process alive: timers, sockets, pipes, child processes. */
const LIVING = new Set(["Timeout", "Immediate", "PIPEWRAP", "PIPESERVERWRAP", "PROCESSWRAP", "TCPWRAP", "TCPSERVERWRAP", "UDPWRAP", "SIGNALWRAP", "FSEVENTWRAP", "STATWATCHER"]);

/**
 * Watches the timers and handles made from now until `stop()` and lists those not yet gone.
 * By identity, not by counts of kinds: a count compared with one taken before could hide a leak
 * behind a timer of vitest's own that had gone meanwhile (seen: a leaked interval passed).
 */
function watchResources(): { stop(): void; open(): string[]; end(): void } {
  const open = new Map<number, string>();
  let watching = true;
  const hook = createHook({
    init: (id, type) => {
      if (watching && LIVING.has(type)) open.set(id, type);
    },
    destroy: (id) => open.delete(id),
  }).enable();
  return { stop: () => (watching = false), open: () => [...open.values()], end: () => hook.disable() };
}

/** How a fault scenario's local peer is set up, and how long its close$ may take. */
export interface FaultOptions {
  localInitiator?: boolean;
  livenessTimeout?: number;
  /** What both peers run on (default "node", @roamhq/wrtc). */
  runtime?: NodeRuntime;
  /** Bound on the wait for close$ after the fault, ms (default {@link VANISHED_REMOTE_CLOSE_BOUND_MS} + 2 s). */
  closeWithinMs?: number;
}

/**
 * Connects a local peer to a remote one in a child process, exchanges a message, applies
 * `fault` to the remote, and waits for the local close$. Checks that the local peer closed
 * its connection and channel, completed every Observable, and left no timer or handle.
 */
export async function remoteFault(fault: (remote: RemotePeer) => void, options: FaultOptions = {}): Promise<FaultOutcome> {
  const [outcome] = await remoteFaults(1, fault, options);
  if (!outcome) throw new Error("remoteFault: no outcome");
  return outcome;
}

/**
 * {@link remoteFault} on `pairs` pairs at once, each remote in its own process, all faulted
 * in the same turn; then nothing of any of them may remain.
 */
export async function remoteFaults(pairs: number, fault: (remote: RemotePeer) => void, options: FaultOptions = {}): Promise<FaultOutcome[]> {
  const resources = watchResources();
  const scenarios = Array.from({ length: pairs }, () => faultScenario(options));
  try {
    // Connected and talking, all of them, before any fault.
    await allOf(scenarios.map((scenario) => scenario.talking));
    const outcomes = await allOf(scenarios.map((scenario) => scenario.faultIt(fault)));
    for (const scenario of scenarios) scenario.cleanUp();
    // Let the children's pipes and any last callbacks and timers go (node-datachannel's deferred
    // channel close keeps rxpeer's connection close waiting up to 200 ms), then nothing of the
    // scenarios may remain: a timer that re-arms or a handle left open is still there 1 s on.
    resources.stop();
    await waitFor(() => resources.open().length === 0, LEFTOVER_GRACE_MS);
    expect(resources.open(), "timers or handles left open").to.deep.equal([]);
    return outcomes;
  } finally {
    resources.end();
    for (const scenario of scenarios) scenario.cleanUp();
  }
}

/** One pair of a fault scenario: `talking` once it has exchanged a message; `faultIt` applies the fault and checks the end; `cleanUp` may be called any time. */
function faultScenario(options: FaultOptions): { talking: Promise<void>; faultIt: (fault: (remote: RemotePeer) => void) => Promise<FaultOutcome>; cleanUp: () => void } {
  const localInitiator = options.localInitiator ?? true;
  const runtime = options.runtime ?? "node";
  const local = new Peer({ initiator: localInitiator, debug: 0, wrtc: webrtcOf(runtime), livenessTimeout: options.livenessTimeout });
  const remote = spawnRemotePeer(local, { initiator: !localInitiator, runtime });
  // Each step is bounded, so a scenario that hangs fails saying where, with the states seen.
  const states: string[] = [];
  local.connectionState$.subscribe((state) => states.push(state));
  const step = <T>(what: string, promise: Promise<T>, boundMs: number): Promise<T> => within(promise, boundMs, () => `remoteFault: ${what} took over ${boundMs} ms (connection states: ${states.join(" > ")})`);
  const cleanUp = (): void => {
    local.destroy();
    if (remote.child.exitCode === null && remote.child.signalCode === null) remote.child.kill("SIGKILL");
  };
  const errors: PeerError[] = [];
  local.error$.subscribe((error) => errors.push(error));
  const allComplete = Promise.all(everyStream(local).map((stream) => lastValueFrom(merge(stream).pipe(toArray()))));
  const talk = async (): Promise<void> => {
    await step("connecting", Promise.all([firstValueFrom(local.connect$), remote.connected]), STEP_BOUND_MS);
    const echoed = firstValueFrom(local.data$);
    local.send("ping");
    remote.command({ send: "pong" });
    expect(await step("the remote's answer to a ping", echoed, STEP_BOUND_MS)).to.equal("pong");
  };
  const faultIt = async (fault: (remote: RemotePeer) => void): Promise<FaultOutcome> => {
    const closed = firstValueFrom(local.close$);
    const channel = local.channel;
    const start = performance.now();
    fault(remote);
    await step("close$ after the fault", closed, options.closeWithinMs ?? VANISHED_REMOTE_CLOSE_BOUND_MS + 2_000);
    const closeAfterMs = performance.now() - start;

    await step("every Observable completing after close$", allComplete, STEP_BOUND_MS);
    expect(local.destroyed).to.equal(true);
    // node-datachannel gets its channel and connection to "closed" on a later turn (test/support/runtime.node.ts).
    if (runtime === "node-datachannel") await waitFor(() => local.connection.connectionState === "closed" && channel?.readyState === "closed", STEP_BOUND_MS);
    expect(local.connection.connectionState).to.equal("closed");
    expect(channel?.readyState).to.equal("closed");
    // A remote that closed properly is still running: end it (it exits when its IPC closes).
    if (remote.child.connected) remote.child.disconnect();
    await step("the remote process exiting", remote.exited, STEP_BOUND_MS);
    return { closeAfterMs, errors };
  };
  return { talking: talk(), faultIt, cleanUp };
}

/** Every value, once all have settled (each step is bounded): the first failure if any failed, so none is left unhandled. */
async function allOf<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/** How long a scenario's last timers and handles may take to go once it has ended, ms. */
const LEFTOVER_GRACE_MS = 1_000;

/** Bound on each step of a fault scenario other than the wait for close$, in ms: each takes well under a second. */
const STEP_BOUND_MS = 15_000;

/** `promise`, or a rejection with `message()` if it has not settled within `boundMs`; leaves no timer behind. */
function within<T>(promise: Promise<T>, boundMs: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), boundMs)));
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** What a stalled remote left behind. */
export interface StallOutcome {
  errors: PeerError[];
  /** Whether the local peer closed during the stall. */
  closed: boolean;
  /** Whether a message went each way after the stall (false if the local peer closed). */
  talkedAfter: boolean;
}

/**
 * How a remote stalls: "frozen", its whole process stopped (SIGSTOP: its event loop and its
 * WebRTC threads stand still, so it sends not even an ICE check); "busy", its event loop
 * spinning in one long task while its WebRTC threads run on (so its transport still answers).
 */
export type Stall = "frozen" | "busy";

/**
 * Connects a local peer to a remote one in a child process, stalls the remote for `stallMs`
 * (see {@link Stall}), lets it go, and checks whether the pair still talks.
 */
export async function stallRemote(stallMs: number, options: { livenessTimeout?: number; stall?: Stall } = {}): Promise<StallOutcome> {
  const local = new Peer({ initiator: true, debug: 0, wrtc, livenessTimeout: options.livenessTimeout });
  const remote = spawnRemotePeer(local);
  const frozen = (options.stall ?? "frozen") === "frozen";
  try {
    const errors: PeerError[] = [];
    local.error$.subscribe((error) => errors.push(error));
    await Promise.all([firstValueFrom(local.connect$), remote.connected]);
    const closed = firstValueFrom(local.close$).then(() => true);
    if (frozen) remote.child.kill("SIGSTOP");
    else remote.command({ busy: stallMs });
    const stalled = new Promise<false>((resolve) => setTimeout(() => resolve(false), stallMs));
    const closedDuringStall = await Promise.race([closed, stalled]);
    if (frozen) remote.child.kill("SIGCONT");
    if (closedDuringStall || local.destroyed) return { errors, closed: true, talkedAfter: false };
    const echoed = firstValueFrom(local.data$);
    local.send("ping");
    remote.command({ send: "pong" });
    // The remote reports what it received over IPC, which may trail the pong: wait for it, bounded.
    const talkedAfter = (await echoed) === "pong" && (await waitFor(() => remote.received.includes("ping")));
    return { errors, closed: local.destroyed, talkedAfter };
  } finally {
    local.destroy();
    remote.child.kill("SIGKILL");
    await remote.exited;
  }
}

/** Whether `condition` came to hold within `boundMs`, checked every 10 ms: for state no event reports. */
async function waitFor(condition: () => boolean, boundMs = 5_000): Promise<boolean> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > boundMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
