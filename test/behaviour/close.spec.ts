// Destroying peers: what each side sees, and that nothing stays open.
import { expect } from "chai";
import { firstValueFrom, lastValueFrom, toArray, merge, map, type Observable } from "rxjs";
import { PeerError, type Peer } from "../../src/index.js";
import { connectedPair, connectionClosed, makePeer } from "../support/peers.js";
import { settlesOnALaterTurn } from "#test-runtime";

function completes(peer: Peer): Promise<string[]> {
  const names = ["signal$", "connect$", "data$", "close$", "error$", "stream$", "removestream$", "track$", "removetrack$", "connected$", "connectionState$"] as const;
  return Promise.all(names.map((name) => lastValueFrom((peer[name] as import("rxjs").Observable<unknown>).pipe(toArray(), map(() => name)))));
}

describe("destroy", () => {
  it("emits close$ once, completes every observable, and is idempotent", async () => {
    const { a } = await connectedPair();
    const closes = firstValueFrom(a.close$.pipe(toArray()));
    const allComplete = completes(a);
    a.destroy();
    a.destroy();
    expect(await closes).to.have.length(1);
    expect(await allComplete).to.have.length(11);
    expect(a.destroyed).to.equal(true);
    expect(a.ready).to.equal(false);
    expect(await firstValueFrom(a.connected$, { defaultValue: "none" })).to.equal("none");
  });

  it("closes the remote side too, which then completes everything", async () => {
    const { a, b } = await connectedPair();
    const remoteClosed = firstValueFrom(b.close$);
    const remoteComplete = completes(b);
    a.destroy();
    await remoteClosed;
    await remoteComplete;
    expect(b.destroyed).to.equal(true);
    expect(b.connection.connectionState).to.equal("closed");
  });

  it("reports no error on either side when one side destroys", async () => {
    const { a, b } = await connectedPair();
    const errors: unknown[] = [];
    a.error$.subscribe((error) => errors.push(error));
    b.error$.subscribe((error) => errors.push(error));
    const remoteClosed = firstValueFrom(b.close$);
    a.destroy();
    await remoteClosed;
    expect(errors).to.deep.equal([]);
  });

  it("closes the connection and channel it owned", async () => {
    const { a } = await connectedPair();
    const channel = a.channel!;
    a.destroy();
    // node-datachannel gets there on a later turn: wait for the channel's close, then the connection's, there.
    if (settlesOnALaterTurn && channel.readyState !== "closed") await new Promise((resolve) => channel.addEventListener("close", resolve, { once: true }));
    if (settlesOnALaterTurn) await connectionClosed(a.connection);
    expect(a.connection.connectionState).to.equal("closed");
    expect(["closing", "closed"]).to.include(channel.readyState);
  });

  it("throws ERR_NOT_CONNECTED when sending after close", async () => {
    const { a, b } = await connectedPair();
    a.destroy();
    expect(() => a.send("late")).to.throw(PeerError).with.property("code", "ERR_NOT_CONNECTED");
    await firstValueFrom(b.close$);
    expect(() => b.send("late")).to.throw(PeerError).with.property("code", "ERR_NOT_CONNECTED");
  });

  it("can be destroyed before it ever connected, and ignores later signals", async () => {
    // error$ has completed by now, so what signal() does is seen in the log (debug 2: errors and warnings).
    const a = makePeer({ initiator: true, debug: 2 });
    const logged: string[] = [];
    const { error, warn } = console;
    console.error = (...args: unknown[]) => void logged.push(`error ${args.join(" ")}`);
    console.warn = (...args: unknown[]) => void logged.push(`warn ${args.join(" ")}`);
    try {
      a.destroy();
      for (const signal of [{ type: "sdp", data: { type: "answer", sdp: "v=0\r\n" } }, "not json", 42]) {
        expect(await a.signal(signal as never)).to.equal(undefined);
      }
    } finally {
      console.error = error;
      console.warn = warn;
    }
    expect(logged).to.deep.equal(Array(3).fill("warn [rxpeer] signal() after destroy: ignored"));
    expect(a.destroyed).to.equal(true);
    if (!settlesOnALaterTurn) expect(a.connection.signalingState).to.equal("closed");
  });

  // Each event's Subject is made at its first subscriber (src/facade.ts): one nobody subscribed
  // to before close must still be complete for a subscriber that comes after.
  for (const how of ["destroy()", "the remote's close"] as const) {
    it(`completes every event, media ones included, for an Observable or listener that comes after ${how}`, async () => {
      const { a, b } = await connectedPair();
      const closing = how === "destroy()" ? a : b;
      const closed = firstValueFrom(closing.close$);
      a.destroy();
      await closed;
      const streams = ["connect$", "data$", "close$", "error$", "stream$", "removestream$", "track$", "removetrack$", "replacetrack$"] as const;
      for (const name of streams) {
        const seen: string[] = [];
        (closing[name] as Observable<unknown>).subscribe({ next: () => seen.push("next"), complete: () => seen.push("complete") });
        expect(seen, `${name} subscribed after ${how}`).to.deep.equal(["complete"]);
      }
      const called: string[] = [];
      for (const event of ["track", "stream", "removetrack", "removestream", "replacetrack", "error", "data", "connect", "close"] as const) {
        closing.on(event, () => called.push(event));
        // The listener's subscription completed at once, which forgets it.
        expect(closing.listenerCount(event), `${event} listeners after ${how}`).to.equal(0);
      }
      expect(called).to.deep.equal([]);
    });
  }

  it("completes observables subscribed after destroy at once, replaying nothing", async () => {
    const a = makePeer();
    a.destroy();
    const values = await lastValueFrom(merge(a.data$, a.close$, a.connect$).pipe(toArray()));
    expect(values).to.deep.equal([]);
  });
});
