/**
 * The Peer's events, listed once, and the EventEmitter facade derived from them:
 * eventemitter3's listener surface (`on`, `once`, `off`, ...) over the Peer's
 * Observables, so code written for @rtco/peer runs unchanged. Each listener is one
 * subscription; nothing is ever emitted through here, only subscribed.
 */
import { Observable, Subject, type Subscription } from "./rxjs-imports.js";
import { PeerError, describe } from "./errors.js";
import { holdUntilTaken } from "./held-subject.js";
import type { PeerMessage, PeerReplaceTrackEvent, PeerTrackEvent, SignalData } from "./types.js";

/**
 * Every event of a Peer as its Observable, named after the event plus `$`. With
 * `PEER_EVENTS` (src/facade.ts) it is the one list of the events: the Peer's Observables, the
 * facade and the listener types all come from the two. A new event is one line here
 * and one there.
 */
export interface PeerEventStreams {
  /** Local signals to carry to the remote peer. Signals made while nobody listens are held until a subscriber takes them. */
  readonly signal$: Observable<SignalData>;
  /** Emits once, when the data channel opens. */
  readonly connect$: Observable<void>;
  /** Each message from the remote peer: text as string, binary as ArrayBuffer. */
  readonly data$: Observable<PeerMessage>;
  /** Emits once when the peer closes; every Observable of the peer completes right after. */
  readonly close$: Observable<void>;
  /** Errors, each a PeerError with a code. Never ends the other streams. */
  readonly error$: Observable<PeerError>;
  /** A remote stream got its first track. */
  readonly stream$: Observable<MediaStream>;
  /** A remote stream lost its last track. */
  readonly removestream$: Observable<MediaStream>;
  /** A remote track arrived, with its stream. */
  readonly track$: Observable<PeerTrackEvent>;
  /** A remote track was removed, with the stream it was in. */
  readonly removetrack$: Observable<PeerTrackEvent>;
  /** A local `replaceTrack(oldTrack, newTrack)` resolved (as @rtco/peer 0.3.6's `replacetrack` event). */
  readonly replacetrack$: Observable<PeerReplaceTrackEvent>;
}

/** What each event's Observable emits, by event name. */
export type PeerEmissions = { [S in keyof PeerEventStreams as S extends `${infer E}$` ? E : never]: PeerEventStreams[S] extends Observable<infer T> ? T : never };

/** The name of a Peer event: `"signal"`, `"data"`, ... */
export type PeerEventName = keyof PeerEmissions;

// How a listener receives what an event's Observable emits (as @rtco/peer: track
// listeners get (track, stream), those of void events no argument). The track events'
// arguments are their fields in order: the Peer makes each event object itself, written
// `{ track, stream }` and `{ oldTrack, newTrack }`.
const value = <T>(emitted: T): [T] => [emitted];
const nothing = (_: void): [] => [];
const trackAndStream = Object.values as (emitted: PeerTrackEvent) => [track: MediaStreamTrack, stream: MediaStream];
const oldAndNew = Object.values as (emitted: PeerReplaceTrackEvent) => [oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack | null];

/** Each event, in order, with how its listeners get what it emits. */
export const PEER_EVENTS = {
  signal: value,
  connect: nothing,
  data: value,
  close: nothing,
  error: value,
  stream: value,
  removestream: value,
  track: trackAndStream,
  removetrack: trackAndStream,
  replacetrack: oldAndNew,
} satisfies { [E in PeerEventName]: (emitted: PeerEmissions[E]) => unknown[] };

type EventList = typeof PEER_EVENTS;

// A listener of a plain event gets what it emits; the others, what their entry makes of it.
type ListenerArgs = { [E in PeerEventName]: EventList[E] extends typeof value ? [PeerEmissions[E]] : ReturnType<EventList[E]> };

/**
 * The Peer's events and their listeners' arguments, as @rtco/peer defines them: a
 * listener gets what the event's Observable emits (`data`: the message, `error`: the
 * PeerError, ...), except `track` / `removetrack` listeners, which get `(track, stream)`,
 * and `connect` / `close` listeners, which get no argument.
 */
