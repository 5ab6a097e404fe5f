// destroy() called from inside each event handler (Observable subscriptions and the
// EventEmitter facade): it must not throw, must emit close$ exactly once, complete every
// Observable and leave nothing open, on the destroying side and on the remote side.
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { linkPeers, type Peer } from "../../src/index.js";
import { mediaStream, videoTrack } from "../support/media.js";
import { allComplete, expectNothingLeft } from "../support/leaks.js";
import { connectedPair, makePeer } from "../support/peers.js";
import { runtimeHasMedia } from "#test-runtime";

// The track specs need media, which node-datachannel does not have: skipped there by design.
const itWithMedia = runtimeHasMedia ? it : it.skip;

interface Watch {
  closes(): number;
  done: Promise<unknown>;
  thrown: unknown[];
}

function watch(peer: Peer): Watch {
  let closes = 0;
  peer.close$.subscribe(() => closes++);
  return { closes: () => closes, done: allComplete(peer), thrown: [] };
}

/** Runs `peer.destroy()` as a handler would, recording anything it throws. */
function destroyFrom(peer: Peer, w: Watch): void {
  try {
    peer.destroy();
  } catch (error) {
    w.thrown.push(error);
  }
}

async function expectClosedOnce(peer: Peer, w: Watch): Promise<void> {
  await w.done;
  expect(w.thrown).to.deep.equal([]);
  expect(w.closes()).to.equal(1);
  expectNothingLeft(peer);
}

describe("destroy() from inside a handler", () => {
  it("signal$: the initiator destroys on its first signal", async () => {
    const a = makePeer({ initiator: true });
    const w = watch(a);
    const seen: unknown[] = [];
    a.signal$.subscribe((signal) => {
      seen.push(signal);
      destroyFrom(a, w);
    });
    await expectClosedOnce(a, w);
    expect(seen).to.have.length(1);
  });

  it("on('signal'): the answerer destroys on its answer; the initiator then never connects and is destroyed cleanly", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const w = watch(b);
    b.on("signal", () => destroyFrom(b, w));
    linkPeers(a, b);
    await expectClosedOnce(b, w);
    expect(a.ready).to.equal(false);
  });

  it("connect$: both sides destroy as they connect", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const wa = watch(a);
    const wb = watch(b);
    a.connect$.subscribe(() => destroyFrom(a, wa));
    b.once("connect", () => destroyFrom(b, wb));
    linkPeers(a, b);
    await expectClosedOnce(a, wa);
    await expectClosedOnce(b, wb);
  });

  it("data$: the receiver destroys on the first of several messages; the sender closes too", async () => {
    const { a, b } = await connectedPair();
    const wa = watch(a);
    const wb = watch(b);
    const received: unknown[] = [];
    b.data$.subscribe((data) => {
      received.push(data);
      destroyFrom(b, wb);
    });
    for (const text of ["one", "two", "three"]) a.send(text);
    await expectClosedOnce(b, wb);
    expect(received).to.deep.equal(["one"]);
    await expectClosedOnce(a, wa);
  });

  it("on('data'): the facade listener destroys, and no later listener call follows", async () => {
    const { a, b } = await connectedPair();
    const wb = watch(b);
    let calls = 0;
    b.on("data", () => {
      calls++;
      destroyFrom(b, wb);
    });
    a.send("one");
    a.send("two");
    await expectClosedOnce(b, wb);
    expect(calls).to.equal(1);
  });

  itWithMedia("track$: the receiver destroys when a remote track arrives", async () => {
    const { a, b } = await connectedPair();
    const wa = watch(a);
    const wb = watch(b);
    b.track$.subscribe(() => destroyFrom(b, wb));
    const track = videoTrack();
    a.addTrack(track, mediaStream(track));
    await expectClosedOnce(b, wb);
    await expectClosedOnce(a, wa);
  });

  itWithMedia("on('track'): the facade listener destroys", async () => {
    const { a, b } = await connectedPair();
    const wb = watch(b);
    b.on("track", () => destroyFrom(b, wb));
    const track = videoTrack();
    a.addTrack(track, mediaStream(track));
    await expectClosedOnce(b, wb);
  });

  it("error$: the peer destroys on its first error", async () => {
    const { b } = await connectedPair();
    const wb = watch(b);
    const errors: unknown[] = [];
    b.error$.subscribe((error) => {
      errors.push(error);
      destroyFrom(b, wb);
    });
    await b.signal("not json");
    await b.signal("still not json");
    await expectClosedOnce(b, wb);
    expect(errors).to.have.length(1);
  });

  it("close$: destroying again from close$ is a no-op", async () => {
    const { a } = await connectedPair();
    const wa = watch(a);
    a.close$.subscribe(() => destroyFrom(a, wa));
    a.on("close", () => destroyFrom(a, wa));
    a.destroy();
    await expectClosedOnce(a, wa);
  });

  it("leaves the remote able to see the close: it closes once as well", async () => {
    const { a, b } = await connectedPair();
    const wb = watch(b);
    const closed = firstValueFrom(b.close$);
    a.connectionState$.subscribe((state) => {
      if (state === "connected") destroyFrom(a, watch(a));
    });
    await closed;
    await expectClosedOnce(b, wb);
  });
});
