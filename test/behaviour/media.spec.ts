// Media between two real peers, with frames really flowing: adding and removing
// tracks before and after connect, glare, replaceTrack, stats, misuse, and destroy
// mid-renegotiation. The data channel must keep every message throughout.
import { expect } from "chai";
import { filter, firstValueFrom, take, toArray } from "rxjs";
import { PeerError, linkPeers, type Peer, type PeerTrackEvent } from "../../src/index.js";
import { runtimeHasMedia, wrtc } from "#test-runtime";
import { chatter } from "../support/chatter.js";
import { audioTrack, framesArrive, mediaStream, videoTrack } from "../support/media.js";
import { connected, connectedPair, makePeer } from "../support/peers.js";

function nextTrack(peer: Peer): Promise<PeerTrackEvent> {
  return firstValueFrom(peer.track$);
}

function stable(peer: Peer): Promise<void> {
  const pc = peer.connection;
  if (pc.signalingState === "stable") return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = (): void => {
      if (pc.signalingState !== "stable") return;
      pc.removeEventListener("signalingstatechange", onChange);
      resolve();
    };
    pc.addEventListener("signalingstatechange", onChange);
  });
}

function descriptionsSent(peer: Peer): () => number {
  let count = 0;
  const subscription = peer.signal$.pipe(filter((signal) => signal.type === "sdp")).subscribe(() => count++);
  peer.close$.subscribe(() => subscription.unsubscribe());
  return () => count;
}

async function expectPeerError(action: () => unknown, code: string): Promise<PeerError> {
  try {
    await action();
  } catch (error) {
    expect(error).to.be.instanceOf(PeerError);
    expect((error as PeerError).code).to.equal(code);
    expect((error as PeerError).message).to.be.a("string").and.not.equal("");
    return error as PeerError;
  }
  throw new Error(`expected a PeerError ${code}, nothing was thrown`);
}

function allArrived({ sent, received }: { sent: string[]; received: string[] }): void {
  expect(sent.length).to.be.greaterThan(0);
  expect(received).to.deep.equal(sent);
}

