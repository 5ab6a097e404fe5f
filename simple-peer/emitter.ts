/**
 * The listener surface of Node's EventEmitter, small and without Node: what
 * simple-peer's users (and Node's own `stream.pipe()`) call on a peer. Runs in
 * browsers with no `events` polyfill.
 */

/** Any listener; arguments are those of the event. */
export type Listener = (...args: never[]) => unknown;

interface Registration {
  listener: Listener;
  once: boolean;
}

/**
 * A minimal EventEmitter: `on`, `once`, `off`, `prependListener`, `emit`, ...
 * An `error` emitted with no listener is not thrown (Node would throw and, from a
 * WebRTC callback, end the process): the peer closes all the same.
 *
 * @example
 * ```ts
 * const emitter = new Emitter();
 * emitter.once("ping", (n: number) => console.log(n));
 * emitter.emit("ping", 1); // logs 1
 * ```
 */
export class Emitter {
  readonly #registrations = new Map<string | symbol, Registration[]>();

  /** Calls `listener` on every `event`. */
  on(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false, false);
  }

  /** Alias of {@link Emitter.on}. */
  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  /** Calls `listener` on the next `event` only. */
  once(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, true, false);
  }

  /** As {@link Emitter.on}, called before the listeners already there. */
  prependListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, false, true);
  }

  /** As {@link Emitter.once}, called before the listeners already there. */
  prependOnceListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener, true, true);
  }

  /** Removes the most recently added registration of `listener` for `event`. */
  off(event: string | symbol, listener: Listener): this {
    const list = this.#registrations.get(event);
    const index = list ? list.map((registration) => registration.listener).lastIndexOf(listener) : -1;
    if (list && index >= 0) list.splice(index, 1);
    if (list?.length === 0) this.#registrations.delete(event);
    return this;
  }

  /** Alias of {@link Emitter.off}. */
  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#registrations.clear();
    else this.#registrations.delete(event);
    return this;
  }

  /** Calls the listeners of `event` in order with `args`; true if there was any. */
  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#registrations.get(event);
    if (!list) return false;
    for (const registration of [...list]) {
      if (registration.once) this.#forget(event, registration);
      (registration.listener as (...values: unknown[]) => unknown).apply(this, args);
    }
    return true;
  }

  /** How many listeners `event` has. */
  listenerCount(event: string | symbol): number {
    return this.#registrations.get(event)?.length ?? 0;
  }

  /** The listeners of `event`, in order. */
  listeners(event: string | symbol): Listener[] {
    return (this.#registrations.get(event) ?? []).map((registration) => registration.listener);
  }

  /** The events that have listeners. */
  eventNames(): (string | symbol)[] {
    return [...this.#registrations.keys()];
  }

  /** Accepted for Node compatibility; there is no listener limit. */
  setMaxListeners(_count: number): this {
    return this;
  }

  #add(event: string | symbol, listener: Listener, once: boolean, first: boolean): this {
    if (typeof listener !== "function") throw new TypeError(`listener for "${String(event)}" must be a function`);
    const list = this.#registrations.get(event) ?? [];
    if (first) list.unshift({ listener, once });
    else list.push({ listener, once });
    this.#registrations.set(event, list);
    this.listenerAdded(event);
    return this;
  }

  #forget(event: string | symbol, registration: Registration): void {
    const list = this.#registrations.get(event);
    const index = list?.indexOf(registration) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    if (list?.length === 0) this.#registrations.delete(event);
  }

  /** Called after each listener is added (a readable side starts flowing at its first `data` listener). */
  protected listenerAdded(_event: string | symbol): void {}
}