export type PeerEvents = { [E in PeerEventName]: (...args: ListenerArgs[E]) => void };

/** One Observable per event, keyed by event name: what a facade listens to. */
export type PeerEventSources = { readonly [E in PeerEventName]: Observable<PeerEmissions[E]> };

// The list, typed per event, so `argsOf[event]` of a generic event keeps its own types.
type ArgsOf = { [E in PeerEventName]: (emitted: PeerEmissions[E]) => ListenerArgs[E] };

/** The names of the events, in the list's order. */
export const PEER_EVENT_NAMES = Object.keys(PEER_EVENTS) as PeerEventName[];

/**
 * The Subjects a Peer emits through, by event. `signal`'s is there from the start (it holds
 * what is emitted until taken); each other one is made at its event's first subscriber (see
 * {@link PeerEventEmitter}): what is emitted while nobody listens is dropped anyway, and
 * ten Subjects made per Peer cost each connect. So the Peer emits through `emit.data?.next()`.
 */
export type PeerEventSubjects = { [E in PeerEventName]?: Subject<PeerEmissions[E]> } & { readonly signal: Subject<SignalData> };

/**
 * Makes the Subjects a Peer emits through: `signal`'s; the others come at first use.
 *
 * @example
 * ```ts
 * const emit = peerEvents();
 * emit.signal.next(signal);
 * emit.data?.next("hi"); // nobody subscribed to data$ yet: nothing to do
 * ```
 */
export function peerEvents(): PeerEventSubjects {
  return { signal: new Subject() };
}

/**
 * Completes every event's Subject, making those nobody subscribed to yet: a subscriber that
 * comes after close finds its event complete, as it would had it come before.
 *
 * @example
 * ```ts
 * completeEvents(emit); // in the Peer's close, after close$ emitted
 * peer.track$.subscribe({ complete: () => console.log("complete at once") });
 * ```
 */
export function completeEvents(emit: PeerEventSubjects): void {
  for (const name of PEER_EVENT_NAMES) eventSubject(emit, name).complete();
}

// An event's Subject, made at its first use.
function eventSubject<E extends PeerEventName>(emit: PeerEventSubjects, event: E): Subject<PeerEmissions[E]> {
  return ((emit as Record<string, Subject<unknown>>)[event] ??= new Subject()) as Subject<PeerEmissions[E]>;
}

interface Registration<E extends PeerEventName> {
  event: E;
  listener: PeerEvents[E];
  context: unknown;
  once: boolean;
  subscription?: Subscription;
}

// The event streams (`signal$`, `data$`, ...), one per event of the list: the constructor
// defines each from the sources it is given, so their types and values come from one list.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PeerEventEmitter extends PeerEventStreams {}

