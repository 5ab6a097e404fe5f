/**
 * The Peer: a thin class that wires an RTCPeerConnection to small pieces
 * (negotiation, data channel, media) and exposes every event as a hot
 * Observable. It extends the local media methods (media.ts's LocalMedia), which extend the
 * EventEmitter facade, derived from those Observables.
 */
import { BehaviorSubject, type Observable, distinctUntilChanged, map } from "./rxjs-imports.js";
import { DataChannelLink, HANDSHAKE_PROTOCOL, PRE_NEGOTIATED_ID, type ChannelState, type OpenHandshake } from "./data-channel.js";
import { closeConnection } from "./connection-close.js";
import { PeerError, attempt, toPeerError } from "./errors.js";
import { completeEvents, peerEvents, type PeerEventSubjects } from "./facade.js";
import { iceRecovery } from "./ice-recovery.js";
import { createLogger, type Logger } from "./logger.js";
import { LocalMedia, RemoteMedia } from "./media.js";
import { packetsHeard } from "./liveness.js";
import { Negotiation } from "./negotiation.js";
import { resolveOptions, type PeerOptions, type ResolvedOptions } from "./options.js";
import { markSdp, type PreNegotiatedChannel } from "./sdp-marker.js";
import { parseSignal, type DescriptionSignal } from "./signal-format.js";
import type { PeerData, SignalData, SimplePeerSignalData } from "./types.js";

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
export class Peer extends LocalMedia {
  /** Whether this peer created the data channel and made the first offer. */
  declare readonly initiator: boolean;

  // Every event is emitted through its Subject here, once it has one (facade.ts); `signal$`, `data$`, ... are views of them.
  readonly #emit: PeerEventSubjects;
  // The data channel's lifecycle: `ready`, `connected$` and `send()` all read this one value.
  readonly #channelState = new BehaviorSubject<ChannelState>("connecting");
  // A new RTCPeerConnection is always in state "new".
  readonly #connectionStateSubject = new BehaviorSubject<RTCPeerConnectionState>("new");

