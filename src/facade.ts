/**
 * The EventEmitter facade: eventemitter3's listener surface (`on`, `once`,
 * `off`, ...) derived from the Peer's Observables, so code written for
 * @rtco/peer runs unchanged. Each listener is one subscription; nothing is
 * ever emitted through here, only subscribed.
 */
import type { Observable, Subscription } from "rxjs";
import type { PeerError } from "./errors.js";
import type { PeerMessage, PeerTrackEvent, SignalData } from "./types.js";

/** The Peer's events and their listeners' arguments, as @rtco/peer defines them. */
export interface PeerEvents {
  signal: (data: SignalData) => void;
  connect: () => void;
  data: (data: PeerMessage) => void;
  close: () => void;
  error: (error: PeerError) => void;
  stream: (stream: MediaStream) => void;
  removestream: (stream: MediaStream) => void;
  track: (track: MediaStreamTrack, stream: MediaStream) => void;
  removetrack: (track: MediaStreamTrack, stream: MediaStream) => void;
}

export type PeerEventName = keyof PeerEvents;

/** The Observables a facade listens to: one per event, named event + `$`. */
export interface PeerEventSources {
  signal: Observable<SignalData>;
  connect: Observable<void>;
  data: Observable<PeerMessage>;
  close: Observable<void>;
  error: Observable<PeerError>;
  stream: Observable<MediaStream>;
  removestream: Observable<MediaStream>;
  track: Observable<PeerTrackEvent>;
  removetrack: Observable<PeerTrackEvent>;
}

/** The Observables a facade's owner exposes, each named after its event plus `$`: `signal$`, `data$`, ... */
export type PeerEventStreams = { [E in PeerEventName as `${E}$`]: PeerEventSources[E] };

// The facade's events: its owner has other Observables too (`connected$`), not events.
const EVENTS: ReadonlySet<string> = new Set<PeerEventName>(["signal", "connect", "data", "close", "error", "stream", "removestream", "track", "removetrack"]);

type AnyListener = (...args: never[]) => void;

interface Registration {
  listener: AnyListener;
  context: unknown;
  once: boolean;
  subscription?: Subscription;
  // Set once the registration is forgotten: no call after that, even from a value already on its way.
  done?: boolean;
}

/**
 * Base class giving a Peer eventemitter3's listener methods on top of its Observables,
 * which the Peer must expose as {@link PeerEventStreams} (`signal$`, `data$`, ...).
 *
 * @example
 * ```ts
 * peer.on("data", (data) => console.log("got", data));
 * peer.once("connect", () => peer.send("hello"));
 * peer.off("data"); // removes every data listener
 * ```
 */
export abstract class PeerEventEmitter {
  readonly #registrations = new Map<string, Registration[]>();

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
    for (const registration of [...(this.#registrations.get(event) ?? [])]) {
      const matches = !listener || (registration.listener === listener && (!once || registration.once) && (!context || registration.context === context));
      if (matches) this.#forget(event, registration);
    }
    return this;
  }

  /** Alias of {@link off}. */
  removeListener<E extends PeerEventName>(event: E, listener?: PeerEvents[E], context?: unknown, once?: boolean): this {
    return this.off(event, listener, context, once);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: PeerEventName): this {
    for (const name of event === undefined ? [...this.#registrations.keys()] : [event]) this.off(name as PeerEventName);
    return this;
  }

  /** The listeners of `event`, in the order they were added. */
  listeners<E extends PeerEventName>(event: E): PeerEvents[E][] {
    return (this.#registrations.get(event) ?? []).map((registration) => registration.listener as unknown as PeerEvents[E]);
  }

  /** How many listeners `event` has. */
  listenerCount(event: PeerEventName): number {
    return this.#registrations.get(event)?.length ?? 0;
  }

  /** The events that have listeners. */
  eventNames(): PeerEventName[] {
    return [...this.#registrations.keys()] as PeerEventName[];
  }

  #register(event: PeerEventName, listener: AnyListener, context: unknown, once: boolean): this {
    if (typeof listener !== "function") throw new TypeError(`listener for "${String(event)}" must be a function`);
    const registration: Registration = { listener, context, once };
    const list = this.#registrations.get(event) ?? [];
    list.push(registration);
    this.#registrations.set(event, list);
    // An event name of no Observable (eventemitter3 takes any) keeps its listener, never called.
    const source = EVENTS.has(event) ? (this as unknown as Record<string, Observable<unknown>>)[`${event}$`] : undefined;
    if (!source) return this;
    const spread = event === "track" || event === "removetrack";
    registration.subscription = source.subscribe({
      next: (value) => {
        if (registration.done) return;
        if (once) this.#forget(event, registration);
        // As @rtco/peer: track listeners get (track, stream), those of void events no argument.
        (listener as (this: unknown, ...args: unknown[]) => void).apply(context, spread ? [(value as PeerTrackEvent).track, (value as PeerTrackEvent).stream] : value === undefined ? [] : [value]);
      },
      complete: () => this.#forget(event, registration),
    });
    // A source that emitted or completed during subscribe() has already forgotten this registration.
    if (registration.done) registration.subscription.unsubscribe();
    return this;
  }

  #forget(event: string, registration: Registration): void {
    registration.done = true;
    registration.subscription?.unsubscribe();
    const list = this.#registrations.get(event);
    if (!list) return;
    const index = list.indexOf(registration);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#registrations.delete(event);
  }
}
