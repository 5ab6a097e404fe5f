/**
 * `rxpeer/simple-peer`: simple-peer 9.11's class (constructor options, events,
 * methods, properties, Duplex stream) as a thin layer over rxpeer's Peer, which
 * does the negotiation (glare-safe, simple-peer's answerer protocol facing a real
 * simple-peer), the channel and the backpressure. `peer.rx` is that Peer, the way
 * into the Observables and operators.
 *
 * What simple-peer does by itself and rxpeer does not (its error and close order,
 * its error codes, `connect` after the selected candidate pair is known) is kept here.
 */
import { Subject, type Subscription } from "rxjs";
import { sendTo } from "../operators/sendTo.js";
import { PeerError } from "../src/errors.js";
import type { LogLevel } from "../src/logger.js";
import type { WebRTCImplementation } from "../src/options.js";
import { Peer } from "../src/peer.js";
import { toSimplePeerFormat } from "../src/signal-format.js";
import type { PeerMessage, SignalData, SimplePeerSignalData } from "../src/types.js";
import { selectedEndpoints } from "./address.js";
import { MessageDuplex, type Chunk } from "./duplex.js";
import type { Listener } from "./emitter.js";

/** simple-peer 9.11's constructor options, plus rxpeer's `debug`. */
export interface SimplePeerOptions {
  /** Create the data channel and make the offers. Default false. */
  initiator?: boolean;
  /** `RTCDataChannelInit`; `{ negotiated: true, id }` makes the channel on both sides. Default `SimplePeer.channelConfig`. */
  channelConfig?: RTCDataChannelInit;
  /** The data channel's label (the initiator's is used). Default: random. */
  channelName?: string;
  /** Merged over `SimplePeer.config` and passed to `RTCPeerConnection`. */
  config?: RTCConfiguration;
  /** Passed to `createOffer`. */
  offerOptions?: RTCOfferOptions;
  /** Passed to `createAnswer`. */
  answerOptions?: RTCAnswerOptions;
  /** Rewrites each local offer's and answer's SDP. */
  sdpTransform?: (sdp: string) => string;
  /** A stream to send from the start (simple-peer's older option). */
  stream?: MediaStream;
  /** Streams to send from the start. */
  streams?: MediaStream[];
  /** Send candidates as they come (default true); false sends one complete description each time. */
  trickle?: boolean;
  /** Accepted; has no effect (rxpeer never strips `a=ice-options:trickle`). */
  allowHalfTrickle?: boolean;
  /** With `trickle: false`, the longest wait for ICE gathering, in ms. Default 5000. */
  iceCompleteTimeout?: number;
  /** A WebRTC implementation (e.g. `@roamhq/wrtc` on Node). Default: the globals. */
  wrtc?: { [K in keyof WebRTCImplementation]?: WebRTCImplementation[K] | null };
  /** Text arrives as strings (not bytes), and written strings are sent as text. Default false. */
  objectMode?: boolean;
  /** rxpeer's log level (0 none ... 4 debug). Default 0: simple-peer is silent unless `DEBUG` is set. */
  debug?: LogLevel;
  /** Node stream options simple-peer passes to its Duplex: accepted, unused. */
  allowHalfOpen?: boolean;
}

/**
 * simple-peer's events and their listeners' arguments. `data` is a `Buffer` on Node and a
 * `Uint8Array` in browsers (a string with `objectMode` for text): annotate your listener's
 * parameter as you need, any listener is accepted for any event.
 */
export interface SimplePeerEvents {
  signal: (data: SimplePeerSignalData) => void;
  connect: () => void;
  data: (data: Uint8Array) => void;
  close: () => void;
  error: (error: SimplePeerError) => void;
  stream: (stream: MediaStream) => void;
  track: (track: MediaStreamTrack, stream: MediaStream) => void;
  negotiated: () => void;
  iceStateChange: (iceConnectionState: RTCIceConnectionState, iceGatheringState: RTCIceGatheringState) => void;
  signalingStateChange: (signalingState: RTCSignalingState) => void;
}

/** An error as simple-peer reports it: an `Error` with a `code`. */
export type SimplePeerError = Error & { code: string };

/** How simple-peer reports a selected candidate pair end. */
export interface AddressInfo {
  address: string | undefined;
  port: number | undefined;
  family: string | undefined;
}

// How long to wait, after the channel opened, for the selected candidate pair to show in the stats.
const ADDRESS_ATTEMPTS = 10;
const ADDRESS_RETRY_MS = 100;
// simple-peer's delay between the writable side finishing and destroy, so the last writes flush.
const FINISH_DESTROY_MS = 1000;

