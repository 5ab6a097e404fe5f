// Real media for the media specs, on whichever runtime `#test-runtime` resolves to:
// on Node, @roamhq/wrtc's nonstandard sources (frames pushed on a timer) and sinks;
// in Chromium, a canvas captureStream() redrawn on a timer and the fake microphone.
// "Frames arrive" means a sink saw them (Node) or the receiver decoded them (Chromium).
// Everything started here (timers, tracks, sinks) is stopped after each test:
// @roamhq/wrtc hangs or crashes a process that still holds live media.
import type { Peer } from "../../src/index.js";
import { wrtc } from "#test-runtime";

type NodeWebRTC = typeof import("@roamhq/wrtc");
type Stoppable = { stop(): void };

const timers = new Set<ReturnType<typeof setInterval>>();
const stoppables = new Set<Stoppable>();

afterEach(() => {
  for (const timer of timers) clearInterval(timer);
  timers.clear();
  for (const item of stoppables) item.stop();
  stoppables.clear();
});

// The `wrtc` option is typed as the standard surface; the module itself also has `nonstandard`.
function nodeWebRTC(): NodeWebRTC | undefined {
  return wrtc as unknown as NodeWebRTC | undefined;
}

function every(ms: number, tick: () => void): void {
  timers.add(setInterval(tick, ms));
}

/** What {@link framesArrive} waits for. */
export interface FrameCheck {
  /** How many frames must arrive (default 3). */
  frames?: number;
  /** Count only video frames of this width. */
  width?: number;
  /** Give up after this long (default 15 s), failing with what was seen. */
  timeoutMs?: number;
}

/** A live video track of the given size whose frames flow until the test ends. */
export function videoTrack(width = 64, height = 48): MediaStreamTrack {
  const node = nodeWebRTC();
  let track: MediaStreamTrack;
  if (node) {
    const source = new node.nonstandard.RTCVideoSource();
    const data = new Uint8Array(width * height * 1.5);
    let shade = 0;
    every(33, () => {
      data.fill((shade = (shade + 8) % 256), 0, width * height);
      source.onFrame({ width, height, data });
    });
    track = source.createTrack();
  } else {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d canvas context");
    let hue = 0;
    // A canvas capture only yields a frame when the canvas was painted: keep painting.
    const paint = (): void => {
      context.fillStyle = `hsl(${(hue = (hue + 10) % 360)}, 80%, 50%)`;
      context.fillRect(0, 0, width, height);
    };
    paint();
    every(33, paint);
    const [captured] = canvas.captureStream(30).getVideoTracks();
    if (!captured) throw new Error("canvas.captureStream() gave no video track");
    track = captured;
  }
  stoppables.add(track);
  return track;
}

/** A live audio track: pushed samples on Node, the fake microphone in Chromium. */
export async function audioTrack(): Promise<MediaStreamTrack> {
  const node = nodeWebRTC();
  let track: MediaStreamTrack;
  if (node) {
    const source = new node.nonstandard.RTCAudioSource();
    const sampleRate = 48_000;
    const samples = new Int16Array(sampleRate / 100);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
    every(10, () => source.onData({ samples, sampleRate }));
    track = source.createTrack();
  } else {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const [microphone] = stream.getAudioTracks();
    if (!microphone) throw new Error("getUserMedia gave no audio track");
    track = microphone;
  }
  stoppables.add(track);
  return track;
}

/** A MediaStream of the runtime's implementation holding `tracks`. */
export function mediaStream(...tracks: MediaStreamTrack[]): MediaStream {
  const Ctor = wrtc?.MediaStream ?? MediaStream;
  return new Ctor(tracks);
}

/** Resolves once `check.frames` frames of the remote `track` reached `receiver`; rejects on timeout. */
export function framesArrive(receiver: Peer, track: MediaStreamTrack, check: FrameCheck = {}): Promise<void> {
  const node = nodeWebRTC();
  return node ? framesInSink(node, track, check) : framesDecoded(receiver, track, check);
}

/**
 * Resolves once the remote `track` has gone `quietMs` without a frame (Node only: it reads the
 * track's sink); rejects if frames still come `timeoutMs` after the call. Frames already on
 * their way when sending stopped are let through: only a lasting silence counts.
 */
