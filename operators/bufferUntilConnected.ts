/**
 * The `bufferUntilConnected()` operator: a gate in front of anything that needs an open
 * connection. Needs only the peer's `connected$`.
 */
import { Observable, Subscription, type MonoTypeOperatorFunction } from "rxjs";
import { PeerError } from "../src/errors.js";
import { checkMembers } from "./arguments.js";
import { subscribeChained } from "./subscribe-chained.js";

/** What `bufferUntilConnected` needs of a peer: `connected$` replaying the current state, as `Peer` does. */
export interface ConnectionState {
  readonly connected$: Observable<boolean>;
}

/**
 * Holds the source's values until `peer` is connected, then emits them in order and
 * passes every later value straight through.
 *
 * <span class="informal">Write to a peer before it has connected without losing anything.</span>
 *
 * ```
 * source:     -a--b-------c--|
 * connected$: f-------t-------
 *             bufferUntilConnected(peer)
 * result:     --------(ab)c--|
 *
 * f = false, t = true
 * ```
 *
 * The gate opens once, at the first `true`, and stays open. If the source completes while
 * values are held, the output completes right after they are flushed. A source error goes
 * through at once (held values are dropped). If `connected$` completes before it was ever
 * `true` (the peer closed first), the output errors with `ERR_PEER_CLOSED`; if it errors,
 * so does the output. Unsubscribing drops held values and unsubscribes from both. A value
 * that arrives while held ones are flushed (fed from inside this output) comes after them.
 * It raises no error of its own but `ERR_PEER_CLOSED`.
 *
 * @example
 * Write before the connection exists; the message goes out once it does.
 * ```ts
 * import { Subject } from "rxjs";
 * import Peer, { linkPeers } from "rxpeer";
 * import { bufferUntilConnected } from "rxpeer/operators";
 *
 * const alice = new Peer({ initiator: true }); // on Node: new Peer({ initiator: true, wrtc })
 * const bob = new Peer();
 * const outbox = new Subject<string>();
 * outbox.pipe(bufferUntilConnected(alice)).subscribe((text) => alice.send(text));
 * outbox.next("written before the connection");
 * bob.data$.subscribe((text) => console.log("bob got:", text)); // bob got: written before the connection
 * linkPeers(alice, bob);
 * ```
 *
 * @see {@link sendTo}, which waits for the connection itself.
 *
 * @param peer Anything with `connected$: Observable<boolean>`, such as a `Peer`.
 * @return A function that returns an Observable of the same values, none before `peer` is connected.
 */
export function bufferUntilConnected<T>(peer: ConnectionState): MonoTypeOperatorFunction<T> {
  checkMembers("bufferUntilConnected", "peer", peer, ["connected$"]);
  return (source) =>
    new Observable<T>((subscriber) => {
      let held: T[] | undefined = [];
      let sourceDone = false;

      const open = (): void => {
        const values = held;
        if (values === undefined) return;
        // `held` stays set while flushing: a value fed from inside this output joins the end.
        for (let i = 0; i < values.length && !subscriber.closed; i++) subscriber.next(values[i] as T);
        held = undefined;
        if (sourceDone) subscriber.complete();
      };

      // Both inputs are chained to the output before they run, so a synchronous one stops
      // as soon as the output ends (and the gate, as soon as it has opened).
      const gate = new Subscription();
      subscriber.add(gate);
      subscribeChained(gate, peer.connected$, {
        next: (connected) => {
          if (!connected) return;
          gate.unsubscribe();
          open();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (held !== undefined) subscriber.error(new PeerError("ERR_PEER_CLOSED", "peer closed before it connected"));
        },
      });

      subscribeChained(subscriber, source, {
        next: (value) => {
          if (held === undefined) subscriber.next(value);
          else held.push(value);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          if (held === undefined) subscriber.complete();
        },
      });

      return () => {
        held = undefined;
      };
    });
}
