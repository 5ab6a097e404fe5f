/**
 * What the workloads see of a contender: two connected endpoints that send and receive
 * binary messages. Each contender (raw RTCDataChannel, rxpeer, simple-peer, @rtco/peer)
 * implements it with its own public API, the way its users would write the code, so the
 * workloads in workloads.ts are the same code for all of them.
 */

/** A message as it arrives: rxpeer and raw channels give ArrayBuffers, simple-peer on Node a Buffer. */
export type Received = string | ArrayBuffer | ArrayBufferView;

export interface Endpoint {
  /** Sends one message at once, with no backpressure (ping-pong sends one at a time). */
  send(data: ArrayBuffer): void;
  /**
   * Sends every message in order, with this contender's backpressure (none for
   * @rtco/peer), and resolves once the last one was handed to the channel.
   */
  sendAll(messages: Iterable<ArrayBuffer>): Promise<SendReport>;
  /** Calls `listener` for each message that arrives; one listener per endpoint. */
  onMessage(listener: (data: Received) => void): void;
}

export interface SendReport {
  /** Sends that threw (a full send queue in Chromium); the sender went on with the next message. */
  failedSends: number;
}

export interface Pair {
  /** The initiator. */
  a: Endpoint;
  b: Endpoint;
  /**
   * Milliseconds from constructing the first peer object until each side has received the
   * first message of the other, each sent at its own connect (see {@link greet}).
   */
  connectMs: number;
  /** The parts of it, in ms from the same start: `connected` (both sides connected), `toAnswerer`, `toInitiator` (each first message delivered). */
  connectDetail: Record<string, number>;
  close(): void;
}

/**
 * The contenders; `rxpeer-send` is rxpeer driven by `peer.send` in a user-written loop instead of `sendTo`,
 * `rxpeer-batch` sends through `chunk({ batch: true })` + `sendTo` and receives through `dechunk`.
 */
export type ContenderName = "raw" | "rxpeer" | "rxpeer-send" | "rxpeer-batch" | "simple-peer" | "rtco";

export interface Contender {
  name: ContenderName;
  /** Whether `sendAll` waits for the channel's queue to drain; without it data can be lost. */
  backpressure: boolean;
  connect(): Promise<Pair>;
}

/** The WebRTC constructors a contender builds on: @roamhq/wrtc on Node, the globals in Chromium. */
export interface WebRTC {
  RTCPeerConnection: typeof RTCPeerConnection;
}

/** Resolves after one macrotask: lets a runtime finish the work behind an event before timing starts. */
export function nextTask(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One side of a pair as {@link greet} sees it, in the contender's own API. */
export interface Greeter {
  /** Calls `listener` once, when this side connects (a raw channel: its `open`). */
  connected(listener: () => void): void;
  send(text: string): void;
  /** Calls `listener` once, at the first message this side receives. */
  received(listener: () => void): void;
}

/** When a pair became usable, in ms from `start`: see {@link greet}. */
export interface Greeting {
  connectMs: number;
  connectDetail: { connected: number; toAnswerer: number; toInitiator: number };
}

/**
 * What connect costs a user: each side sends one message the moment it connects, and the
 * pair is usable once both have arrived. The same for every contender, so a contender that
 * reports connect early but cannot carry a message yet gains nothing.
 */
export async function greet(start: number, initiator: Greeter, answerer: Greeter): Promise<Greeting> {
  const since = (): number => performance.now() - start;
  const side = (self: Greeter): [Promise<number>, Promise<number>] => [
    new Promise((resolve) =>
      self.connected(() => {
        resolve(since());
        self.send("hello");
      }),
    ),
    new Promise((resolve) => self.received(() => resolve(since()))),
  ];
  const [[aConnected, toInitiator], [bConnected, toAnswerer]] = [side(initiator), side(answerer)];
  const [a, b, toA, toB] = await Promise.all([aConnected, bConnected, toInitiator, toAnswerer]);
  return { connectMs: Math.max(toA, toB), connectDetail: { connected: Math.max(a, b), toAnswerer: toB, toInitiator: toA } };
}

/** How an emitter-style contender (simple-peer, @rtco/peer) is greeted, driven and wired. */
export interface EmitterSides<P> {
  greeter(peer: P): Greeter;
  endpoint(peer: P): Endpoint;
  /** Hands each signal `from` emits to `to`, the way the library's users write it. */
  wire(from: P, to: P): void;
}

/**
 * A pair of emitter-style peers made at `start`: signals wired both ways, greeted as
 * {@link greet} does every contender, closed by destroying both.
 */
export async function emitterPair<P extends { destroy(): void }>(start: number, a: P, b: P, sides: EmitterSides<P>): Promise<Pair> {
  const greeting = greet(start, sides.greeter(a), sides.greeter(b));
  sides.wire(a, b);
  sides.wire(b, a);
  const { connectMs, connectDetail } = await greeting;
  return {
    a: sides.endpoint(a),
    b: sides.endpoint(b),
    connectMs,
    connectDetail,
    close: () => {
      a.destroy();
      b.destroy();
    },
  };
}
