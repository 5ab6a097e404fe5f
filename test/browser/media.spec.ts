// Media in the browser (Chromium, Firefox) with the sources a browser app uses: the fake camera
// and microphone from getUserMedia (Karma starts Chromium with --use-fake-device-for-media-stream,
// Firefox with the pref media.navigator.streams.fake) and a
// canvas captureStream(). The receiver's getStats() must show RTP arriving. The cases
// shared with Node are in test/behaviour/media.spec.ts.
import { expect } from "chai";
import { filter, firstValueFrom, take, toArray } from "rxjs";
import type { Peer } from "../../src/index.js";
import { framesArrive, videoTrack } from "../support/media.js";
import { connectedPair } from "../support/peers.js";
import { runtimeName } from "#test-runtime";

const cameraTracks = new Set<MediaStreamTrack>();

afterEach(() => {
  for (const track of cameraTracks) track.stop();
  cameraTracks.clear();
});

async function fakeCameraAndMicrophone(): Promise<MediaStream> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
  for (const track of stream.getTracks()) cameraTracks.add(track);
  return stream;
}

/** inbound-rtp bytesReceived per kind, from the peer's getStats(). */
async function inboundBytes(peer: Peer): Promise<Record<string, number>> {
  const bytes: Record<string, number> = {};
  (await peer.getStats()).forEach((stats: { type: string; kind?: string; bytesReceived?: number }) => {
    if (stats.type === "inbound-rtp" && stats.kind) bytes[stats.kind] = (bytes[stats.kind] ?? 0) + (stats.bytesReceived ?? 0);
  });
  return bytes;
}

/** Polls getStats() until inbound bytes of every kind in `kinds` grew past `from`; fails after 15 s. */
async function bytesGrow(peer: Peer, kinds: string[], from: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await inboundBytes(peer);
    if (kinds.every((kind) => (now[kind] ?? 0) > (from[kind] ?? 0))) return now;
    if (Date.now() > deadline) throw new Error(`inbound-rtp bytes did not grow: from ${JSON.stringify(from)} to ${JSON.stringify(now)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`media in ${runtimeName} (fake devices, canvas)`, () => {
  it("the fake camera and microphone reach the other peer as one stream; its inbound-rtp bytesReceived grows for both", async () => {
    const { a, b } = await connectedPair();
    const local = await fakeCameraAndMicrophone();
    const arrivals = firstValueFrom(b.track$.pipe(take(2), toArray()));
    a.addStream(local);
    const received = await arrivals;
    expect(received.map(({ track }) => track.kind).sort()).to.deep.equal(["audio", "video"]);
    expect(received[0]?.stream).to.equal(received[1]?.stream);
    expect(received[0]?.stream.id).to.equal(local.id);

    const first = await bytesGrow(b, ["audio", "video"], {});
    const later = await bytesGrow(b, ["audio", "video"], first);
    expect(later["video"]).to.be.greaterThan(first["video"] ?? 0);
    expect(later["audio"]).to.be.greaterThan(first["audio"] ?? 0);
  });

  it("switching the camera to a canvas capture with replaceTrack: the receiver decodes the canvas's frames, with no new offer", async () => {
    const { a, b } = await connectedPair();
    const local = await fakeCameraAndMicrophone();
    const [camera] = local.getVideoTracks();
    if (!camera) throw new Error("no fake camera track");
    const video = firstValueFrom(b.track$.pipe(filter(({ track }) => track.kind === "video")));
    a.addStream(local);
    const { track } = await video;
    await framesArrive(b, track, { width: 320 });

    let offers = 0;
    a.signal$.pipe(filter((signal) => signal.type === "sdp")).subscribe(() => offers++);
    const canvas = videoTrack(200, 150);
    await a.replaceTrack(camera, canvas);
    camera.stop();
    await framesArrive(b, track, { width: 200 });
    expect(offers).to.equal(0);
  });
});
