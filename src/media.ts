/**
 * The media side of a Peer: local tracks handed to the connection (renegotiation
 * then follows by itself through `negotiationneeded`), and remote tracks turned
 * into track / stream events, removals included.
 *
 * Nothing here signals or negotiates: negotiation.ts does, and calls
 * {@link RemoteMedia.detectRemovals} after each completed exchange.
 */
import { PeerError, attempt, describe, toPeerError } from "./errors.js";
import { PeerEventEmitter, type PeerEventSubjects } from "./facade.js";
import type { Logger } from "./logger.js";
import { supported } from "./runtime-quirks.js";

interface SentTrack {
  sender: RTCRtpSender;
  /** The stream it was added with: `removeStream` removes by this, not by the stream's current tracks. */
  stream: MediaStream;
}

/**
 * The local tracks a peer sends, each mapped to its RTCRtpSender, so misuse
 * (adding twice, removing what was never added) is a clear PeerError rather than
 * a WebRTC exception, and is refused before anything changes. The Peer's media methods:
 * it extends this class rather than forwarding each call to an object of its own (one
 * object less per Peer, and fewer bytes).
 *
 * @example
 * ```ts
 * class MyPeer extends LocalMedia {
 *   get connection(): RTCPeerConnection { return pc; }
 * }
 * new MyPeer(peerEvents()).addStream(await navigator.mediaDevices.getUserMedia({ video: true }));
 * ```
 */
export abstract class LocalMedia extends PeerEventEmitter {
  readonly #sent = new Map<MediaStreamTrack, SentTrack>();

  /** The connection the tracks are sent on. */
  abstract get connection(): RTCPeerConnection;

  /**
   * Sends `track` as part of `stream`. Adding the same track twice throws `PeerError` `ERR_MEDIA`;
   * after close, `ERR_PEER_CLOSED`.
   *
   * @example
   * ```ts
   * const [video] = stream.getVideoTracks();
   * peer.addTrack(video, stream);
   * ```
   */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    this.#assertOpen("add a track");
    expectMedia("addTrack", "MediaStreamTrack", track);
    expectMedia("addTrack", "MediaStream", stream);
    this.#assertNotSent(track);
    this.#sent.set(track, { sender: attempt("ERR_MEDIA", "addTrack failed", () => supported("sending media", () => this.connection.addTrack(track, stream))), stream });
  }

  /**
   * Stops sending `track`. Removing a track never added throws `PeerError` `ERR_MEDIA`; after
   * close there is nothing to stop.
   *
   * @example
   * ```ts
   * peer.removeTrack(video);
   * ```
   */
  removeTrack(track: MediaStreamTrack): void {
    if (this.#isClosed()) return;
    expectMedia("removeTrack", "MediaStreamTrack", track);
    const entry = this.#sent.get(track);
    if (!entry) throw new PeerError("ERR_MEDIA", `cannot remove track ${trackLabel(track)}: it was never added, or already removed`);
    attempt("ERR_MEDIA", "removeTrack failed", () => {
      this.connection.removeTrack(entry.sender);
      // removeTrack skips a sender whose track was replaced by null (as the spec says): stop its sending here.
      const transceiver = this.connection.getTransceivers().find((candidate) => candidate.sender === entry.sender);
      if (transceiver?.direction === "sendrecv") transceiver.direction = "recvonly";
      else if (transceiver?.direction === "sendonly") transceiver.direction = "inactive";
    });
    this.#sent.delete(track);
  }

  /**
   * Sends every track of `stream`; renegotiation follows by itself. Throws `PeerError`
   * `ERR_MEDIA`, adding none, when one of them is already sent.
   *
   * @example
   * ```ts
   * peer.addStream(await navigator.mediaDevices.getUserMedia({ video: true, audio: true }));
   * ```
   */
  addStream(stream: MediaStream): void {
    this.#assertOpen("add a stream");
    expectMedia("addStream", "MediaStream", stream);
    const tracks = stream.getTracks();
    for (const track of tracks) this.#assertNotSent(track);
    for (const track of tracks) this.addTrack(track, stream);
  }

  /**
   * Stops sending every track that was added with `stream` (by `addStream` or `addTrack`);
   * renegotiation follows by itself. Throws `PeerError` `ERR_MEDIA` when none was.
   *
   * @example
   * ```ts
   * peer.removeStream(stream);
   * ```
   */
  removeStream(stream: MediaStream): void {
    if (this.#isClosed()) return;
    expectMedia("removeStream", "MediaStream", stream);
    const tracks = [...this.#sent].filter(([, entry]) => entry.stream === stream).map(([track]) => track);
    if (tracks.length === 0) throw new PeerError("ERR_MEDIA", `cannot remove stream ${stream.id}: none of its tracks is being sent`);
    for (const track of tracks) this.removeTrack(track);
  }

  /**
   * Sends `newTrack` in place of `oldTrack` on the same sender: no renegotiation, and the
   * remote side keeps receiving on the same remote track. `newTrack` takes over the
   * stream `oldTrack` was added with. `null` stops sending; the sender stays `oldTrack`'s.
   */
  async replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack | null): Promise<void> {
    this.#assertOpen("replace a track");
    expectMedia("replaceTrack", "MediaStreamTrack", oldTrack);
    if (newTrack !== null) expectMedia("replaceTrack", "MediaStreamTrack", newTrack);
    const entry = this.#sent.get(oldTrack);
    if (!entry) throw new PeerError("ERR_MEDIA", `cannot replace track ${trackLabel(oldTrack)}: it is not being sent`);
    if (oldTrack === newTrack) return;
    if (newTrack) {
      this.#assertNotSent(newTrack);
      if (oldTrack.kind !== newTrack.kind) {
        throw new PeerError("ERR_MEDIA", `cannot replace ${trackLabel(oldTrack)} with ${trackLabel(newTrack)}: not the same kind`);
      }
      // Swap the bookkeeping first, so a second call made before this one settles sees the new state.
      this.#sent.delete(oldTrack);
      this.#sent.set(newTrack, entry);
    }
    try {
      await entry.sender.replaceTrack(newTrack);
    } catch (cause) {
      if (newTrack && this.#sent.get(newTrack) === entry) {
        this.#sent.delete(newTrack);
        this.#sent.set(oldTrack, entry);
      }
      throw toPeerError("ERR_MEDIA", "replaceTrack failed", cause);
    }
  }

  #assertNotSent(track: MediaStreamTrack): void {
    if (this.#sent.has(track)) throw new PeerError("ERR_MEDIA", `track ${trackLabel(track)} is already being sent (to send it twice, send a clone)`);
  }

  #assertOpen(what: string): void {
    if (this.#isClosed()) throw new PeerError("ERR_PEER_CLOSED", `cannot ${what}: the peer is closed`);
  }

  #isClosed(): boolean {
    return this.connection.signalingState === "closed";
  }
}