/**
 * A Peer's event streams (`signal$`, `data$`, ...) and eventemitter3's listener methods over
 * them, both from the Subjects it is handed (see {@link peerEvents}).
 *
 * @example
 * ```ts
 * peer.on("data", (data) => console.log("got", data));
 * peer.once("connect", () => peer.send("hello"));
 * peer.off("data"); // removes every data listener
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PeerEventEmitter {
  // Every listener, by event, in the order they were added; an event is in the map while it has
  // listeners, so the map's order is eventemitter3's order of event names.
  readonly #registrations = new Map<PeerEventName, Registration<PeerEventName>[]>();
  readonly #emit: PeerEventSubjects;
  // Each event's Observable, made at its first use (a view of its Subject); `signal`'s from the
  // start, as it holds what is emitted until taken. Made per Peer, they cost each connect.
  readonly #sources: Partial<PeerEventSources>;

  // The streams are getters of the prototype, defined once, not properties of every instance
  // (not enumerable, as a class's own getters are not).
  static {
    for (const name of PEER_EVENT_NAMES) {
      Object.defineProperty(this.prototype, `${name}$`, { get(this: PeerEventEmitter) { return this.#source(name); } });
    }
  }

  constructor(emit: PeerEventSubjects) {
    this.#emit = emit;
    this.#sources = { signal: holdUntilTaken(emit.signal) };
  }

  /** Calls `listener` on every `event`. */
  on<E extends PeerEventName>(event: E, listener: PeerEvents[E], context?: unknown): this {
    return this.#register(event, listener, context, false);
  }

  /** Alias of {@link on}. */
  addListener<E extends PeerEventName>(event: E, listener: PeerEvents[E], context?: unknown): this {
    return this.#register(event, listener, context, false);
  }

  /** Calls `listener` on the next `event` only. */
  once<E extends PeerEventName>(event: E, listener: PeerEvents[E], context?: unknown): this {
    return this.#register(event, listener, context, true);
  }

  /** Removes matching listeners of `event` (all of them when `listener` is omitted), as eventemitter3 does. */
  off<E extends PeerEventName>(event: E, listener?: PeerEvents[E], context?: unknown, once?: boolean): this {
    for (const registration of this.#of(event)) {
      const matches = !listener || (registration.listener === listener && (!once || registration.once) && (!context || registration.context === context));
      if (matches) this.#forget(registration);
    }
    return this;
  }

  /** Alias of {@link off}. */
  removeListener<E extends PeerEventName>(event: E, listener?: PeerEvents[E], context?: unknown, once?: boolean): this {
    return this.off(event, listener, context, once);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: PeerEventName): this {
    for (const name of event === undefined ? this.eventNames() : [event]) this.off(name);
    return this;
  }

  /** The listeners of `event`, in the order they were added. */
  listeners<E extends PeerEventName>(event: E): PeerEvents[E][] {
    return this.#of(event).map((registration) => registration.listener);
  }

  /** How many listeners `event` has. */
  listenerCount(event: PeerEventName): number {
    return this.#of(event).length;
  }

  /** The events that have listeners, in the order each got its first one since it last had none (as eventemitter3). */
  eventNames(): PeerEventName[] {
    return [...this.#registrations.keys()];
  }

  // Never changed in place (#forget puts a new array), so off can remove while it iterates.
  #of<E extends PeerEventName>(event: E): Registration<E>[] {
    return (this.#registrations.get(event) ?? []) as Registration<E>[];
  }

  #register<E extends PeerEventName>(event: E, listener: PeerEvents[E], context: unknown, once: boolean): this {
    if (typeof listener !== "function") throw new PeerError("ERR_INVALID_ARGUMENT", `a listener of "${String(event)}" must be a function, got ${describe(listener)}`);
    // As eventemitter3: a listener given no context is called with the emitter (the Peer) as `this`.
    const registration: Registration<E> = { event, listener, context: context || this, once };
    this.#registrations.set(event, [...this.#of(event), registration]);
    // An event name of no Observable (eventemitter3 takes any) keeps its listener, never called.
    if (!Object.hasOwn(PEER_EVENTS, event)) return this;
    const source = this.#source(event);
    const argsOf = (PEER_EVENTS satisfies ArgsOf as ArgsOf)[event];
    // The subscriber is kept before subscribing, so a listener forgotten while the source
    // emits inside subscribe() (held signals) stops it at once and leaves the rest held.
    new Observable<PeerEmissions[E]>((subscriber) => {
      registration.subscription = subscriber;
      return source.subscribe(subscriber);
    }).subscribe({
      next: (emitted) => {
        if (once) this.#forget(registration);
        listener.apply(registration.context, argsOf(emitted));
      },
      complete: () => this.#forget(registration),
    });
    return this;
  }

  #source<E extends PeerEventName>(event: E): Observable<PeerEmissions[E]> {
    return ((this.#sources as Record<string, Observable<unknown>>)[event] ??= eventSubject(this.#emit, event).asObservable()) as Observable<PeerEmissions[E]>;
  }

  #forget(registration: Registration<PeerEventName>): void {
    registration.subscription?.unsubscribe();
    const left = this.#of(registration.event).filter((other) => other !== registration);
    if (left.length > 0) this.#registrations.set(registration.event, left);
    else this.#registrations.delete(registration.event);
  }
}