/**
 * A WebRTC peer with simple-peer 9.11's API: a Duplex stream of messages and an EventEmitter.
 * Events: `signal`, `connect`, `data`, `close`, `error` (`err.code`), `stream`, `track`,
 * `negotiated`, `iceStateChange`, `signalingStateChange`; plus the stream's `end`, `finish`, `drain`.
 *
 * @example
 * ```ts
 * import SimplePeer from "rxpeer/simple-peer"; // was: from "simple-peer"
 *
 * const peer = new SimplePeer({ initiator: true });
 * peer.on("signal", (data) => socket.send(JSON.stringify(data)));
 * socket.onmessage = (event) => peer.signal(JSON.parse(event.data));
 * peer.on("connect", () => peer.send("hello"));
 * peer.on("data", (data: Uint8Array) => console.log(new TextDecoder().decode(data)));
 * peer.rx.connectionState$.subscribe(console.log); // the rxpeer Peer underneath
 * ```
 */
export class SimplePeer extends MessageDuplex {
  /** Whether the runtime has WebRTC without a `wrtc` option. */
  static WEBRTC_SUPPORT = typeof (globalThis as Partial<WebRTCImplementation>).RTCPeerConnection === "function";
  /**
   * The configuration every peer starts from (its `config` option is merged over it). Unlike
   * simple-peer's, it names no public STUN server: set yours here once, e.g.
   * `SimplePeer.config = { iceServers: [{ urls: "stun:stun.example.org" }] }`.
   */
  static config: RTCConfiguration = {};
  /** The `RTCDataChannelInit` every peer starts from. */
  static channelConfig: RTCDataChannelInit = {};

  readonly initiator: boolean;
  readonly channelConfig: RTCDataChannelInit;
  readonly channelNegotiated: boolean;
  readonly config: RTCConfiguration;
  readonly offerOptions: RTCOfferOptions;
  readonly answerOptions: RTCAnswerOptions;
  readonly sdpTransform: (sdp: string) => string;
  readonly streams: MediaStream[];
  readonly trickle: boolean;
  readonly allowHalfTrickle: boolean;
  readonly iceCompleteTimeout: number;
  /** True once destroyed: the `close` event has been emitted. */
  destroyed = false;
  /** True between `destroy()` and the `close` event (one microtask, as simple-peer). */
  destroying = false;
  remoteAddress: string | undefined;
  remotePort: number | undefined;
  remoteFamily: string | undefined;
  localAddress: string | undefined;
  localPort: number | undefined;
  localFamily: string | undefined;

  readonly #peer: Peer | undefined;
  readonly #subscriptions: Subscription[] = [];
  readonly #outgoing = new Subject<Chunk>();
  readonly #writeCallbacks: ((error?: Error | null) => void)[] = [];
  // Each track the user names, to the track the Peer sends on its sender (simple-peer keeps both after replaceTrack).
  readonly #sentAs = new Map<MediaStreamTrack, MediaStreamTrack>();
  // Each remote candidate's address by port, as signalled (see `signal()`).
  readonly #signalledAddresses = new Map<number, string>();
  readonly #objectMode: boolean;
  readonly #label: string | null;
  #connected = false;
  readonly #onFinish = (): void => this.#destroySoon();