  /** Whether the data channel is open; replays the current value. */
  readonly connected$: Observable<boolean> = this.#channelState.pipe(
    map((state) => state === "open"),
    distinctUntilChanged(),
  );
  /** The RTCPeerConnection's `connectionState`; replays the current value. */
  readonly connectionState$: Observable<RTCPeerConnectionState> = this.#connectionStateSubject.pipe(distinctUntilChanged());

  readonly #options: ResolvedOptions;
  readonly #log: Logger;
  readonly #pc: RTCPeerConnection;
  readonly #negotiation: Negotiation;
  readonly #remoteMedia: RemoteMedia;
  #link: DataChannelLink | undefined;
  // The creator's pre-negotiated channel, until the first answer says whether the remote took it up.
  #preNegotiated: RTCDataChannel | undefined;
  // The creator's channel, or `true` once an answerer took it up.
  #marker: PreNegotiatedChannel | boolean = false;
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
    const emit = peerEvents();
    super(emit);
    this.#emit = emit;
    this.#options = resolveOptions(options);
    this.initiator = this.#options.initiator;
    this.#log = createLogger(this.#options.debug);
    this.#pc = attempt("ERR_WEBRTC_SUPPORT", "RTCPeerConnection could not be created", () => new this.#options.wrtc.RTCPeerConnection(this.#options.config));

    this.#remoteMedia = new RemoteMedia(this.#pc, this.#options.wrtc.MediaStream ?? globalThis.MediaStream, emit, this.#log);
    this.#negotiation = new Negotiation(this.#pc, !this.initiator, {
      // Each description sent says what this side is (sdp-marker.ts), once there is something to say.
      signal: (signal) => emit.signal.next(signal.type === "sdp" && this.#marker ? { ...signal, data: { ...signal.data, sdp: markSdp(signal.data.sdp ?? "", this.#marker) } } : signal),
      error: (error) => this.#reportError(error),
      settled: () => this.#remoteMedia.detectRemovals(),
      described: (signal) => this.#onRemoteDescription(signal),
      log: this.#log,
    }, this.#options);
    this.#pc.onconnectionstatechange = () => this.#onConnectionStateChange();
    // #close passes "closed" on, which stops a restart's clock.
    this.#connectionStateSubject.subscribe(
      iceRecovery((action) => {
        if (action === "restart") {
          this.#log.warn("connection failed: restarting ICE");
          void this.#negotiation.restartIce();
        } else {
          this.#close(new PeerError("ERR_CONNECTION_FAILURE", "connection failed, and an ICE restart did not recover it"));
        }
      }),
    );
    const { channelConfig, channelName } = this.#options;
    // A channelConfig that createDataChannel refuses (both maxRetransmits and maxPacketLifeTime,
    // an id over 65534) is the caller's mistake: it throws as a wrong option does, and the
    // connection already made is closed, not left running behind an object nobody holds.
    const createChannel = (init: RTCDataChannelInit): RTCDataChannel => {
      try {
        return this.#pc.createDataChannel(channelName, init);
      } catch (cause) {
        this.#pc.close();
        throw toPeerError("ERR_INVALID_ARGUMENT", "option channelConfig was refused", cause);
      }
    };
    if (channelConfig.negotiated) {
      // The user's own negotiated channel, made on both sides: it carries no handshake.
      this.#attachChannel(createChannel(channelConfig), "plain");
    } else if (this.initiator) {
      // Pre-negotiated, so an rxpeer answerer makes it too (its config rides in the offer's
      // marker) and no `datachannel` event, with its reordering, is involved.
      const channel = { ...channelConfig, label: channelName, id: PRE_NEGOTIATED_ID };
      this.#preNegotiated = createChannel({ ...channel, negotiated: true });
      this.#marker = channel;
    } else {
      this.#pc.ondatachannel = (event: RTCDataChannelEvent) => this.#attachChannel(event.channel, event.channel.protocol === HANDSHAKE_PROTOCOL ? "ready" : "plain");
    }
    if (this.initiator) this.#negotiation.offer();
    this.#log.info(`peer created (${this.initiator ? "initiator" : "answerer"})`);
  }

  /** Whether the data channel is open, as @rtco/peer's `ready`. */
  get ready(): boolean {
    return this.#channelState.value === "open";
  }

  /** Whether `destroy()` has run (or the peer closed by itself). */
  get destroyed(): boolean {
    return this.#isDestroyed;
  }

  /** The data channel's label: ours as initiator, the remote one's otherwise. */
  get channelName(): string {
    return this.#link?.channel.label ?? this.#options.channelName;
  }

  /** The data channel in use, for `bufferedAmount` and its events; undefined until there is one (an initiator: until the answer tells which). */
  get channel(): RTCDataChannel | undefined {
    return this.#link?.channel;
  }

  /** The underlying RTCPeerConnection. */
  override get connection(): RTCPeerConnection {
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
    if (parsed instanceof PeerError) return this.#reportError(parsed);
    await this.#negotiation.apply(parsed);
    // An offer to an initiator comes from an initiator when it names a channel (only an rxpeer
    // initiator's do), or when it is in simple-peer's format, unmarked, before our first offer
    // was answered (a simple-peer answerer never offers; a simple-peer initiator fails on our
    // offer). Two rxpeer initiators are both impolite: each ignores the other's offer for good
    // (as apply just did), and the pair would wait forever. Our first offer has gone out by now
    // (the negotiation runs in order), so an rxpeer remote learns the same from it; both close.
    if (this.initiator && parsed.kind === "description" && parsed.description.type === "offer" && (typeof parsed.rxpeer === "object" || (!parsed.rxpeer && !parsed.artico && this.#preNegotiated))) {
      this.#close(new PeerError("ERR_NEGOTIATION", "the remote peer is an initiator too: exactly one of the two must have initiator: true"));
    }
  }

  /**
   * Sends a message over the data channel: string, Blob, ArrayBuffer or any ArrayBufferView.
   * Throws `PeerError` `ERR_NOT_CONNECTED` before connect or after close. The bytes are
   * taken as they are at the call: the caller may reuse its buffer at once.
   *
   * @example
   * ```ts
   * peer.send("hi");
   * peer.send(new Uint8Array([1, 2, 3]));
   * ```
   */
  send(data: PeerData): void {
    const link = this.#link;
    if (!link?.isOpen) throw new PeerError("ERR_NOT_CONNECTED", "cannot send: the peer is not connected");
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
    this.#close();
  }

  /**
   * Swaps a sent track for another of the same kind without renegotiation; `null` stops
   * sending, keeping the sender under `oldTrack` (replace it again to resume, remove it to
   * remove). Once it resolved, `replacetrack$` emits `{ oldTrack, newTrack }` (facade
   * listeners of `replacetrack` get `(oldTrack, newTrack)`, as @rtco/peer 0.3.6's). Rejects
   * with `PeerError` `ERR_MEDIA` when `oldTrack` is not being sent, or `newTrack` already is.
   *
   * @example
   * ```ts
   * peer.on("replacetrack", (oldTrack, newTrack) => console.log(oldTrack.id, "->", newTrack?.id));
   * await peer.replaceTrack(cameraTrack, screenTrack);
   * await peer.replaceTrack(screenTrack, null); // the remote track goes silent
   * ```
   */
  override async replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack | null): Promise<void> {
    await super.replaceTrack(oldTrack, newTrack);
    this.#emit.replacetrack?.next({ oldTrack, newTrack });
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

  // The first answer tells the creator whether its answerer is rxpeer (it took up the
  // pre-negotiated channel); the first offer with a marker gives an answerer that channel.
  #onRemoteDescription({ description: { type }, rxpeer, artico }: DescriptionSignal): void {
    const preNegotiated = this.#preNegotiated;
    if (preNegotiated && type === "answer") {
      this.#preNegotiated = undefined;
      if (rxpeer) return this.#attachChannel(preNegotiated, "lead");
      // Not rxpeer of this version: an in-band channel instead (the data m-line exists, so
      // no renegotiation), before anything can connect. An answer in the Artico format may
      // come from rxpeer 0.1.0, whose ready marker is worth waiting for (see data-channel.ts).
      preNegotiated.close();
      const channel = this.#pc.createDataChannel(this.#options.channelName, { protocol: HANDSHAKE_PROTOCOL, ...this.#options.channelConfig });
      this.#attachChannel(channel, artico && channel.protocol === HANDSHAKE_PROTOCOL ? "wait" : "plain");
    } else if (typeof rxpeer === "object" && !this.#link) {
      this.#marker = true;
      this.#attachChannel(this.#pc.createDataChannel(rxpeer.label, rxpeer), "follow");
    }
  }

  // Ours as initiator, else the remote peer's first: a peer has one data channel.
  #attachChannel(channel: RTCDataChannel, handshake: OpenHandshake): void {
    if (this.#link) {
      this.#log.warn(`ignoring extra data channel "${channel.label}"`);
      return;
    }
    this.#log.debug(`data channel "${channel.label}"`);
    this.#link = new DataChannelLink(channel, handshake, this.#channelState, {
      open: () => {
        // An rxpeer remote runs perfect negotiation; an answerer offers from now on (before, as
        // simple-peer's does, it asked: simple-peer's own suite expects that of the drop-in).
        if (handshake !== "plain") this.#negotiation.allowOffers();
        this.#log.info("connected");
        this.#emit.connect?.next();
      },
      message: (data) => this.#emit.data?.next(data),
      close: () => {
        this.#log.info("data channel closed");
        this.#close();
      },
      error: (error) => this.#reportError(error),
      // No SCTP transport, or a limit of 0 (RFC 8841: none), is no limit.
      maxMessageSize: () => this.#pc.sctp?.maxMessageSize || Infinity,
      dead: () => this.#close(new PeerError("ERR_CONNECTION_FAILURE", `the remote peer sent nothing for ${this.#options.livenessTimeout} ms (livenessTimeout), nor did its transport hear it: it is gone`)),
      heard: () => packetsHeard(this.#pc),
    }, this.#options.livenessTimeout);
  }

  #onConnectionStateChange(): void {
    const state = this.#pc.connectionState;
    this.#log.debug("connection state", state);
    this.#connectionStateSubject.next(state);
    if (state === "closed") this.#close();
  }

  #reportError(error: PeerError): void {
    this.#log.error(`${error.code}: ${error.message}`);
    if (!this.#isDestroyed) this.#emit.error?.next(error);
  }

  #close(error?: PeerError): void {
    if (this.#isDestroyed) return;
    if (error) this.#reportError(error);
    this.#isDestroyed = true;
    this.#log.info("closing");
    this.#negotiation.close();
    this.#link?.close();
    closeConnection(this.#pc, this.#link?.channel, this.#log);
    this.#channelState.next("closed");
    this.#connectionStateSubject.next("closed");
    this.#emit.close?.next();
    completeEvents(this.#emit);
    this.#channelState.complete();
    this.#connectionStateSubject.complete();
  }
}
