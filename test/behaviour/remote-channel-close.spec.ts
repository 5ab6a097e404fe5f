// The remote closes only its data channel (peer.channel.close(), not destroy()): both
// peers must close cleanly, with no error, close$ once each, and nothing left open.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import type { Peer, PeerError } from "../../src/index.js";
import { allComplete, expectNothingLeft } from "../support/leaks.js";
import { connectedPair } from "../support/peers.js";
import { runtimeName } from "#test-runtime";

function observe(peer: Peer): { closes: () => number; errors: PeerError[]; done: Promise<unknown> } {
  let closes = 0;
  const errors: PeerError[] = [];
  peer.close$.subscribe(() => closes++);
  peer.error$.subscribe((error) => errors.push(error));
  return { closes: () => closes, errors, done: allComplete(peer) };
}

describe("the remote closes only its data channel", () => {
  for (const closer of ["initiator", "answerer"] as const) {
    it(`closed by the ${closer}: both peers close once, with no error`, async () => {
      const { a, b } = await connectedPair();
      const [remote, local] = closer === "initiator" ? [a, b] : [b, a];
      const seenLocal = observe(local);
      const seenRemote = observe(remote);
      const localChannel = local.channel;
      const remoteChannel = remote.channel;
      expect(remoteChannel).to.not.equal(undefined);
      remoteChannel?.close();
      await Promise.all([seenLocal.done, seenRemote.done]);
      for (const seen of [seenLocal, seenRemote]) {
        expect(seen.closes()).to.equal(1);
        expect(seen.errors).to.deep.equal([]);
      }
      expectNothingLeft(local, localChannel);
      expectNothingLeft(remote, remoteChannel);
    });
  }

  it("messages sent before the close arrive before close$", async () => {
    const { a, b } = await connectedPair();
    const received: unknown[] = [];
    b.data$.subscribe((data) => received.push(data));
    const closed = firstValueFrom(b.close$);
    for (let i = 0; i < 20; i++) a.send(`m${i}`);
    a.channel?.close();
    await closed;
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    // node-datachannel's channel.close() drops what it still had queued (a runtime quirk, see
    // docs/runtimes.md): there, what did arrive must still be in order, none twice.
    if (runtimeName === "node-datachannel") expect(received).to.deep.equal(sent.slice(0, received.length));
    else expect(received).to.deep.equal(sent);
  });
});
