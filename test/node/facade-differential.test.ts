// The EventEmitter facade against eventemitter3 itself, the one @rtco/peer ships (5.x): any
// sequence of on / addListener / once / off / removeListener / removeAllListeners and
// emissions, done to both, calls the same listeners with the same arguments and `this`, in
// the same order, and leaves the same listeners, counts and event names after every step.
// Emitting on the facade is what the Peer does: next() on the event's Subject.
// (Removing a listener from inside another listener of the same emission is left out: there
// the facade deliberately follows RxJS and stops calling it at once, as facade.spec.ts shows.)
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PeerEventEmitter, peerEvents, type PeerEventSubjects } from "../../src/facade.js";

// The eventemitter3 that @rtco/peer itself depends on, whatever else is hoisted.
const EventEmitter = createRequire(createRequire(import.meta.url).resolve("@rtco/peer/package.json"))("eventemitter3") as new () => Emitter;

interface Emitter {
  on(event: string, listener: (...args: unknown[]) => void, context?: unknown): unknown;
  addListener(event: string, listener: (...args: unknown[]) => void, context?: unknown): unknown;
  once(event: string, listener: (...args: unknown[]) => void, context?: unknown): unknown;
  off(event: string, listener?: (...args: unknown[]) => void, context?: unknown, once?: boolean): unknown;
  removeListener(event: string, listener?: (...args: unknown[]) => void, context?: unknown, once?: boolean): unknown;
  removeAllListeners(event?: string): unknown;
  listeners(event: string): unknown[];
  listenerCount(event: string): number;
  eventNames(): (string | symbol)[];
}

// Events of each shape: a value (data, error) and none (connect).
const EVENTS = ["data", "error", "connect"] as const;
type Event = (typeof EVENTS)[number];
const CONTEXTS = [undefined, { name: "A" }, { name: "B" }] as const;

type Step =
  | { op: "on" | "addListener" | "once"; event: Event; listener: number; context: number }
  | { op: "off" | "removeListener"; event: Event; listener: number | undefined; context: number; once: boolean | undefined }
  | { op: "removeAllListeners"; event: Event | undefined }
  | { op: "emit"; event: Event; value: number };

const event = fc.constantFrom(...EVENTS);
const listener = fc.integer({ min: 0, max: 3 });
const context = fc.integer({ min: 0, max: CONTEXTS.length - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom("on" as const, "addListener" as const, "once" as const), event, listener, context }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("off" as const, "removeListener" as const), event, listener: fc.option(listener, { nil: undefined }), context, once: fc.option(fc.boolean(), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("removeAllListeners" as const), event: fc.option(event, { nil: undefined }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("emit" as const), event, value: fc.integer({ min: 0, max: 99 }) }) },
);

/** Runs `steps` on `emitter`, emitting through `emit`; returns every call and the state after each step. */
function run(emitter: Emitter, emit: (event: Event, value: number) => void, steps: Step[]): string[] {
  const log: string[] = [];
  const who = (self: unknown): string => (self === emitter ? "the emitter" : self === undefined ? "undefined" : (self as { name?: string }).name ?? "something else");
  // Each listener logs its index, event, arguments and `this`; the same function each time it is added.
  const listeners = [0, 1, 2, 3].map((index) => function (this: unknown, ...args: unknown[]) {
    log.push(`listener ${index}: ${JSON.stringify(args)} this=${who(this)}`);
  });
  const fns = new Map(listeners.map((fn, index) => [fn as unknown, index]));
  for (const s of steps) {
    if (s.op === "emit") emit(s.event, s.value);
    else if (s.op === "removeAllListeners") emitter.removeAllListeners(s.event);
    else if (s.op === "off" || s.op === "removeListener") emitter[s.op](s.event, s.listener === undefined ? undefined : listeners[s.listener], CONTEXTS[s.context], s.once);
    else emitter[s.op](s.event, listeners[s.listener as number] as (...args: unknown[]) => void, CONTEXTS[s.context]);
    const state = EVENTS.map((name) => `${name}: ${emitter.listenerCount(name)} [${emitter.listeners(name).map((fn) => fns.get(fn)).join(",")}]`);
    log.push(`after ${s.op}: ${state.join("; ")}; names ${emitter.eventNames().join(",")}`);
  }
  return log;
}

function onEventEmitter3(steps: Step[]): string[] {
  const emitter = new EventEmitter();
  return run(emitter, (name, value) => void (name === "connect" ? (emitter as unknown as { emit(e: string): boolean }).emit(name) : (emitter as unknown as { emit(e: string, v: unknown): boolean }).emit(name, value)), steps);
}

function onFacade(steps: Step[]): string[] {
  const subjects: PeerEventSubjects = peerEvents();
  const emitter = new PeerEventEmitter(subjects) as unknown as Emitter;
  return run(emitter, (name, value) => {
    if (name === "connect") subjects.connect?.next();
    // The facade only passes values on; which type they are does not matter to it.
    else (subjects[name] as { next(value: unknown): void } | undefined)?.next(value);
  }, steps);
}

describe("the EventEmitter facade against eventemitter3 (@rtco/peer's)", () => {
  it("calls and keeps the same listeners, with the same arguments and this, for any sequence of calls (property)", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        expect(onFacade(steps)).toEqual(onEventEmitter3(steps));
      }),
      { numRuns: 500 },
    );
  });

  it("a listener added without a context is called with the emitter as this, as eventemitter3 calls it", () => {
    const steps: Step[] = [{ op: "on", event: "data", listener: 0, context: 0 }, { op: "emit", event: "data", value: 1 }];
    expect(onFacade(steps)).toContain("listener 0: [1] this=the emitter");
    expect(onFacade(steps)).toEqual(onEventEmitter3(steps));
  });

  it("event names keep the order in which each event first got a listener still there, as eventemitter3 keeps them", () => {
    const steps: Step[] = [
      { op: "on", event: "data", listener: 0, context: 0 },
      { op: "on", event: "error", listener: 1, context: 0 },
      { op: "on", event: "data", listener: 2, context: 0 },
      { op: "off", event: "data", listener: 0, context: 0, once: undefined },
    ];
    expect(onFacade(steps).at(-1)).toContain("names data,error");
    expect(onFacade(steps)).toEqual(onEventEmitter3(steps));
  });
});
