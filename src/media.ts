/**
 * The media side of a Peer: local tracks handed to the connection (renegotiation
 * then follows by itself through `negotiationneeded`), and remote tracks turned
 * into track / stream events, removals included.
 */
import { PeerError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { PeerTrackEvent } from "./types.js";

/**
 * The local tracks this peer sends, each mapped to its RTCRtpSender, so misuse
 * (adding twice, removing what was never added) is a clear PeerError.
 *
 * @example
 * ```ts
 * const local = new LocalMedia(pc);
 * local.addStream(await navigator.mediaDevices.getUserMedia({ video: true }));
 * ```
 */
export class LocalMedia {
  private readonly senders = new Map<MediaStreamTrack, RTCRtpSender>();

  constructor(private readonly pc: RTCPeerConnection) {}

  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    if (this.senders.has(track)) throw new PeerError("ERR_MEDIA", `track ${track.kind}:${track.id} was already added`);
    try {
      this.senders.set(track, this.pc.addTrack(track, stream));
    } catch (cause) {
      throw new PeerError("ERR_MEDIA", `addTrack failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
  }

  removeTrack(track: MediaStreamTrack): void {
    const sender = this.senders.get(track);
    if (!sender) throw new PeerError("ERR_MEDIA", `track ${track.kind}:${track.id} was never added, so it cannot be removed`);
    this.senders.delete(track);
    try {
      this.pc.removeTrack(sender);
    } catch (cause) {
      throw new PeerError("ERR_MEDIA", `removeTrack failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
  }

  addStream(stream: MediaStream): void {
    for (const track of stream.getTracks()) this.addTrack(track, stream);
  }

  removeStream(stream: MediaStream): void {
    for (const track of stream.getTracks()) if (this.senders.has(track)) this.removeTrack(track);
  }

  async replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack | null): Promise<void> {
    const sender = this.senders.get(oldTrack);
    if (!sender) throw new PeerError("ERR_MEDIA", `replaceTrack: track ${oldTrack.kind}:${oldTrack.id} is not being sent`);
    try {
      await sender.replaceTrack(newTrack);
    } catch (cause) {
      throw new PeerError("ERR_MEDIA", `replaceTrack failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
    this.senders.delete(oldTrack);
    if (newTrack) this.senders.set(newTrack, sender);
  }
}

export interface RemoteMediaHandlers {
  track(event: PeerTrackEvent): void;
  removetrack(event: PeerTrackEvent): void;
  stream(stream: MediaStream): void;
  removestream(stream: MediaStream): void;
}

interface RemoteTrack {
  stream: MediaStream;
  transceiver: RTCRtpTransceiver | undefined;
}

/**
 * Turns the connection's `track` callbacks into track/stream events, and spots
 * removals after each settled negotiation from the transceiver's negotiated
 * direction: @roamhq/wrtc raises no event at all when the remote removes a track.
 *
 * @example
 * ```ts
 * const remote = new RemoteMedia(pc, MediaStream, handlers, log);
 * negotiationHooks.settled = () => remote.detectRemovals();
 * ```
 */
export class RemoteMedia {
  private readonly tracks = new Map<MediaStreamTrack, RemoteTrack>();
  private readonly streams = new Set<MediaStream>();

  constructor(
    pc: RTCPeerConnection,
    private readonly MediaStreamCtor: typeof MediaStream | undefined,
    private readonly handlers: RemoteMediaHandlers,
    private readonly log: Logger,
  ) {
    pc.ontrack = (event: RTCTrackEvent) => this.onTrack(event);
  }

  /** Emits removetrack (and removestream for emptied streams) for tracks no longer received. */
  detectRemovals(): void {
    for (const [track, remote] of this.tracks) {
      const direction = remote.transceiver?.currentDirection;
      const receiving = direction === "sendrecv" || direction === "recvonly" || direction == null;
      if (receiving && track.readyState !== "ended") continue;
      this.removeRemoteTrack(track, remote);
    }
  }

  private onTrack(event: RTCTrackEvent): void {
    const { track } = event;
    if (this.tracks.has(track)) return;
    const stream = event.streams[0] ?? this.streamOfItsOwn(track);
    if (!stream) return;
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
    this.tracks.set(track, { stream, transceiver: event.transceiver });
    this.log.debug("remote track", track.kind, track.id);
    if (!this.streams.has(stream)) {
      this.streams.add(stream);
      this.handlers.stream(stream);
    }
    this.handlers.track({ track, stream });
  }

  private streamOfItsOwn(track: MediaStreamTrack): MediaStream | undefined {
    if (!this.MediaStreamCtor) {
      this.log.warn("remote track without a stream and no MediaStream implementation: ignored");
      return undefined;
    }
    return new this.MediaStreamCtor([track]);
  }

  private removeRemoteTrack(track: MediaStreamTrack, { stream }: RemoteTrack): void {
    this.tracks.delete(track);
    if (stream.getTracks().includes(track)) stream.removeTrack(track);
    this.log.debug("remote track removed", track.kind, track.id);
    this.handlers.removetrack({ track, stream });
    const stillUsed = [...this.tracks.values()].some((remote) => remote.stream === stream);
    if (!stillUsed && this.streams.delete(stream)) this.handlers.removestream(stream);
  }
}
