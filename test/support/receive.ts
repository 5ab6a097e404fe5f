// Waiting for the next messages of a peer, whichever API it has: for interop tests.
import { firstValueFrom, take, toArray } from "rxjs";
import type { Peer, PeerMessage } from "../../src/index.js";

/** The next `count` messages an rxpeer receives. */
export function rxReceives(rx: Peer, count: number): Promise<PeerMessage[]> {
  return firstValueFrom(rx.data$.pipe(take(count), toArray()));
}

/** An EventEmitter-style peer (simple-peer, @rtco/peer): `on` / `off` of "data". */
interface DataEmitter<T> {
  on(event: "data", listener: (data: T) => void): unknown;
  off(event: "data", listener: (data: T) => void): unknown;
}

/** The next `count` messages an EventEmitter-style peer receives; its listener is removed after. */
export function emitterReceives<T>(peer: DataEmitter<T>, count: number): Promise<T[]> {
  return new Promise((resolve) => {
    const got: T[] = [];
    const onData = (data: T): void => {
      got.push(data);
      if (got.length < count) return;
      peer.off("data", onData);
      resolve(got);
    };
    peer.on("data", onData);
  });
}