export function framesStop(track: MediaStreamTrack, { quietMs = 700, timeoutMs = 6_000 }: { quietMs?: number; timeoutMs?: number } = {}): Promise<void> {
  const node = nodeWebRTC();
  if (!node) return Promise.reject(new Error("framesStop() reads a Node sink: it runs on @roamhq/wrtc only"));
  const sink = track.kind === "video" ? new node.nonstandard.RTCVideoSink(track) : new node.nonstandard.RTCAudioSink(track);
  stoppables.add(sink);
  let frames = 0;
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearTimeout(quiet);
      clearTimeout(deadline);
      sink.stop();
      stoppables.delete(sink);
      if (error) reject(error);
      else resolve();
    };
    let quiet = setTimeout(() => finish(), quietMs);
    const deadline = setTimeout(() => finish(new Error(`${track.kind} frames still arriving ${timeoutMs} ms on (${frames} since the call)`)), timeoutMs);
    const onFrame = (): void => {
      frames++;
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(), quietMs);
    };
    if (track.kind === "video") (sink as { onframe: () => void }).onframe = onFrame;
    else (sink as { ondata: () => void }).ondata = onFrame;
  });
}

function framesInSink(node: NodeWebRTC, track: MediaStreamTrack, { frames = 3, width, timeoutMs = 15_000 }: FrameCheck): Promise<void> {
  const video = track.kind === "video";
  const sink = video ? new node.nonstandard.RTCVideoSink(track) : new node.nonstandard.RTCAudioSink(track);
  stoppables.add(sink);
  let seen = 0;
  const widths = new Set<number>();
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      sink.stop();
      stoppables.delete(sink);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`${frames} ${track.kind} frames${width ? ` of width ${width}` : ""} did not arrive in ${timeoutMs} ms (saw ${seen}, widths ${[...widths].join(",") || "none"})`)),
      timeoutMs,
    );
    const onFrame = (event: Event): void => {
      const frameWidth = (event as Event & { frame?: { width: number } }).frame?.width;
      if (frameWidth !== undefined) widths.add(frameWidth);
      if (width !== undefined && frameWidth !== width) return;
      if (++seen >= frames) finish();
    };
    // The sinks' handler properties are not visible to `in`: pick by kind.
    if (video) (sink as { onframe: (event: Event) => void }).onframe = onFrame;
    else (sink as { ondata: (event: Event) => void }).ondata = onFrame;
  });
}

interface InboundCounts {
  framesDecoded: number;
  bytesReceived: number;
  frameWidth: number | undefined;
}

async function inboundCounts(receiver: RTCRtpReceiver): Promise<InboundCounts> {
  let counts: InboundCounts = { framesDecoded: 0, bytesReceived: 0, frameWidth: undefined };
  (await receiver.getStats()).forEach((report: { type: string; framesDecoded?: number; bytesReceived?: number; frameWidth?: number }) => {
    if (report.type !== "inbound-rtp") return;
    counts = { framesDecoded: report.framesDecoded ?? 0, bytesReceived: report.bytesReceived ?? 0, frameWidth: report.frameWidth };
  });
  return counts;
}

// Chromium has no sink: poll the receiver's inbound-rtp stats until enough new frames
// were decoded (video), or until bytes grew at that many polls (audio).
async function framesDecoded(receiver: Peer, track: MediaStreamTrack, { frames = 3, width, timeoutMs = 15_000 }: FrameCheck): Promise<void> {
  const rtpReceiver = receiver.connection.getReceivers().find((candidate) => candidate.track === track);
  if (!rtpReceiver) throw new Error(`no receiver for remote track ${track.id}`);
  const deadline = Date.now() + timeoutMs;
  const start = await inboundCounts(rtpReceiver);
  let counted = 0;
  let last = start;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await inboundCounts(rtpReceiver);
    if (track.kind === "video") {
      if (width === undefined || now.frameWidth === width) counted += now.framesDecoded - last.framesDecoded;
    } else if (now.bytesReceived > last.bytesReceived) {
      counted++;
    }
    last = now;
    if (counted >= frames) return;
    if (Date.now() > deadline) {
      throw new Error(`${frames} ${track.kind} frames${width ? ` of width ${width}` : ""} not decoded in ${timeoutMs} ms (counted ${counted}, stats ${JSON.stringify(now)})`);
    }
  }
}
