// Data channel traffic during renegotiation: numbered messages sent on every signaling
// state change of the sender and every few milliseconds, so some are always in flight
// while descriptions are exchanged. `finish()` checks that all of them arrived, in order.
import { filter, firstValueFrom } from "rxjs";
import type { Peer } from "../../src/index.js";

const END = "chatter:end";

/** Messages from `from` to `to` while a test renegotiates. */
export interface Chatter {
  /** Stops sending, then resolves with what was sent and what arrived (in arrival order). */
  finish(): Promise<{ sent: string[]; received: string[] }>;
}

/**
 * Starts sending numbered messages from `from` to `to`; both must be connected.
 *
 * @example
 * ```ts
 * const talk = chatter(a, b);
 * a.addStream(stream); // renegotiates while messages flow
 * const { sent, received } = await talk.finish();
 * expect(received).to.deep.equal(sent);
 * ```
 */
export function chatter(from: Peer, to: Peer, label = "m"): Chatter {
  const sent: string[] = [];
  const received: string[] = [];
  const receiving = to.data$.pipe(filter((data): data is string => typeof data === "string" && data.startsWith(`${label}:`)));
  const subscription = receiving.subscribe((message) => received.push(message));
  const stop = (): void => {
    clearInterval(timer);
    from.connection.removeEventListener("signalingstatechange", say);
  };
  // A test that failed midway destroys its peers: stop quietly then, finish() will throw.
  const say = (): void => {
    if (!from.ready) return stop();
    const message = `${label}:${sent.length}:${from.connection.signalingState}`;
    from.send(message);
    sent.push(message);
  };
  const timer = setInterval(say, 5);
  from.connection.addEventListener("signalingstatechange", say);
  return {
    async finish() {
      stop();
      const end = `${label}:${END}`;
      const ended = firstValueFrom(receiving.pipe(filter((message) => message === end)));
      from.send(end);
      await ended;
      subscription.unsubscribe();
      return { sent, received: received.filter((message) => message !== end) };
    },
  };
}
