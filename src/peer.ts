/**
 * The Peer: a thin class that wires an RTCPeerConnection to small pieces
 * (negotiation, data channel, media) and exposes every event as a hot
 * Observable. The EventEmitter facade it extends is derived from those.
 */
import { BehaviorSubject, Observable, Subject, distinctUntilChanged } from "rxjs";
import { DataChannelLink, HANDSHAKE_PROTOCOL } from "./data-channel.js";
import { PeerError } from "./errors.js";
import { PeerEventEmitter, type PeerEventName, type PeerEventSources } from "./facade.js";
import { HeldSubject } from "./held-subject.js";
import { iceRecovery, type IceRecoveryAction } from "./ice-recovery.js";
import { createLogger, type Logger } from "./logger.js";
import { LocalMedia, RemoteMedia } from "./media.js";
import { Negotiation } from "./negotiation.js";
import { resolveOptions, type PeerOptions, type ResolvedOptions } from "./options.js";
import { parseSignal } from "./signal-format.js";
import type { PeerData, PeerMessage, PeerTrackEvent, SignalData, SimplePeerSignalData } from "./types.js";

/**
 * A WebRTC peer whose every event is a hot Observable.
 *
 * @example
 * ```ts
 * import { Peer, linkPeers } from "rxpeer";
 *
 * const alice = new Peer({ initiator: true });
 * const bob = new Peer();
 * linkPeers(alice, bob); // or carry signal$ over your own signaling
 * bob.data$.subscribe((text) => console.log("bob got", text));
 * alice.connect$.subscribe(() => alice.send("hello"));
 * ```
 */
export class Peer extends PeerEventEmitter {
  /** Whether this peer created the data channel and made the first offer. */
  readonly initiator: boolean;

  readonly #signalSubject = new HeldSubject<SignalData>();
  readonly #connectSubject = new Subject<void>();
  readonly #dataSubject = new Subject<PeerMessage>();
  readonly #closeSubject = new Subject<void>();
  readonly #errorSubject = new Subject<PeerError>();
  readonly #streamSubject = new Subject<MediaStream>();
  readonly #removestreamSubject = new Subject<MediaStream>();
  readonly #trackSubject = new Subject<PeerTrackEvent>();
  readonly #removetrackSubject = new Subject<PeerTrackEvent>();
  readonly #connectedSubject = new BehaviorSubject<boolean>(false);
  readonly #connectionStateSubject: BehaviorSubject<RTCPeerConnectionState>;

  /** Local signals to carry to the remote peer. Signals made before the first subscriber are held for it. */
  readonly signal$: Observable<SignalData> = this.#signalSubject.observable;
  /** Emits once, when the data channel opens. */
  readonly connect$: Observable<void> = this.#connectSubject.asObservable();
  /** Each message from the remote peer: text as string, binary as ArrayBuffer. */
  readonly data$: Observable<PeerMessage> = this.#dataSubject.asObservable();
  /** Emits once when the peer closes; every Observable of the peer completes right after. */
  readonly close$: Observable<void> = this.#closeSubject.asObservable();
  /** Errors, each a PeerError with a code. Never ends the other streams. */
  readonly error$: Observable<PeerError> = this.#errorSubject.asObservable();
  /** A remote stream got its first track. */
  readonly stream$: Observable<MediaStream> = this.#streamSubject.asObservable();
  /** A remote stream lost its last track. */
  readonly removestream$: Observable<MediaStream> = this.#removestreamSubject.asObservable();
  /** A remote track arrived, with its stream. */
  readonly track$: Observable<PeerTrackEvent> = this.#trackSubject.asObservable();
  /** A remote track was removed, with the stream it was in. */
  readonly removetrack$: Observable<PeerTrackEvent> = this.#removetrackSubject.asObservable();
  /** Whether the data channel is open; replays the current value. */
  readonly connected$: Observable<boolean> = this.#connectedSubject.pipe(distinctUntilChanged());
  /** The RTCPeerConnection's `connectionState`; replays the current value. */
  readonly connectionState$: Observable<RTCPeerConnectionState>;

  readonly #options: ResolvedOptions;
  readonly #log: Logger;
  readonly #pc: RTCPeerConnection;
  readonly #negotiation: Negotiation;
  readonly #localMedia: LocalMedia;
  readonly #remoteMedia: RemoteMedia;
  #link: DataChannelLink | undefined;
  #isDestroyed = false;

