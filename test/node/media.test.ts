// Media on Node (@roamhq/wrtc) at the level only its sinks show: the frames and audio
// samples pushed into nonstandard sources on one side come out of the sinks on the
// other with the same format, through a Peer pair, while the stream is swapped and
// removed. The cases shared with Chromium are in test/behaviour/media.spec.ts.
import { describe, expect, it } from "vitest";
import { firstValueFrom, take, toArray } from "rxjs";
import wrtc from "@roamhq/wrtc";
import type { PeerTrackEvent } from "../../src/index.js";
import { connectedPair } from "../support/peers.js";

type Cleanup = () => void;

/** Pushes `width`×`height` I420 frames every 30 ms until cleaned up. */
function pushVideo(width: number, height: number, cleanups: Cleanup[]): MediaStreamTrack {
  const source = new wrtc.nonstandard.RTCVideoSource();
  const data = new Uint8Array(width * height * 1.5);
  const timer = setInterval(() => source.onFrame({ width, height, data }), 30);
  const track = source.createTrack();
  cleanups.push(() => clearInterval(timer), () => track.stop());
  return track;
}

/** Pushes 10 ms of mono 16-bit audio at `sampleRate` every 10 ms until cleaned up. */
function pushAudio(sampleRate: number, cleanups: Cleanup[]): MediaStreamTrack {
  const source = new wrtc.nonstandard.RTCAudioSource();
  const samples = new Int16Array(sampleRate / 100).map((_, i) => Math.round(6000 * Math.sin(i / 4)));
  const timer = setInterval(() => source.onData({ samples, sampleRate }), 10);
  const track = source.createTrack();
  cleanups.push(() => clearInterval(timer), () => track.stop());
  return track;
}

interface VideoFrameEvent extends Event { frame: { width: number; height: number; data: Uint8Array } }
interface AudioDataEvent extends Event { sampleRate: number; channelCount: number; samples: Int16Array }

/** The next `count` events of a sink on `track` whose `accept` holds. */
function fromSink<E extends Event>(track: MediaStreamTrack, count: number, accept: (event: E) => boolean, cleanups: Cleanup[]): Promise<E[]> {
  const sink = track.kind === "video" ? new wrtc.nonstandard.RTCVideoSink(track) : new wrtc.nonstandard.RTCAudioSink(track);
  cleanups.push(() => sink.stop());
  const seen: E[] = [];
  return new Promise((resolve) => {
    const handler = (event: Event): void => {
      if (!accept(event as E) || seen.push(event as E) < count) return;
      sink.stop();
      resolve(seen);
    };
    // The sinks' handler properties are not visible to `in`: pick by kind.
    if (track.kind === "video") (sink as { onframe: (event: Event) => void }).onframe = handler;
    else (sink as { ondata: (event: Event) => void }).ondata = handler;
  });
}

describe("media on Node (@roamhq/wrtc sources and sinks)", () => {
  it("video frames and audio samples pushed on one side come out of the other side's sinks in the same format", async () => {
    const cleanups: Cleanup[] = [];
    try {
      const { a, b } = await connectedPair();
      const video = pushVideo(160, 120, cleanups);
      const audio = pushAudio(48_000, cleanups);
      const arrivals = firstValueFrom(b.track$.pipe(take(2), toArray()));
      a.addStream(new wrtc.MediaStream([video, audio]));
      const received = await arrivals;
      const remote = (kind: string): PeerTrackEvent => {
        const event = received.find((candidate) => candidate.track.kind === kind);
        if (!event) throw new Error(`no remote ${kind} track`);
        return event;
      };

      const frames = await fromSink<VideoFrameEvent>(remote("video").track, 5, () => true, cleanups);
      for (const { frame } of frames) {
        expect([frame.width, frame.height]).toEqual([160, 120]);
        expect(frame.data.byteLength).toBe(160 * 120 * 1.5);
      }
      const chunks = await fromSink<AudioDataEvent>(remote("audio").track, 10, () => true, cleanups);
      for (const chunk of chunks) {
        expect(chunk.sampleRate).toBe(48_000);
        expect(chunk.samples.length).toBe(480 * chunk.channelCount);
      }
      // Some of what arrived is the pushed tone, not silence: the samples really travelled.
      expect(chunks.some((chunk) => chunk.samples.some((sample) => Math.abs(sample) > 1000))).toBe(true);
    } finally {
      for (const cleanup of cleanups.reverse()) cleanup();
    }
  });

  it("replaceTrack to a source of another size: the same remote track's sink sees the new size", async () => {
    const cleanups: Cleanup[] = [];
    try {
      const { a, b } = await connectedPair();
      const small = pushVideo(96, 64, cleanups);
      const arrived = firstValueFrom(b.track$);
      a.addTrack(small, new wrtc.MediaStream([small]));
      const { track } = await arrived;
      await fromSink<VideoFrameEvent>(track, 2, (event) => event.frame.width === 96, cleanups);
      const large = pushVideo(192, 128, cleanups);
      await a.replaceTrack(small, large);
      const [frame] = await fromSink<VideoFrameEvent>(track, 1, (event) => event.frame.width === 192, cleanups);
      expect(frame?.frame.height).toBe(128);
    } finally {
      for (const cleanup of cleanups.reverse()) cleanup();
    }
  });
});
