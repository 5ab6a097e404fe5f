// The EventEmitter facade, checked against the Observables it is derived from.
import { expect } from "chai";
import { firstValueFrom, take, toArray } from "rxjs";
import type { SignalData } from "../../src/index.js";
import { answererHolding, connected, connectedPair, makePeer } from "../support/peers.js";

describe("EventEmitter facade", () => {
  it("runs @rtco/peer-style code unchanged: signal, connect, data, close", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    a.on("signal", (data) => void b.signal(data));
    b.on("signal", (data) => void a.signal(data));
    const got: string[] = [];
    const done = new Promise<void>((resolve) => {
      b.on("data", (data) => {
        got.push(data as string);
        if (got.length === 2) resolve();
      });
    });
    a.on("connect", () => {
      a.send("one");
      a.send("two");
    });
    await done;
    expect(got).to.deep.equal(["one", "two"]);
    const closed = new Promise<void>((resolve) => b.on("close", resolve));
    a.destroy();
    await closed;
  });

  it("calls a listener with what the Observable emits, in the same order", async () => {
    const { a, b } = await connectedPair();
    const fromListener: unknown[] = [];
    b.on("data", (data) => fromListener.push(data));
    const fromObservable = firstValueFrom(b.data$.pipe(take(3), toArray()));
    a.send("x");
    a.send("y");
    a.send("z");
    expect(await fromObservable).to.deep.equal(["x", "y", "z"]);
    expect(fromListener).to.deep.equal(["x", "y", "z"]);
  });

  it("calls a once listener a single time and then forgets it", async () => {
    const { a, b } = await connectedPair();
    const calls: unknown[] = [];
    b.once("data", (data) => calls.push(data));
    expect(b.listenerCount("data")).to.equal(1);
    const both = firstValueFrom(b.data$.pipe(take(2), toArray()));
    a.send("first");
    a.send("second");
    await both;
    expect(calls).to.deep.equal(["first"]);
    expect(b.listenerCount("data")).to.equal(0);
  });

  it("stops calling a listener removed with off, and keeps the others", async () => {
    const { a, b } = await connectedPair();
    const removed: unknown[] = [];
    const kept: unknown[] = [];
    const removedListener = (data: unknown): void => void removed.push(data);
    b.on("data", removedListener).on("data", (data) => kept.push(data));
    expect(b.listenerCount("data")).to.equal(2);
    b.off("data", removedListener);
    expect(b.listenerCount("data")).to.equal(1);
    const arrived = firstValueFrom(b.data$);
    a.send("after off");
    await arrived;
    expect(removed).to.deep.equal([]);
    expect(kept).to.deep.equal(["after off"]);
  });

  it("does not call a listener removed by an earlier listener of the same emission", async () => {
    const { a, b } = await connectedPair();
    const later: unknown[] = [];
    const laterListener = (data: unknown): void => void later.push(data);
    b.on("data", () => b.off("data", laterListener)).on("data", laterListener);
    const arrived = firstValueFrom(b.data$.pipe(take(2), toArray()));
    a.send("first");
    a.send("second");
    await arrived;
    expect(later).to.deep.equal([]);
    expect(b.listenerCount("data")).to.equal(1);
  });

  it("removes listeners per event or all at once, and lists them", () => {
    const a = makePeer({ initiator: true });
    const onData = (): void => {};
    const onClose = (): void => {};
    a.on("data", onData).addListener("close", onClose).on("error", () => {});
    expect(a.listeners("data")).to.deep.equal([onData]);
    expect(a.eventNames()).to.have.members(["data", "close", "error"]);
    a.removeAllListeners("data");
    expect(a.listenerCount("data")).to.equal(0);
    expect(a.listenerCount("close")).to.equal(1);
    a.removeListener("close", onClose);
    expect(a.listenerCount("close")).to.equal(0);
    a.removeAllListeners();
    expect(a.eventNames()).to.deep.equal([]);
  });

  it("passes the listener's context as this, as eventemitter3 does", async () => {
    const { a, b } = await connectedPair();
    const context = { seen: [] as unknown[] };
    b.on("data", function (this: typeof context, data) {
      this.seen.push(data);
    }, context);
    const arrived = firstValueFrom(b.data$);
    a.send("ctx");
    await arrived;
    expect(context.seen).to.deep.equal(["ctx"]);
  });

  it("hands held signals to listeners: a once listener takes one, the next listener the rest", async () => {
    // The answer and candidates are all made, and held, before any listener is attached.
    const { a, b } = await answererHolding();
    const first = await new Promise<SignalData>((resolve) => b.once("signal", resolve));
    expect(first.type).to.equal("sdp");
    expect(b.listenerCount("signal")).to.equal(0);
    const rest: SignalData[] = [];
    b.on("signal", (signal) => rest.push(signal));
    expect(rest.length, "held candidates handed to the next listener").to.be.greaterThan(0);
    expect(rest.every((signal) => signal.type === "candidate")).to.equal(true);
    b.off("signal");
    await a.signal(first);
    for (const signal of rest) await a.signal(signal);
    b.on("signal", (signal) => void a.signal(signal));
    await Promise.all([connected(a), connected(b)]);
  });

  it("forgets every listener when the peer closes", async () => {
    const { a } = await connectedPair();
    a.on("data", () => {}).on("error", () => {}).on("close", () => {});
    a.destroy();
    expect(a.eventNames()).to.deep.equal([]);
  });

  it("returns the peer from on, once, off and removeAllListeners for chaining", () => {
    const a = makePeer();
    const listener = (): void => {};
    expect(a.on("connect", listener)).to.equal(a);
    expect(a.once("connect", listener)).to.equal(a);
    expect(a.off("connect", listener)).to.equal(a);
    expect(a.removeAllListeners()).to.equal(a);
  });
});