  /**
   * Creates a peer. Throws `PeerError` `ERR_WEBRTC_SUPPORT` when no WebRTC implementation is found.
   *
   * @example
   * ```ts
   * const peer = new Peer({ initiator: true, channelConfig: { ordered: true } });
   * // on Node: new Peer({ wrtc: (await import("@roamhq/wrtc")).default })
   * ```
   */
  constructor(options: Partial<PeerOptions> = {}) {
    super();
    this.#options = resolveOptions(options);
    this.initiator = this.#options.initiator;
    this.#log = createLogger(this.#options.debug);
    try {
      this.#pc = new this.#options.wrtc.RTCPeerConnection(this.#options.config);
    } catch (cause) {
      throw new PeerError("ERR_WEBRTC_SUPPORT", `RTCPeerConnection could not be created: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
    this.#connectionStateSubject = new BehaviorSubject<RTCPeerConnectionState>(this.#pc.connectionState ?? "new");
    this.connectionState$ = this.#connectionStateSubject.pipe(distinctUntilChanged());

    this.#remoteMedia = new RemoteMedia(this.#pc, this.#options.wrtc.MediaStream ?? globalThis.MediaStream, {
      track: (event) => this.#trackSubject.next(event),
      removetrack: (event) => this.#removetrackSubject.next(event),
      stream: (stream) => this.#streamSubject.next(stream),
      removestream: (stream) => this.#removestreamSubject.next(stream),
    }, this.#log);
    this.#localMedia = new LocalMedia(this.#pc);
    this.#negotiation = new Negotiation(this.#pc, { polite: !this.initiator }, {
      signal: (signal) => this.#signalSubject.next(signal),
      error: (error) => this.#reportError(error),
      settled: () => this.#remoteMedia.detectRemovals(),
      log: this.#log,
    });
    this.#pc.onconnectionstatechange = () => this.#onConnectionStateChange();
    this.#connectionStateSubject.pipe(iceRecovery()).subscribe((action) => this.#onConnectionFailed(action));
    if (this.initiator) {
      const channelConfig = { protocol: HANDSHAKE_PROTOCOL, ...this.#options.channelConfig };
      this.#attachChannel(this.#pc.createDataChannel(this.#options.channelName, channelConfig));
    } else {
      this.#pc.ondatachannel = (event: RTCDataChannelEvent) => this.#onDataChannel(event.channel);
    }
    this.#log.info(`peer created (${this.initiator ? "initiator" : "answerer"})`);
  }

  /** Whether the data channel is open, as @rtco/peer's `ready`. */
  get ready(): boolean {
    return this.#link?.isOpen ?? false;
  }

  /** Whether `destroy()` has run (or the peer closed by itself). */
  get destroyed(): boolean {
    return this.#isDestroyed;
  }

  /** The data channel's label: ours as initiator, the remote one's otherwise. */
  get channelName(): string {
    return this.#link?.channel.label ?? this.#options.channelName;
  }

  /** The live data channel, for `bufferedAmount` and its events; undefined until there is one. */
  get channel(): RTCDataChannel | undefined {
    return this.#link?.channel;
  }

  /** The underlying RTCPeerConnection. */
  get connection(): RTCPeerConnection {
    return this.#pc;
  }

  /**
   * Applies a signal from the remote peer: Artico or simple-peer format, or a JSON string of either.
   * Never throws and never rejects: bad input emits a `PeerError` (`ERR_SIGNAL_INVALID`, or
   * `ERR_NEGOTIATION` when WebRTC refuses it) on `error$`, and the peer stays usable.
   *
   * @example
   * ```ts
   * socket.onmessage = (event) => peer.signal(event.data); // a JSON string is fine
   * ```
   */
  async signal(data: SignalData | SimplePeerSignalData | string): Promise<void> {
    if (this.#isDestroyed) {
      this.#log.warn("signal() after destroy: ignored");
      return;
    }
    const parsed = parseSignal(data);
    if (parsed instanceof PeerError) {
      this.#reportError(parsed);
      return;
    }
    if (parsed.kind === "description") await this.#negotiation.applyDescription(parsed.description);
    else if (parsed.kind === "candidate") await this.#negotiation.addCandidate(parsed.candidate);
    else if (parsed.kind === "transceiver") await this.#negotiation.addTransceiver(parsed.mediaKind, parsed.init);
    else await this.#negotiation.offer();
  }

  /**
   * Sends a message over the data channel: string, Blob, ArrayBuffer or any ArrayBufferView.
   * Throws `PeerError` `ERR_NOT_CONNECTED` before connect or after close.
   *
   * @example
   * ```ts
   * peer.send("hi");
   * peer.send(new Uint8Array([1, 2, 3]));
   * ```
   */
  send(data: PeerData): void {
    const link = this.#link;
    if (!link) throw new PeerError("ERR_NOT_CONNECTED", "cannot send: the peer is not connected");
    link.send(data);
  }

  /**
   * Closes the data channel and the connection and releases every listener.
   * Idempotent; `close$` emits once, then every Observable completes.
   *
   * @example
   * ```ts
   * peer.destroy();
   * peer.destroyed; // true
   * ```
   */
  destroy(): void {
    this.#close(undefined);
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
    this.#localMedia.addStream(stream);
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
    this.#localMedia.removeStream(stream);
  }

  /**
   * Sends `track` as part of `stream`. Adding the same track twice throws `PeerError` `ERR_MEDIA`.
   *
   * @example
   * ```ts
   * const [video] = stream.getVideoTracks();
   * peer.addTrack(video, stream);
   * ```
   */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    this.#localMedia.addTrack(track, stream);
  }

  /**
   * Stops sending `track`. Removing a track never added throws `PeerError` `ERR_MEDIA`.
   *
   * @example
   * ```ts
   * peer.removeTrack(video);
   * ```
   */
  removeTrack(track: MediaStreamTrack): void {
    this.#localMedia.removeTrack(track);
  }

  /**
   * Swaps a sent track for another of the same kind without renegotiation. Rejects with
   * `PeerError` `ERR_MEDIA` when `oldTrack` is not being sent, or `newTrack` already is.
   *
   * @example
   * ```ts
   * await peer.replaceTrack(cameraTrack, screenTrack);
   * ```
   */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack): Promise<void> {
    return this.#localMedia.replaceTrack(oldTrack, newTrack);
  }

  /**
   * The connection's statistics, as `RTCPeerConnection.getStats()` gives them.
   * Rejects with `PeerError` `ERR_PEER_CLOSED` after close.
   *
   * @example
   * ```ts
   * for (const report of (await peer.getStats()).values()) if (report.type === "inbound-rtp") console.log(report.bytesReceived);
   * ```
   */
  async getStats(): Promise<RTCStatsReport> {
    // @roamhq/wrtc throws a plain Error here after close; Chromium would answer: one rule for both.
    if (this.#isDestroyed) throw new PeerError("ERR_PEER_CLOSED", "cannot read stats: the peer is closed");
    return this.#pc.getStats();
  }

  protected eventSource<E extends PeerEventName>(event: E): PeerEventSources[E] | undefined {
    const sources: PeerEventSources = {
      signal: this.signal$,
      connect: this.connect$,
      data: this.data$,
      close: this.close$,
      error: this.error$,
      stream: this.stream$,
      removestream: this.removestream$,
      track: this.track$,
      removetrack: this.removetrack$,
    };
    return Object.prototype.hasOwnProperty.call(sources, event) ? sources[event] : undefined;
  }

  #onDataChannel(channel: RTCDataChannel): void {
    if (this.#link) {
      this.#log.warn(`ignoring extra data channel "${channel.label}"`);
      return;
    }
    this.#log.debug(`remote data channel "${channel.label}"`);
    this.#attachChannel(channel);
  }

  #attachChannel(channel: RTCDataChannel): void {
    this.#link = new DataChannelLink(channel, this.initiator, {
      open: () => this.#onChannelOpen(),
      message: (data) => this.#dataSubject.next(data),
      close: () => {
        this.#log.info("data channel closed");
        this.#close(undefined);
      },
      error: (error) => this.#reportError(error),
    });
  }

  #onChannelOpen(): void {
    this.#log.info("connected");
    this.#connectedSubject.next(true);
    this.#connectSubject.next();
  }

  #onConnectionStateChange(): void {
    const state = this.#pc.connectionState;
    this.#log.debug("connection state", state);
    this.#connectionStateSubject.next(state);
    if (state === "closed") this.#close(undefined);
  }

  #onConnectionFailed(action: IceRecoveryAction): void {
    if (action === "restart") {
      this.#log.warn("connection failed: restarting ICE");
      void this.#negotiation.restartIce();
    } else {
      this.#close(new PeerError("ERR_CONNECTION_FAILURE", "the connection failed and an ICE restart did not recover it"));
    }
  }

  #reportError(error: PeerError): void {
    this.#log.error(`${error.code}: ${error.message}`);
    if (!this.#isDestroyed) this.#errorSubject.next(error);
  }

  #close(error: PeerError | undefined): void {
    if (this.#isDestroyed) return;
    if (error) this.#reportError(error);
    this.#isDestroyed = true;
    this.#log.info("closing");
    this.#negotiation.close();
    this.#link?.close();
    this.#pc.onconnectionstatechange = null;
    this.#pc.ondatachannel = null;
    this.#pc.ontrack = null;
    try {
      this.#pc.close();
    } catch (cause) {
      this.#log.debug("RTCPeerConnection.close threw", cause);
    }
    this.#connectedSubject.next(false);
    this.#connectionStateSubject.next("closed");
    this.#closeSubject.next();
    for (const subject of [
      this.#connectSubject, this.#dataSubject, this.#closeSubject, this.#errorSubject, this.#streamSubject,
      this.#removestreamSubject, this.#trackSubject, this.#removetrackSubject, this.#connectedSubject,
      this.#connectionStateSubject, this.#signalSubject,
    ]) subject.complete();
  }
}
