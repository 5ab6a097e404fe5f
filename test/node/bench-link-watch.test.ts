// The memory and files figures send between two processes over a raw channel: a link lost
// part-way ends the measurement at once and says why (the peer's close and errors, the
// remote process's exit), instead of only "readyState is not 'open'" from the channel.
import wrtc from "@roamhq/wrtc";
import { spawn, type ChildProcess } from "node:child_process";
import { filter, firstValueFrom } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { Peer, linkPeers, type WebRTCImplementation } from "../../src/index.js";
import { watchLink } from "../../bench/link-watch.js";

const webrtc = wrtc as unknown as WebRTCImplementation;

describe("bench: a two-process figure's link, watched", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanup.splice(0)) step();
  });

  /** Two connected peers here, and a stand-in for the process at the other end. */
  async function connected(): Promise<{ local: Peer; remote: Peer; child: ChildProcess; channel: RTCDataChannel }> {
    const local = new Peer({ debug: 0, initiator: true, wrtc: webrtc });
    const remote = new Peer({ debug: 0, wrtc: webrtc });
    const link = linkPeers(local, remote);
    const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    cleanup.push(() => {
      link.unsubscribe();
      local.destroy();
      remote.destroy();
      child.kill();
    });
    await Promise.all([local, remote].map((peer) => firstValueFrom(peer.connected$.pipe(filter(Boolean)))));
    const channel = local.channel;
    if (!channel) throw new Error("no data channel");
    return { local, remote, child, channel };
  }

  it("a send after the remote closed says the connection closed, after how much, and why", async () => {
    const { local, remote, child, channel } = await connected();
    const watch = watchLink(local, child);
    const send = watch.send(channel);
    send(new ArrayBuffer(64 * 1024));
    const closed = firstValueFrom(local.close$);
    remote.destroy();
    await closed;
    await expect(watch.lost).rejects.toThrow(/^the connection closed after 0\.1 MiB sent; [\d.]+ s: the peer closed$/);
    expect(() => send(new ArrayBuffer(64 * 1024))).toThrow(/^the connection closed after 0\.1 MiB sent; [\d.]+ s: the peer closed$/);
  });

  it("the remote process going away ends the wait for it, naming its signal", async () => {
    const { local, child } = await connected();
    const watch = watchLink(local, child);
    child.kill("SIGKILL");
    await expect(watch.lost).rejects.toThrow(/^the remote process went away after 0\.0 MiB sent; [\d.]+ s: the remote process exited \(SIGKILL\)$/);
  });
});
