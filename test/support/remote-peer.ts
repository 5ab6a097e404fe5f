// The parent side of test/support/remote-peer-process.ts: a remote Peer in a child Node
// process, signaled over IPC, that a test can SIGKILL, make exit, or drive (Node only).
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Peer } from "../../src/index.js";
import type { ParentMessage } from "./remote-peer-process.js";
import type { NodeRuntime } from "./runtime.node.js";

const program = fileURLToPath(new URL("./remote-peer-process.ts", import.meta.url));

/** A remote peer in a child process, wired to a local peer. */
export interface RemotePeer {
  child: ChildProcess;
  /** Resolves when the remote peer reports connect$. */
  connected: Promise<void>;
  /** Resolves when the remote peer reports close$. */
  closed: Promise<void>;
  /** Resolves with the signal that ended the process, or its exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** Messages the remote peer received on data$. */
  received: string[];
  /** Sends a command to the remote process (see remote-peer-process.ts). */
  command(message: Omit<ParentMessage, "signal">): void;
}

/**
 * Starts a remote peer in a child process and wires it to `local` through IPC: the local
 * signals go to the child while it lives, the child's signals go to `local.signal()`.
 */
export function spawnRemotePeer(local: Peer, options: { initiator?: boolean; runtime?: NodeRuntime } = {}): RemotePeer {
  const args = [...(options.initiator ? ["--initiator"] : []), ...(options.runtime === "node-datachannel" ? ["--node-datachannel"] : [])];
  // tsx runs the TypeScript program; the child gets none of vitest's own flags.
  const child = fork(program, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const received: string[] = [];
  let onConnect: () => void = () => undefined;
  let onClose: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnect = resolve));
  const closed = new Promise<void>((resolve) => (onClose = resolve));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  child.on("message", (message: { signal?: unknown; event?: string; data?: string }) => {
    if (message.signal !== undefined) void local.signal(message.signal as string);
    if (message.event === "connect") onConnect();
    if (message.event === "close") onClose();
    if (message.event === "data" && message.data !== undefined) received.push(message.data);
  });
  // Once the child is gone its IPC channel is closed: signals made after that go nowhere,
  // as they would to a crashed remote.
  const signals = local.signal$.subscribe((signal) => {
    if (child.connected) child.send({ signal });
  });
  child.once("exit", () => signals.unsubscribe());
  return {
    child,
    connected,
    closed,
    exited,
    received,
    command: (message) => {
      if (child.connected) child.send(message);
    },
  };
}
