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
  /**
   * Makes a connected pair. Once `signal` aborts (the caller gave up on it, see
   * {@link connectWithin}), whatever the attempt has made so far is closed and the promise
   * rejects with the signal's reason; a pair it resolves with is the caller's to close.
   */
  connect(signal?: AbortSignal): Promise<Pair>;
}

/**
 * `contender.connect()`, given `ms` to make its pair: past that the attempt is aborted, so
 * the peers it made are closed rather than left connecting (or connected) in the process
 * or page, loading whatever is measured after it; the promise rejects with "timed out".
 * A pair that still arrives afterwards (a contender that ignored the signal) is closed too.
 *
 * @example
 * ```ts
 * const pair = await connectWithin(rawContender(wrtc, marks), 20_000);
 * ```
 */
export function connectWithin<P extends Pair>(contender: { connect(signal?: AbortSignal): Promise<P> }, ms: number): Promise<P> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${ms} ms`)), ms);
  const connecting = contender.connect(controller.signal);
  void connecting.then(
    (pair) => controller.signal.aborted && pair.close(),
    () => undefined,
  );
  return unlessAborted(controller.signal, connecting, () => undefined).finally(() => clearTimeout(timer));
}

/**
 * `work`, unless `signal` aborts first: then `release` is called (at once if it has already
 * aborted) to close what the work has made so far, and the promise rejects with the
 * signal's reason, whether or not `work` ever settles.
 */
export function unlessAborted<T>(signal: AbortSignal | undefined, work: Promise<T>, release: () => void): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      release();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** The WebRTC constructors a contender builds on: @roamhq/wrtc on Node, the globals in Chromium. */
export interface WebRTC {
  RTCPeerConnection: typeof RTCPeerConnection;
}

/** Resolves after one macrotask: lets a runtime finish the work behind an event before timing starts. */
export function nextTask(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long a pair may take to greet before it is given up and made again (see {@link retryingStuck}). */
export const RETRY_AFTER_MS = 5_000;

/** The reason an attempt given up by {@link retryingStuck} is aborted with. */
const STUCK = new Error("no greeting in time: made again");

/**
 * Makes a pair with `attempt`, giving up on one that has not greeted within `retryAfterMs`
 * (its signal aborts, so it closes what it made) and making another, until one greets or
 * `signal` aborts. Each attempt is timed from the first one's `start`, so a pair made again
 * costs its contender the wait. A careful user does the same, and every contender gets it
 * alike: in Chromium an in-band channel's answerer now and then reports `open` and queues
 * what it sends there, and the queue never goes out (`bufferedAmount` stays at the greeting's
 * 5 bytes, `messagesSent` 0; about one pair in 200, raw's and @rtco/peer's alike; see
 * docs/benchmarks.md), and a raw node-datachannel pair now and then never greets at all.
 *
 * @example
 * ```ts
 * const link = await retryingStuck((start, attempt) => linkOnce(webrtc, start, attempt), signal);
 * ```
 */
export async function retryingStuck<P>(attempt: (start: number, signal: AbortSignal) => Promise<P>, signal?: AbortSignal, retryAfterMs = RETRY_AFTER_MS): Promise<P> {
  const start = performance.now();
  for (;;) {
    signal?.throwIfAborted();
    const controller = new AbortController();
    const giveUp = setTimeout(() => controller.abort(STUCK), retryAfterMs);
    const abort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", abort, { once: true });
    try {
      return await attempt(start, controller.signal);
    } catch (err) {
      if (err !== STUCK) throw err;
      // Seen in the bench's log (a browser page's errors are), so a run's remade pairs can be counted.
      console.error(`bench: a pair did not greet within ${retryAfterMs} ms; closed and made again`);
    } finally {
      clearTimeout(giveUp);
      signal?.removeEventListener("abort", abort);
    }
  }
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
 * {@link greet} does every contender, closed by destroying both (also when `signal`
 * aborts before the greeting is done).
 */
export async function emitterPair<P extends { destroy(): void }>(start: number, a: P, b: P, sides: EmitterSides<P>, signal?: AbortSignal): Promise<Pair> {
  const close = (): void => {
    a.destroy();
    b.destroy();
  };
  const greeting = greet(start, sides.greeter(a), sides.greeter(b));
  sides.wire(a, b);
  sides.wire(b, a);
  const { connectMs, connectDetail } = await unlessAborted(signal, greeting, close);
  return { a: sides.endpoint(a), b: sides.endpoint(b), connectMs, connectDetail, close };
}