/** Where remote media events go: the Peer's Subjects of these four events (each there once subscribed). */
export type RemoteMediaEvents = Pick<PeerEventSubjects, "track" | "removetrack" | "stream" | "removestream">;

interface RemoteTrack {
  stream: MediaStream;
  transceiver: RTCRtpTransceiver | undefined;
}

/**
 * Turns the connection's `track` callbacks into track/stream events, and spots
 * removals after each settled negotiation from the transceiver's negotiated
 * direction: @roamhq/wrtc raises no event at all when the remote removes a track,
 * and Chromium's `removetrack` on the stream fires mid-negotiation. One rule for both.
 *
 * @example
 * ```ts
 * const remote = new RemoteMedia(pc, MediaStream, emit, log); // emit: the Peer's event Subjects
 * negotiationHooks.settled = () => remote.detectRemovals();
 * ```
 */
export class RemoteMedia {
  readonly #tracks = new Map<MediaStreamTrack, RemoteTrack>();

  readonly #MediaStreamCtor: typeof MediaStream | undefined;
  readonly #events: RemoteMediaEvents;
  readonly #log: Logger;

  constructor(pc: RTCPeerConnection, MediaStreamCtor: typeof MediaStream | undefined, events: RemoteMediaEvents, log: Logger) {
    this.#MediaStreamCtor = MediaStreamCtor;
    this.#events = events;
    this.#log = log;
    pc.ontrack = (event: RTCTrackEvent) => this.#onTrack(event);
  }

  /** Emits removetrack (and removestream for emptied streams) for tracks no longer received. */
  detectRemovals(): void {
    for (const [track, remote] of [...this.#tracks]) {
      if (isReceiving(remote.transceiver) && track.readyState !== "ended") continue;
      this.#removeRemoteTrack(track, remote);
    }
  }

  #onTrack(event: RTCTrackEvent): void {
    const { track } = event;
    if (this.#tracks.has(track)) return;
    const stream = event.streams[0] ?? this.#streamOfItsOwn(track);
    if (!stream) return;
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
    const newStream = !this.#hasTracksIn(stream);
    this.#tracks.set(track, { stream, transceiver: event.transceiver });
    this.#log.debug("remote track", trackLabel(track), "in stream", stream.id);
    if (newStream) this.#events.stream?.next(stream);
    this.#events.track?.next({ track, stream });
  }

  // A track sent without a stream (a plain `pc.addTrack(track)`) still gets one, so
  // listeners can always attach `stream` to a media element.
  #streamOfItsOwn(track: MediaStreamTrack): MediaStream | undefined {
    if (!this.#MediaStreamCtor) {
      this.#log.warn("remote track without a stream ignored: no MediaStream");
      return undefined;
    }
    return new this.#MediaStreamCtor([track]);
  }

  #removeRemoteTrack(track: MediaStreamTrack, { stream }: RemoteTrack): void {
    this.#tracks.delete(track);
    if (stream.getTracks().includes(track)) stream.removeTrack(track);
    this.#log.debug("remote track removed", trackLabel(track));
    this.#events.removetrack?.next({ track, stream });
    if (!this.#hasTracksIn(stream)) this.#events.removestream?.next(stream);
  }

  // Whether a track received is in `stream`: its first makes it a new stream, its last's removal empties it.
  #hasTracksIn(stream: MediaStream): boolean {
    return [...this.#tracks.values()].some((remote) => remote.stream === stream);
  }
}

// Before the first exchange completes `currentDirection` is null: the track just arrived.
function isReceiving(transceiver: RTCRtpTransceiver | undefined): boolean {
  const direction = transceiver?.currentDirection;
  return direction == null || direction === "sendrecv" || direction === "recvonly";
}

// Duck-typed: each runtime has MediaStream and MediaStreamTrack classes of its own. A wrong
// argument is refused before anything changes, as the misuse of a right one is.
function expectMedia(method: string, expected: "MediaStreamTrack" | "MediaStream", value: unknown): void {
  const probe = value as { getTracks?: unknown; kind?: unknown } | null | undefined;
  if (expected === "MediaStream" ? typeof probe?.getTracks !== "function" : typeof probe?.kind !== "string") {
    throw new PeerError("ERR_MEDIA", `${method}() takes a ${expected}, got ${describe(value)}`);
  }
}

function trackLabel(track: MediaStreamTrack): string {
  return `${track.kind}:${track.id}`;
}