  /**
   * Creates a peer. Throws an error with code `ERR_WEBRTC_SUPPORT` when there is no WebRTC
   * implementation at all; one that cannot create a connection destroys the peer with
   * `ERR_PC_CONSTRUCTOR` (an `error` event), as simple-peer does.
   *
   * @example
   * ```ts
   * const peer = new SimplePeer({ initiator: true, trickle: false, wrtc }); // wrtc: @roamhq/wrtc on Node
   * ```
   */
  constructor(options: SimplePeerOptions = {}) {
    super(options.objectMode ?? false);
    this.#objectMode = options.objectMode ?? false;
    this.initiator = options.initiator ?? false;
    this.channelConfig = options.channelConfig ?? SimplePeer.channelConfig;
    this.channelNegotiated = this.channelConfig.negotiated ?? false;
    this.config = { ...SimplePeer.config, ...options.config };
    this.offerOptions = options.offerOptions ?? {};
    this.answerOptions = options.answerOptions ?? {};
    this.sdpTransform = options.sdpTransform ?? ((sdp) => sdp);
    this.streams = options.streams ?? (options.stream ? [options.stream] : []);
    this.trickle = options.trickle ?? true;
    this.allowHalfTrickle = options.allowHalfTrickle ?? false;
    this.iceCompleteTimeout = options.iceCompleteTimeout ?? 5000;
    this.#label = this.initiator || this.channelNegotiated ? (options.channelName ?? randomHex(20)) : null;

    const wrtc = options.wrtc && typeof options.wrtc === "object" ? options.wrtc : SimplePeer.WEBRTC_SUPPORT ? globalThis : undefined;
    if (!wrtc) throw codedError(new Error("No WebRTC support: pass a WebRTC implementation as the wrtc option"), "ERR_WEBRTC_SUPPORT");
    try {
      this.#peer = new Peer({
        initiator: this.initiator,
        channelName: this.#label ?? undefined,
        channelConfig: this.channelConfig,
        config: this.config,
        wrtc: wrtc as WebRTCImplementation,
        trickle: this.trickle,
        iceCompleteTimeout: this.iceCompleteTimeout,
        sdpTransform: this.sdpTransform,
        offerOptions: this.offerOptions,
        answerOptions: this.answerOptions,
        debug: options.debug ?? 0,
      });
    } catch (cause) {
      this.destroy(codedError(cause, "ERR_PC_CONSTRUCTOR"));
      return;
    }
    this.#wire(this.#peer);
    for (const stream of this.streams) this.addStream(stream);
    this.once("finish", this.#onFinish);
  }

  /** Calls `listener` on every `event`; the listener's arguments are typed for simple-peer's events. */
  override on<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): this;
  override on(event: string | symbol, listener: Listener): this;
  override on(event: string | symbol, listener: Listener): this {
    return super.on(event, listener);
  }

  /** Calls `listener` on the next `event` only. */
  override once<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): this;
  override once(event: string | symbol, listener: Listener): this;
  override once(event: string | symbol, listener: Listener): this {
    return super.once(event, listener);
  }

  /** The rxpeer `Peer` underneath: its Observables (`data$`, `connectionState$`, ...) and the operators work on it. */
  get rx(): Peer {
    if (!this.#peer) throw codedError(new Error("this peer has no connection: it could not be created"), "ERR_DESTROYED");
    return this.#peer;
  }

  /** Whether the peer is connected: `connect` was emitted and the channel is open. */
  get connected(): boolean {
    return this.#connected && (this.#peer?.ready ?? false);
  }

  /** Bytes queued in the data channel, not yet sent. */
  get bufferSize(): number {
    return this.#peer?.channel?.bufferedAmount ?? 0;
  }

  /** The data channel's label; `null` on a non-initiator until the channel arrives. */
  get channelName(): string | null {
    return this.#peer?.channel?.label ?? this.#label;
  }

  /** The RTCPeerConnection, under simple-peer's private name, for code that reaches into it. */
  get _pc(): RTCPeerConnection | undefined {
    return this.#peer?.connection;
  }

  /** The local end of the selected candidate pair (known from `connect` on), as simple-peer's `address()`. */
  address(): AddressInfo {
    return { port: this.localPort, family: this.localFamily, address: this.localAddress };
  }

  /**
   * Applies a signal from the remote peer: an object or its JSON string. Throws
   * `ERR_DESTROYED` after destroy; a signal it cannot use destroys the peer with `ERR_SIGNALING`.
   */
  signal(data: SimplePeerSignalData | SignalData | string | object): void {
    const peer = this.#usable("signal");
    if (!peer) return;
    // The remote's own candidates, by port: a remote end first seen by its checks (peer
    // reflexive) shows no address in the stats, and a pair of rxpeers connects that early.
    const text = typeof data === "string" ? data : JSON.stringify(data) ?? "";
    for (const [, address = "", port = ""] of text.matchAll(/candidate:\S+ \d+ \S+ \d+ (\S+) (\d+) typ/g)) this.#signalledAddresses.set(Number(port), address);
    void peer.signal(data as SimplePeerSignalData);
  }

  /** Sends one message now (no backpressure; `write()` has it). Throws before connect and after destroy. */
  send(chunk: Chunk): void {
    this.#usable("send")?.send(chunk);
  }

  /** Sends every track of `stream`; renegotiation follows. */
  addStream(stream: MediaStream): void {
    if (!this.#usable("addStream")) return;
    for (const track of stream.getTracks()) this.addTrack(track, stream);
  }

  /** Stops sending every track of `stream`. */
  removeStream(stream: MediaStream): void {
    if (!this.#usable("removeStream")) return;
    for (const track of stream.getTracks()) this.removeTrack(track, stream);
  }

  /** Sends `track` as part of `stream`; throws `ERR_SENDER_ALREADY_ADDED` if it is already sent. */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    const peer = this.#usable("addTrack");
    if (!peer) return;
    if (this.#sentAs.has(track)) throw codedError(new Error("Track has already been added to that stream."), "ERR_SENDER_ALREADY_ADDED");
    peer.addTrack(track, stream);
    this.#sentAs.set(track, track);
  }

  /** Stops sending `track`; throws `ERR_TRACK_NOT_ADDED` if it was never added. */
  removeTrack(track: MediaStreamTrack, _stream?: MediaStream): void {
    const peer = this.#usable("removeTrack");
    if (!peer) return;
    const sent = this.#sentAs.get(track);
    if (!sent) throw codedError(new Error("Cannot remove track that was never added."), "ERR_TRACK_NOT_ADDED");
    peer.removeTrack(sent);
    for (const [named, as] of this.#sentAs) if (as === sent) this.#sentAs.delete(named);
  }

  /**
   * Sends `newTrack` (or nothing, for `null`) in place of `oldTrack`, without renegotiation.
   * Throws `ERR_TRACK_NOT_ADDED` if `oldTrack` was never added.
   */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack | null, _stream?: MediaStream): void {
    const peer = this.#usable("replaceTrack");
    if (!peer) return;
    const sent = this.#sentAs.get(oldTrack);
    if (!sent) throw codedError(new Error("Cannot replace track that was never added."), "ERR_TRACK_NOT_ADDED");
    if (newTrack) for (const [named, as] of this.#sentAs) if (as === sent) this.#sentAs.set(named, newTrack);
    if (newTrack) this.#sentAs.set(newTrack, newTrack);
    peer.replaceTrack(sent, newTrack).catch((error: unknown) => this.destroy(codedError(error, "ERR_REPLACE_TRACK")));
  }

  /** Adds a transceiver (initiator), or asks the initiator for one (non-initiator), as simple-peer. */
  addTransceiver(kind: "audio" | "video", init?: RTCRtpTransceiverInit): void {
    const peer = this.#usable("addTransceiver");
    if (!peer) return;
    if (!this.initiator) {
      this.emit("signal", { type: "transceiverRequest", transceiverRequest: { kind, init } });
      return;
    }
    try {
      peer.connection.addTransceiver(kind, init);
    } catch (error) {
      this.destroy(codedError(error, "ERR_ADD_TRANSCEIVER"));
    }
  }

  /** Starts a renegotiation: an offer (initiator), or a request for one (non-initiator). */
  negotiate(): void {
    const peer = this.#usable("negotiate");
    if (!peer) return;
    const request = { type: "renegotiate", renegotiate: true } as const;
    // The initiator's own Peer takes a renegotiation request as the remote's: it offers.
    if (this.initiator) void peer.signal(request);
    else this.emit("signal", request);
  }

  /** The connection's stats reports, as an array, to a Node-style callback. */
  getStats(callback: (error: Error | null, reports: RTCStats[]) => void): void {
    const peer = this.#peer;
    if (!peer) return callback(codedError(new Error("cannot getStats: no connection"), "ERR_DESTROYED"), []);
    peer.getStats().then(
      (report) => {
        const reports: RTCStats[] = [];
        report.forEach((stats: RTCStats) => reports.push(stats));
        callback(null, reports);
      },
      (error: unknown) => callback(codedError(error, "ERR_DESTROYED"), []),
    );
  }

  /**
   * Closes the peer; `error` (when `error` is given) then `close` follow in a microtask, as simple-peer.
   */
  destroy(error?: Error | null): void {
    if (this.destroyed || this.destroying) return;
    this.destroying = true;
    queueMicrotask(() => {
      this.destroyed = true;
      this.destroying = false;
      this.#connected = false;
      this.removeListener("finish", this.#onFinish);
      this.push(null);
      this.end();
      const pc = this.#peer?.connection;
      if (pc) pc.oniceconnectionstatechange = pc.onicegatheringstatechange = pc.onsignalingstatechange = null;
      for (const subscription of this.#subscriptions.splice(0)) subscription.unsubscribe();
      const closed = codedError(new Error("cannot write after peer is destroyed"), "ERR_DATA_CHANNEL");
      for (const done of this.#writeCallbacks.splice(0)) done(closed);
      this.#peer?.destroy();
      if (error) this.emit("error", error);
      this.emit("close");
    });
  }

  protected writeMessage(chunk: Chunk, done: (error?: Error | null) => void): void {
    if (this.destroyed || this.destroying) return done(codedError(new Error("cannot write after peer is destroyed"), "ERR_DATA_CHANNEL"));
    this.#writeCallbacks.push(done);
    this.#outgoing.next(chunk);
  }

  #wire(peer: Peer): void {
    const pc = peer.connection;
    this.#subscriptions.push(
      peer.signal$.subscribe((signal) => this.emit("signal", toSimplePeerFormat(signal))),
      peer.connect$.subscribe(() => void this.#onConnect(peer)),
      peer.data$.subscribe((data) => this.#onData(data)),
      peer.track$.subscribe(({ track, stream }) => this.emit("track", track, stream)),
      // As simple-peer: `stream` after the `track` events of the same moment, so the stream holds them.
      peer.stream$.subscribe((stream) => queueMicrotask(() => !this.destroyed && this.emit("stream", stream))),
      peer.error$.subscribe((error) => this.destroy(asSimplePeerError(error))),
      peer.close$.subscribe(() => this.destroy()),
      // Written messages go out with rxpeer's backpressure; each is done once handed to the channel.
      this.#outgoing.pipe(sendTo(peer)).subscribe({
        next: () => this.#writeCallbacks.shift()?.(),
        error: (error: unknown) => this.destroy(codedError(error, "ERR_DATA_CHANNEL")),
      }),
    );
    pc.oniceconnectionstatechange = pc.onicegatheringstatechange = () => {
      if (!this.destroyed) this.emit("iceStateChange", pc.iceConnectionState, pc.iceGatheringState);
    };
    pc.onsignalingstatechange = () => {
      if (this.destroyed) return;
      if (pc.signalingState === "stable") this.emit("negotiated");
      this.emit("signalingStateChange", pc.signalingState);
    };
  }

  // simple-peer reports connect once ICE is connected too, and it knows the selected
  // candidate pair (remoteAddress & co.).
  async #onConnect(peer: Peer): Promise<void> {
    const pc = peer.connection;
    while (!["connected", "completed"].includes(pc.iceConnectionState) && !this.destroyed && !this.destroying) {
      await new Promise((resolve) => this.once("iceStateChange", resolve));
    }
    for (let attempt = 0; attempt < ADDRESS_ATTEMPTS && !this.#readAddresses(await peer.getStats().catch(() => undefined)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, ADDRESS_RETRY_MS));
    }
    if (this.destroyed || this.destroying) return;
    this.#connected = true;
    this.emit("connect");
  }

  #readAddresses(report: RTCStatsReport | undefined): boolean {
    const ends = report && selectedEndpoints(report);
    if (!ends) return !report;
    this.localAddress = ends.local?.address;
    this.localPort = ends.local?.port;
    this.localFamily = ends.local?.family;
    this.remoteAddress = ends.remote?.address || this.#signalledAddresses.get(ends.remote?.port ?? -1);
    this.remotePort = ends.remote?.port;
    this.remoteFamily = ends.remote?.family;
    return true;
  }

  #onData(data: PeerMessage): void {
    if (this.destroyed) return;
    if (typeof data === "string") this.push(this.#objectMode ? data : bytes(new TextEncoder().encode(data)));
    else this.push(bytes(new Uint8Array(data)));
  }

  // simple-peer's guard on every method: silent while destroying, ERR_DESTROYED after.
  #usable(what: string): Peer | undefined {
    if (this.destroying) return undefined;
    if (this.destroyed) throw codedError(new Error(`cannot ${what} after peer is destroyed`), "ERR_DESTROYED");
    return this.#peer;
  }

  #destroySoon(): void {
    if (this.destroyed) return;
    const soon = (): void => void setTimeout(() => this.destroy(), FINISH_DESTROY_MS);
    if (this.#connected) soon();
    else this.once("connect", soon);
  }
}

// Received binary as a Buffer where there is one (Node), else as a Uint8Array.
function bytes(view: Uint8Array): Uint8Array {
  const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array } }).Buffer;
  return NodeBuffer ? NodeBuffer.from(view.buffer, view.byteOffset, view.byteLength) : view;
}

/** `cause` as an Error carrying `code`, as simple-peer's `err-code` makes them. */
function codedError(cause: unknown, code: string): SimplePeerError {
  if (cause instanceof PeerError) return Object.assign(new Error(cause.message, { cause }), { code });
  return Object.assign(cause instanceof Error ? cause : new Error(String(cause)), { code });
}

// simple-peer's code for a signal it cannot use; every other rxpeer code is kept.
function asSimplePeerError(error: PeerError): SimplePeerError {
  return error.code === "ERR_SIGNAL_INVALID" ? codedError(error, "ERR_SIGNALING") : error;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