// node-datachannel has no media: there the specs skip by design (test/node/node-datachannel.test.ts
// checks that media calls refuse with ERR_WEBRTC_SUPPORT instead).
(runtimeHasMedia ? describe : describe.skip)("media", () => {
  it("a stream added by the initiator after connect arrives, stream$ before track$, and its frames flow", async () => {
    const { a, b } = await connectedPair();
    const talk = chatter(a, b);
    const order: string[] = [];
    b.stream$.subscribe(() => order.push("stream"));
    b.track$.subscribe(() => order.push("track"));
    const facade = new Promise<[MediaStreamTrack, MediaStream]>((resolve) => b.once("track", (track, stream) => resolve([track, stream])));
    const video = videoTrack();
    const sent = mediaStream(video);
    const arrived = nextTrack(b);
    a.addStream(sent);
    const { track, stream } = await arrived;
    expect(track.kind).to.equal("video");
    expect(stream.getTracks()).to.include(track);
    expect(stream.id).to.equal(sent.id);
    // Identity, not deep equality: deep-equal finds a runtime's track and stream objects alike.
    const [heardTrack, heardStream] = await facade;
    expect(heardTrack).to.equal(track);
    expect(heardStream).to.equal(stream);
    expect(order).to.deep.equal(["stream", "track"]);
    await framesArrive(b, track);
    allArrived(await talk.finish());
  });

  it("a track added by the answerer after connect arrives at the initiator", async () => {
    const { a, b } = await connectedPair();
    const talk = chatter(b, a);
    const video = videoTrack();
    const arrived = nextTrack(a);
    b.addTrack(video, mediaStream(video));
    const { track } = await arrived;
    await framesArrive(a, track);
    allArrived(await talk.finish());
  });

  it("both sides adding at the same moment (glare) converges, twice, with media flowing both ways", async () => {
    const { a, b } = await connectedPair();
    const talkAB = chatter(a, b, "ab");
    const talkBA = chatter(b, a, "ba");
    for (let round = 0; round < 2; round++) {
      const [videoA, videoB] = [videoTrack(), videoTrack()];
      const atB = nextTrack(b);
      const atA = nextTrack(a);
      a.addTrack(videoA, mediaStream(videoA));
      b.addTrack(videoB, mediaStream(videoB));
      const [fromA, fromB] = await Promise.all([atB, atA]);
      await Promise.all([framesArrive(b, fromA.track), framesArrive(a, fromB.track)]);
    }
    await Promise.all([stable(a), stable(b)]);
    allArrived(await talkAB.finish());
    allArrived(await talkBA.finish());
  });

  it("add, remove, add again: removetrack and removestream on removal, stream$ and track$ again on re-adding", async () => {
    const { a, b } = await connectedPair();
    const talk = chatter(a, b);
    const video = videoTrack();
    const sent = mediaStream(video);

    const firstArrival = nextTrack(b);
    a.addStream(sent);
    const first = await firstArrival;
    await framesArrive(b, first.track);

    const removedTrack = firstValueFrom(b.removetrack$);
    const removedStream = firstValueFrom(b.removestream$);
    const facadeRemoved = new Promise<[MediaStreamTrack, MediaStream]>((resolve) => b.once("removetrack", (track, stream) => resolve([track, stream])));
    a.removeStream(sent);
    expect(await removedTrack).to.deep.equal(first);
    expect(await removedStream).to.equal(first.stream);
    expect(await facadeRemoved).to.deep.equal([first.track, first.stream]);
    expect(first.stream.getTracks()).to.not.include(first.track);

    const streamAgain = firstValueFrom(b.stream$);
    const secondArrival = nextTrack(b);
    a.addStream(sent);
    const second = await secondArrival;
    expect((await streamAgain).id).to.equal(sent.id);
    expect(second.track).to.not.equal(first.track);
    await framesArrive(b, second.track);
    allArrived(await talk.finish());
  });

  it("removing a stream's tracks one by one: removetrack each time, removestream only with the last", async () => {
    const { a, b } = await connectedPair();
    const talk = chatter(a, b);
    const video = videoTrack();
    const audio = await audioTrack();
    const sent = mediaStream(video, audio);
    const streams: MediaStream[] = [];
    b.stream$.subscribe((stream) => streams.push(stream));
    const removedStreams: MediaStream[] = [];
    b.removestream$.subscribe((stream) => removedStreams.push(stream));

    const arrivals = firstValueFrom(b.track$.pipe(take(2), toArray()));
    a.addStream(sent);
    const received = await arrivals;
    expect(streams).to.have.length(1);
    expect(received.map((event) => event.stream)).to.deep.equal([streams[0], streams[0]]);
    expect(received.map((event) => event.track.kind).sort()).to.deep.equal(["audio", "video"]);
    await Promise.all(received.map((event) => framesArrive(b, event.track)));

    const audioRemoved = firstValueFrom(b.removetrack$);
    a.removeTrack(audio);
    expect((await audioRemoved).track.kind).to.equal("audio");
    expect(removedStreams).to.deep.equal([]);

    const videoRemoved = firstValueFrom(b.removetrack$);
    const streamRemoved = firstValueFrom(b.removestream$);
    a.removeTrack(video);
    expect((await videoRemoved).track.kind).to.equal("video");
    expect(await streamRemoved).to.equal(streams[0]);
    expect(removedStreams).to.have.length(1);
    allArrived(await talk.finish());
  });

  it("removeStream removes a whole stream at once: a removetrack per track, then one removestream", async () => {
    const { a, b } = await connectedPair();
    const sent = mediaStream(videoTrack(), await audioTrack());
    const arrivals = firstValueFrom(b.track$.pipe(take(2), toArray()));
    a.addStream(sent);
    const received = await arrivals;

    const events: string[] = [];
    b.removetrack$.subscribe(({ track }) => events.push(`removetrack:${track.kind}`));
    const streamRemoved = firstValueFrom(b.removestream$);
    b.removestream$.subscribe(() => events.push("removestream"));
    a.removeStream(sent);
    expect(await streamRemoved).to.equal(received[0]?.stream);
    expect(events).to.have.length(3);
    expect(events.slice(0, 2).sort()).to.deep.equal(["removetrack:audio", "removetrack:video"]);
    expect(events[2]).to.equal("removestream");
  });

  it("a remote track sent without a stream arrives in a MediaStream of its own, and its removal emits removestream", async () => {
    const { a, b } = await connectedPair();
    const video = videoTrack();
    const streamArrived = firstValueFrom(b.stream$);
    const arrived = nextTrack(b);
    const sender = a.connection.addTrack(video);
    const { track, stream } = await arrived;
    expect(await streamArrived).to.equal(stream);
    expect(stream).to.be.instanceOf(wrtc?.MediaStream ?? MediaStream);
    expect(stream.getTracks()).to.deep.equal([track]);
    await framesArrive(b, track);

    const removed = firstValueFrom(b.removestream$);
    a.connection.removeTrack(sender);
    expect(await removed).to.equal(stream);
  });

  it("replaceTrack swaps the sent track without renegotiating: the same remote track carries the new frames", async () => {
    const { a, b } = await connectedPair();
    const talk = chatter(a, b);
    const small = videoTrack(64, 48);
    const arrived = nextTrack(b);
    a.addStream(mediaStream(small));
    const { track } = await arrived;
    await framesArrive(b, track, { width: 64 });
    await Promise.all([stable(a), stable(b)]);

    const offersA = descriptionsSent(a);
    const offersB = descriptionsSent(b);
    const tracksSeen: PeerTrackEvent[] = [];
    b.track$.subscribe((event) => tracksSeen.push(event));
    const large = videoTrack(128, 96);
    await a.replaceTrack(small, large);
    small.stop();
    await framesArrive(b, track, { width: 128 });
    expect(offersA() + offersB()).to.equal(0);
    expect(tracksSeen).to.deep.equal([]);
    expect(a.connection.getSenders().map((sender) => sender.track)).to.include(large);
    // The new track is now the sent one: replacing or removing it works, the old one is refused.
    expect((await expectPeerError(() => a.replaceTrack(small, large), "ERR_MEDIA")).message).to.match(/not being sent/);
    expect((await expectPeerError(() => a.removeTrack(small), "ERR_MEDIA")).message).to.match(/never added/);
    const removed = firstValueFrom(b.removetrack$);
    a.removeTrack(large);
    expect((await removed).track).to.equal(track);
    allArrived(await talk.finish());
  });

  it("misuse is a clear PeerError ERR_MEDIA, and a refused addStream adds nothing", async () => {
    const a = makePeer({ initiator: true });
    const [one, two, three] = [videoTrack(), videoTrack(), await audioTrack()];
    const stream = mediaStream(one);
    a.addTrack(one, stream);
    expect((await expectPeerError(() => a.addTrack(one, stream), "ERR_MEDIA")).message).to.match(/already/);
    await expectPeerError(() => a.addStream(mediaStream(two, one)), "ERR_MEDIA");
    expect(a.connection.getSenders().filter((sender) => sender.track === two)).to.deep.equal([]);
    expect((await expectPeerError(() => a.removeTrack(two), "ERR_MEDIA")).message).to.match(/never added/);
    await expectPeerError(() => a.removeStream(mediaStream(two)), "ERR_MEDIA");
    expect((await expectPeerError(() => a.replaceTrack(two, three), "ERR_MEDIA")).message).to.match(/not being sent/);
    await expectPeerError(() => a.replaceTrack(one, three), "ERR_MEDIA");
    a.addTrack(two, stream);
    await expectPeerError(() => a.replaceTrack(one, two), "ERR_MEDIA");
    // The peer is still usable: the refused calls changed nothing.
    a.removeTrack(one);
    a.removeStream(stream);
    await expectPeerError(() => a.removeTrack(two), "ERR_MEDIA");
  });

  it("after destroy: adding or replacing is ERR_PEER_CLOSED, removing is a quiet no-op, getStats rejects", async () => {
    const a = makePeer({ initiator: true });
    const video = videoTrack();
    const stream = mediaStream(video);
    a.addStream(stream);
    a.destroy();
    await expectPeerError(() => a.addTrack(videoTrack(), stream), "ERR_PEER_CLOSED");
    await expectPeerError(() => a.addStream(mediaStream(videoTrack())), "ERR_PEER_CLOSED");
    await expectPeerError(() => a.replaceTrack(video, videoTrack()), "ERR_PEER_CLOSED");
    await expectPeerError(() => a.getStats(), "ERR_PEER_CLOSED");
    a.removeTrack(video);
    a.removeStream(stream);
  });

  it("media added by the initiator before connect arrives once connected", async () => {
    const a = makePeer({ initiator: true });
    const video = videoTrack();
    a.addStream(mediaStream(video));
    const b = makePeer();
    const arrived = nextTrack(b);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    const talk = chatter(a, b);
    const { track } = await arrived;
    await framesArrive(b, track);
    allArrived(await talk.finish());
  });

  it("media added by both sides before they are linked arrives on both", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const [videoA, videoB] = [videoTrack(), videoTrack()];
    a.addStream(mediaStream(videoA));
    b.addStream(mediaStream(videoB));
    const atA = nextTrack(a);
    const atB = nextTrack(b);
    linkPeers(a, b);
    await Promise.all([connected(a), connected(b)]);
    // The answerer's own offer lost the glare with the first one: it may renegotiate now.
    const talk = chatter(b, a);
    const [fromB, fromA] = await Promise.all([atA, atB]);
    await Promise.all([framesArrive(a, fromB.track), framesArrive(b, fromA.track)]);
    await Promise.all([stable(a), stable(b)]);
    allArrived(await talk.finish());
  });

  it("getStats returns the RTCStatsReport; the receiver's inbound-rtp bytesReceived grows", async () => {
    const { a, b } = await connectedPair();
    const arrived = nextTrack(b);
    a.addStream(mediaStream(videoTrack()));
    const { track } = await arrived;
    await framesArrive(b, track);
    const inboundBytes = async (): Promise<number> => {
      const report = await b.getStats();
      expect(report.get).to.be.a("function");
      let bytes = 0;
      report.forEach((stats: { type: string; kind?: string; bytesReceived?: number }) => {
        if (stats.type === "inbound-rtp" && stats.kind === "video") bytes += stats.bytesReceived ?? 0;
      });
      return bytes;
    };
    const before = await inboundBytes();
    expect(before).to.be.greaterThan(0);
    await framesArrive(b, track, { frames: 5 });
    expect(await inboundBytes()).to.be.greaterThan(before);
  });

  describe("destroy while renegotiating", () => {
    async function closedCleanly(a: Peer, b: Peer, errors: PeerError[]): Promise<void> {
      await Promise.all([firstValueFrom(a.close$, { defaultValue: undefined }), firstValueFrom(b.close$, { defaultValue: undefined })]);
      for (const peer of [a, b]) {
        expect(peer.destroyed).to.equal(true);
        expect(peer.ready).to.equal(false);
        expect(peer.connection.connectionState).to.equal("closed");
        expect(peer.connection.signalingState).to.equal("closed");
      }
      expect(errors.map((error) => `${error.code}: ${error.message}`).join("; ")).to.equal("");
    }

    function collectErrors(...peers: Peer[]): PeerError[] {
      const errors: PeerError[] = [];
      for (const peer of peers) peer.error$.subscribe((error) => errors.push(error));
      return errors;
    }

    it("the offerer destroyed with its offer in flight: both sides close, no error", async () => {
      const { a, b } = await connectedPair();
      const errors = collectErrors(a, b);
      const offered = firstValueFrom(a.signal$.pipe(filter((signal) => signal.type === "sdp")));
      a.addStream(mediaStream(videoTrack()));
      await offered;
      a.destroy();
      await closedCleanly(a, b, errors);
    });

    it("the answerer destroyed while applying the offer: both sides close, no error", async () => {
      const { a, b } = await connectedPair();
      const errors = collectErrors(a, b);
      b.track$.subscribe(() => b.destroy());
      a.addStream(mediaStream(videoTrack()));
      await closedCleanly(a, b, errors);
    });
  });
});
