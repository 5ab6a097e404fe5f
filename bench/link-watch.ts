/**
 * For the figures that send between two processes (memory, files): what happened to the
 * connection, so a transfer that stops part-way says why instead of only "readyState is
 * not 'open'" from the channel. Everything is taken from events as they come; nothing is
 * read per send (on @roamhq/wrtc each `readyState` read is a blocking cross-thread call,
 * which the raw floor must not pay).
 */
import type { ChildProcess } from "node:child_process";
import type { Peer } from "../src/index.js";

export interface LinkWatch {
  /**
   * Rejects once the peer closes or the remote process exits (for a race with the transfer's
   * end), saying what is known of why: the peer's errors, its close, the remote's exit.
   */
  readonly lost: Promise<never>;
  /**
   * A `send` for the raw loops: the channel's own, which throws, saying the same, once the
   * peer has closed or the channel refuses the message, and counts what it sent.
   */
  send(channel: RTCDataChannel): (data: ArrayBuffer | Uint8Array<ArrayBuffer>) => void;
}

const MiB = 1024 * 1024;

/**
 * Watches `peer` and the `remote` process at the other end of its connection.
 *
 * @example
 * ```ts
 * const watch = watchLink(peer, receiver);
 * await sendWithBackpressure(channel, watch.send(channel), pieces, marks);
 * ```
 */
export function watchLink(peer: Peer, remote: ChildProcess): LinkWatch {
  const started = performance.now();
  const events: string[] = [];
  const at = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  let closed = false;
  let sent = 0;
  let lose: (reason: Error) => void = () => undefined;
  const lost = new Promise<never>((_, reject) => (lose = reject));
  // Nobody may be racing it when the link goes at the end of a figure, as it does.
  lost.catch(() => undefined);
  const why = (): string => `after ${(sent / MiB).toFixed(1)} MiB sent; ${events.length ? events.join("; ") : "no error, close or exit seen"}`;
  peer.error$.subscribe((error) => events.push(`${at()}: ${error.code} ${error.message}`));
  peer.close$.subscribe(() => {
    closed = true;
    events.push(`${at()}: the peer closed`);
    lose(new Error(`the connection closed ${why()}`));
  });
  remote.on("exit", (code, signal) => {
    events.push(`${at()}: the remote process exited (${signal ?? `code ${code}`})`);
    lose(new Error(`the remote process went away ${why()}`));
  });
  return {
    lost,
    send: (channel) => {
      // Its overloads differ per type of message: one signature for both raw loops' messages.
      const native = channel.send.bind(channel) as (data: ArrayBuffer | Uint8Array<ArrayBuffer>) => void;
      return (data) => {
        if (closed) throw new Error(`the connection closed ${why()}`);
        try {
          native(data);
        } catch (err) {
          throw new Error(`${err instanceof Error ? err.message : String(err)} ${why()}`);
        }
        sent += data.byteLength;
      };
    },
  };
}
