/**
 * The Peer's events, listed once, and the EventEmitter facade derived from them:
 * eventemitter3's listener surface (`on`, `once`, `off`, ...) over the Peer's
 * Observables, so code written for @rtco/peer runs unchanged. Each listener is one
 * subscription; nothing is ever emitted through here, only subscribed.
 */
import { Observable, Subject, type Subscription } from "rxjs";
import type { PeerError } from "./errors.js";
import { holdUntilTaken } from "./held-subject.js";
import type { PeerMessage, PeerTrackEvent, SignalData } from "./types.js";

// How a listener receives what an event's Observable emits (as @rtco/peer: track
// listeners get (track, stream), those of void events no argument).
const value = <T>(emitted: T): [T] => [emitted];
const nothing = (_: void): [] => [];
const trackAndStream = ({ track, stream }: PeerTrackEvent): [track: MediaStreamTrack, stream: MediaStream] => [track, stream];

/**
 * Every event of a Peer, once: its name, what its Observable (`name$`) emits, and the
 * arguments its listeners get. The Peer's Observables, the facade and their types all
 * come from this list: a new event is one line here.
 */
export const PEER_EVENTS = {
  /** Local signals to carry to the remote peer. Signals made while nobody listens are held until a subscriber takes them. */
  signal: value<SignalData>,
  /** Emits once, when the data channel opens. */
  connect: nothing,
  /** Each message from the remote peer: text as string, binary as ArrayBuffer. */
  data: value<PeerMessage>,
  /** Emits once when the peer closes; every Observable of the peer completes right after. */
  close: nothing,
  /** Errors, each a PeerError with a code. Never ends the other streams. */
  error: value<PeerError>,
  /** A remote stream got its first track. */
  stream: value<MediaStream>,
  /** A remote stream lost its last track. */
  removestream: value<MediaStream>,
  /** A remote track arrived, with its stream. */
  track: trackAndStream,
  /** A remote track was removed, with the stream it was in. */
  removetrack: trackAndStream,
};

type EventList = typeof PEER_EVENTS;

/** The name of a Peer event: `"signal"`, `"data"`, ... */
export type PeerEventName = keyof EventList;

/** What each event's Observable emits. */
export type PeerEmissions = { [E in PeerEventName]: Parameters<EventList[E]>[0] };

type ListenerArgs = { [E in PeerEventName]: ReturnType<EventList[E]> };

/** The Peer's events and their listeners' arguments, as @rtco/peer defines them. */
export type PeerEvents = { [E in PeerEventName]: (...args: ListenerArgs[E]) => void };

/** One Observable per event, keyed by event name: what a facade listens to. */
export type PeerEventSources = { readonly [E in PeerEventName]: Observable<PeerEmissions[E]> };

/** The same Observables as a Peer exposes them, each named after its event plus `$`: `signal$`, `data$`, ... */
export type PeerEventStreams = { readonly [E in PeerEventName as `${E}$`]: Observable<PeerEmissions[E]> };

// The list, typed per event, so `toArgs[event]` of a generic event keeps its own types.
const toArgs: { [E in PeerEventName]: (emitted: PeerEmissions[E]) => ListenerArgs[E] } = PEER_EVENTS;

/** The names of the events, in the list's order. */
export const PEER_EVENT_NAMES = Object.keys(PEER_EVENTS) as PeerEventName[];

/** One Subject per event, for the Peer to emit through. */
export type PeerEventSubjects = { readonly [E in PeerEventName]: Subject<PeerEmissions[E]> };

/**
 * Makes the Subjects a Peer emits through, and the Observables it exposes: each a view
 * of its Subject, `signal` held until taken.
 *
 * @example
 * ```ts
 * const { emit, sources } = peerEvents();
 * sources.data.subscribe(console.log);
 * emit.data.next("hi"); // logs "hi"
 * ```
 */
export function peerEvents(): { emit: PeerEventSubjects; sources: PeerEventSources } {
  // Built from the list, so the result has every event: what the two casts state.
  const emit = Object.fromEntries(PEER_EVENT_NAMES.map((name) => [name, new Subject()])) as PeerEventSubjects;
  const sources = Object.fromEntries(PEER_EVENT_NAMES.map((name) => [name, name === "signal" ? holdUntilTaken(emit[name]) : emit[name].asObservable()])) as PeerEventSources;
  return { emit, sources };
}

interface Registration<E extends PeerEventName> {
  event: E;
  listener: PeerEvents[E];
  context: unknown;
  once: boolean;
  subscription?: Subscription;
  // Set once the registration is forgotten: no call after that, even from a value already on its way.
  done?: boolean;
}

/**
 * eventemitter3's listener methods over a Peer's Observables, handed over as {@link PeerEventSources}.
 *
 * @example
 * ```ts
 * peer.on("data", (data) => console.log("got", data));
 * peer.once("connect", () => peer.send("hello"));
 * peer.off("data"); // removes every data listener
 * ```
 */
export class PeerEventEmitter {
  // Every listener of every event, in the order they were added.
  #registrations: Registration<PeerEventName>[] = [];
  readonly #sources: PeerEventSources;

  constructor(sources: PeerEventSources) {
    this.#sources = sources;
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

  /** The events that have listeners. */
  eventNames(): PeerEventName[] {
    return [...new Set(this.#registrations.map((registration) => registration.event))];
  }

  #of<E extends PeerEventName>(event: E): Registration<E>[] {
    return this.#registrations.filter((registration): registration is Registration<E> => registration.event === event);
  }

  #register<E extends PeerEventName>(event: E, listener: PeerEvents[E], context: unknown, once: boolean): this {
    if (typeof listener !== "function") throw new TypeError(`listener for "${String(event)}" must be a function`);
    const registration: Registration<E> = { event, listener, context, once };
    this.#registrations.push(registration);
    // An event name of no Observable (eventemitter3 takes any) keeps its listener, never called.
    if (!Object.hasOwn(this.#sources, event)) return this;
    const source: Observable<PeerEmissions[E]> = this.#sources[event];
    const argsOf = toArgs[event];
    // The subscriber is kept before subscribing, so a listener forgotten while the source
    // emits inside subscribe() (held signals) stops it at once and leaves the rest held.
    new Observable<PeerEmissions[E]>((subscriber) => {
      registration.subscription = subscriber;
      return source.subscribe(subscriber);
    }).subscribe({
      next: (emitted) => {
        if (registration.done) return;
        if (once) this.#forget(registration);
        listener.apply(context, argsOf(emitted));
      },
      complete: () => this.#forget(registration),
    });
    return this;
  }

  #forget(registration: Registration<PeerEventName>): void {
    registration.done = true;
    registration.subscription?.unsubscribe();
    this.#registrations = this.#registrations.filter((other) => other !== registration);
  }
}
