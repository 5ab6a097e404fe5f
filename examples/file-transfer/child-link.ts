/**
 * Signaling between a parent process and a child it forks, over Node's IPC pipe: the
 * simplest channel for two processes on one machine. Each side's `signal$` goes to the
 * other side's `signal()`; other IPC messages are left to the caller.
 */
import type { ChildProcess } from "node:child_process";
import type { Subscription } from "rxjs";
import type { Peer, SignalData } from "../../src/index.js";

/** An IPC message carrying one signal. */
interface SignalMessage {
  signal: SignalData;
}

function isSignalMessage(message: unknown): message is SignalMessage {
  return typeof message === "object" && message !== null && "signal" in message;
}

/**
 * Wires `peer` to the other end of an IPC pipe: `child` from the parent, or nothing in the
 * child itself (it talks to `process`). Unsubscribe to unwire.
 *
 * @example
 * ```ts
 * const child = fork("receiver.ts", [], { execArgv: ["--import", "tsx"] });
 * linkOverIpc(peer, child); // and in receiver.ts: linkOverIpc(peer)
 * ```
 */
export function linkOverIpc(peer: Peer, child?: ChildProcess): Subscription {
  const end = child ?? process;
  const onMessage = (message: unknown): void => {
    if (isSignalMessage(message)) void peer.signal(message.signal);
  };
  end.on("message", onMessage);
  const subscription = peer.signal$.subscribe((signal) => end.send?.({ signal }));
  subscription.add(() => end.off("message", onMessage));
  return subscription;
}
