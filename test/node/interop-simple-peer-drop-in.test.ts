// rxpeer/simple-peer against a real simple-peer 9.11.1 on @roamhq/wrtc, in both roles,
// with real media: data both ways, a negotiated channel, tracks added, removed and
// replaced, and renegotiation glare with a simple-peer initiator (which has no glare
// handling of its own). Signals go straight across, as between two simple-peers.
import { afterEach, describe, expect, it } from "vitest";
import RealSimplePeer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import DropIn, { type SimplePeerOptions } from "../../simple-peer/index.js";
import { framesArrive, mediaStream, videoTrack } from "../support/media.js";

type AnyPeer = RealSimplePeer.Instance | DropIn;
interface Pair {
  drop: DropIn;
  real: RealSimplePeer.Instance;
  errors: string[];
  failure: Promise<never>;
}

const loopbackOnly: RTCConfiguration = { iceServers: [] };
const live: AnyPeer[] = [];
afterEach(() => {
  for (const peer of live.splice(0)) peer.destroy();
});

function makePair(dropInitiates: boolean, options: SimplePeerOptions = {}): Pair {
  const drop = new DropIn({ initiator: dropInitiates, wrtc: wrtc as SimplePeerOptions["wrtc"], ...options });
  const real = new RealSimplePeer({ initiator: !dropInitiates, wrtc: wrtc as RealSimplePeer.Options["wrtc"], config: loopbackOnly, ...(options as RealSimplePeer.Options) });
  live.push(drop, real);
  const errors: string[] = [];
  let fail: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (fail = reject));
  failure.catch(() => undefined);
  for (const [name, peer] of [["rxpeer/simple-peer", drop], ["simple-peer", real]] as const) {
    peer.on("error", (error: Error & { code?: string }) => {
      errors.push(`${name}: ${error.code} ${error.message}`);
      fail(new Error(`${name} error ${error.code}: ${error.message}`));
    });
  }
  drop.on("signal", (data: RealSimplePeer.SignalData) => !real.destroyed && real.signal(data));
  real.on("signal", (data: RealSimplePeer.SignalData) => !drop.destroyed && drop.signal(data));
  return { drop, real, errors, failure };
}

function until<T>(pair: Pair, promise: Promise<T>): Promise<T> {
  return Promise.race([promise, pair.failure]);
}

function event<T extends unknown[]>(peer: AnyPeer, name: string): Promise<T> {
  return new Promise((resolve) => (peer as DropIn).once(name, (...args: T) => resolve(args)));
}

async function connectedPair(dropInitiates: boolean, options: SimplePeerOptions = {}): Promise<Pair> {
  const pair = makePair(dropInitiates, options);
  await until(pair, Promise.all([event(pair.drop, "connect"), event(pair.real, "connect")]));
  return pair;
}

/** The track `peer` receives next, once its frames of `width` arrive. */
async function receivesVideo(pair: Pair, peer: AnyPeer, width: number): Promise<MediaStreamTrack> {
  const [track] = await until(pair, event<[MediaStreamTrack, MediaStream]>(peer, "track"));
  await until(pair, framesArrive(pair.drop.rx, track, { width }));
  return track;
}

describe.each([
  { roles: "rxpeer/simple-peer initiates, simple-peer answers", dropInitiates: true },
  { roles: "simple-peer initiates, rxpeer/simple-peer answers", dropInitiates: false },
])("rxpeer/simple-peer and simple-peer 9.11.1: $roles", ({ dropInitiates }) => {
  it("carries text and binary both ways, as Buffers on both sides", async () => {
    const pair = await connectedPair(dropInitiates);
    const atReal = event<[Buffer]>(pair.real, "data");
    pair.drop.send("to simple-peer");
    expect((await until(pair, atReal))[0].toString()).toBe("to simple-peer");
    const atDrop = event<[Buffer]>(pair.drop, "data");
    pair.real.send(Buffer.from([1, 2, 3]));
    const [bytes] = await until(pair, atDrop);
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(pair.errors).toEqual([]);
  });

  it("a negotiated channel connects", async () => {
    const pair = await connectedPair(dropInitiates, { channelConfig: { negotiated: true, id: 2 } });
    const atReal = event<[Buffer]>(pair.real, "data");
    pair.drop.send("negotiated");
    expect((await until(pair, atReal))[0].toString()).toBe("negotiated");
  });

  it("media: each side adds a track (one after the other), frames flow; replaceTrack swaps the source; removeTrack is negotiated", async () => {
    const pair = await connectedPair(dropInitiates);
    const { drop, real } = pair;
    const mine = videoTrack(96, 72);
    const stream = mediaStream(mine);
    const atReal = receivesVideo(pair, real, 96);
    drop.addTrack(mine, stream);
    const remoteAtReal = await atReal;

    const theirs = videoTrack(64, 48);
    const atDrop = receivesVideo(pair, drop, 64);
    real.addTrack(theirs, mediaStream(theirs));
    await atDrop;

    const replacement = videoTrack(80, 60);
    drop.replaceTrack(mine, replacement, stream);
    await until(pair, framesArrive(drop.rx, remoteAtReal, { width: 80 }));

    // simple-peer has no removal event: the removal shows as its receiving transceiver no longer receiving.
    const negotiated = event(real, "negotiated");
    drop.removeTrack(mine, stream); // the name it was added under still works after replaceTrack
    await until(pair, negotiated);
    const receiving = (real as unknown as { _pc: RTCPeerConnection })._pc.getTransceivers().find((t) => t.receiver.track === remoteAtReal);
    expect(receiving?.currentDirection).toMatch(/^(inactive|sendonly)$/);
    expect(pair.errors).toEqual([]);
  });
});

describe("rxpeer/simple-peer answering a simple-peer initiator: glare", () => {
  it("both add a track at the same moment, twice: both receive both, and no error on either side", async () => {
    const pair = await connectedPair(false);
    const { drop, real } = pair;
    const offersFromDrop: string[] = [];
    drop.on("signal", (data: { type?: string }) => data.type === "offer" && offersFromDrop.push("offer"));
    for (const [dropWidth, realWidth] of [[96, 64], [80, 48]] as const) {
      const atDrop = receivesVideo(pair, drop, realWidth);
      const atReal = receivesVideo(pair, real, dropWidth);
      const mine = videoTrack(dropWidth, 72);
      const theirs = videoTrack(realWidth, 48);
      drop.addStream(mediaStream(mine));
      real.addStream(mediaStream(theirs));
      await Promise.all([atDrop, atReal]);
    }
    expect(offersFromDrop).toEqual([]);
    expect(pair.errors).toEqual([]);
  });
});
