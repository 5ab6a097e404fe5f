// bufferUntilConnected(): order, completion, errors and unsubscription in virtual time
// with a stand-in connected$, then the same promise kept on real peers.
import { expect } from "chai";
import { BehaviorSubject, Subject, firstValueFrom, take, toArray, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { PeerError, linkPeers } from "../../src/index.js";
import { bufferUntilConnected } from "../../operators/index.js";
import { makePeer } from "../support/peers.js";

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
const states = { f: false, t: true };
const gate = (connected$: Observable<boolean>) => bufferUntilConnected<string>({ connected$ });

describe("bufferUntilConnected", () => {
  it("holds values until connected, flushes them in order, then passes values through", () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot("-a--b-------c--|");
      expectObservable(source.pipe(gate(cold("f-------t", states)))).toBe("--------(ab)c--|");
    });
  });

  it("passes everything straight through when already connected (connected$ replays true)", () => {
    newScheduler().run(({ hot, expectObservable }) => {
      expectObservable(hot("-a-b|").pipe(gate(new BehaviorSubject(true)))).toBe("-a-b|");
    });
  });

  it("completes right after the flush when the source completed while values were held", () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      expectObservable(hot("-a-|").pipe(gate(cold("-----t", states)))).toBe("-----(a|)");
    });
  });

  it("stays open when the connection drops later", () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      expectObservable(hot("--a--b|").pipe(gate(cold("t-f", states)))).toBe("--a--b|");
    });
  });

  it("passes a source error through at once, held values or not", () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      expectObservable(hot("-a-#").pipe(gate(cold("------t", states)))).toBe("---#");
    });
  });

  it("passes an error of connected$ through", () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      expectObservable(hot("-a----").pipe(gate(cold("f--#", states)))).toBe("---#");
    });
  });

  it("errors with ERR_PEER_CLOSED when connected$ completes before it was ever true", () => {
    newScheduler().run(({ hot, cold, expectObservable }) => {
      expectObservable(hot("-a----").pipe(gate(cold("f--|", states)))).toBe("---#", undefined, new PeerError("ERR_PEER_CLOSED", "peer closed before it connected"));
    });
    // Outside virtual time too: false but still open is no error; completing without a true is.
    const errors: unknown[] = [];
    const waiting = new BehaviorSubject(false);
    new Subject<string>().pipe(gate(waiting)).subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors, "errored while connected$ was false but open").to.deep.equal([]);
    waiting.complete();
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(PeerError);
    expect((errors[0] as PeerError).code).to.equal("ERR_PEER_CLOSED");
  });

  it("unsubscribes from the source and connected$ when unsubscribed, emitting nothing held", () => {
    newScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot("-a-b-----c-");
      const connected$ = cold("f-------t", states);
      expectObservable(source.pipe(gate(connected$)), "^---!").toBe("");
      expectSubscriptions(source.subscriptions).toBe("^---!");
      expectSubscriptions(connected$.subscriptions).toBe("^---!");
    });
  });

  it("lets go of connected$ once connected", () => {
    newScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const connected$ = cold("f-t-f", states);
      expectObservable(hot("a---b|").pipe(gate(connected$))).toBe("--a-b|");
      expectSubscriptions(connected$.subscriptions).toBe("^-!");
    });
  });

  it("delivers values written before a real peer connected, in order, once it has", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const outgoing = new Subject<string>();
    outgoing.pipe(bufferUntilConnected(a)).subscribe((text) => a.send(text));
    const received = firstValueFrom(b.data$.pipe(take(5), toArray()));
    for (const text of ["one", "two", "three"]) outgoing.next(text);
    linkPeers(a, b);
    await firstValueFrom(a.connect$);
    outgoing.next("four");
    outgoing.next("five");
    expect(await received).to.deep.equal(["one", "two", "three", "four", "five"]);
  });
});
