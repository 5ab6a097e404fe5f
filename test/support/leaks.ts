// What a closed peer must have let go of, checked the same way on Node and in Chromium:
// no facade listener, no observed Subject, no handler left on its connection or channel.
import { expect } from "chai";
import { Subject, lastValueFrom, toArray, type Observable } from "rxjs";
import type { Peer } from "../../src/index.js";
import { settlesOnALaterTurn } from "#test-runtime";

/** The public Observables of a peer. */
export function peerStreams(peer: Peer): Observable<unknown>[] {
  return [peer.signal$, peer.connect$, peer.data$, peer.close$, peer.error$, peer.stream$, peer.removestream$, peer.track$, peer.removetrack$, peer.connected$, peer.connectionState$];
}

/** Resolves once every public Observable of `peer` has completed; subscribe before the close. */
export function allComplete(peer: Peer): Promise<unknown> {
  return Promise.all(peerStreams(peer).map((stream) => lastValueFrom(stream.pipe(toArray()))));
}

/** Subjects held by `value`'s own fields, one level of nesting deep (e.g. HeldSubject's inner Subject). */
function subjectsOf(value: object, depth = 1): Subject<unknown>[] {
  const found: Subject<unknown>[] = [];
  for (const field of Object.values(value) as unknown[]) {
    if (field instanceof Subject) found.push(field);
    else if (depth > 0 && field !== null && typeof field === "object" && !Array.isArray(field)) found.push(...subjectsOf(field, depth - 1));
  }
  return found;
}

const connectionHandlers = ["onnegotiationneeded", "onicecandidate", "onconnectionstatechange", "ondatachannel", "ontrack"] as const;
const channelHandlers = ["onopen", "onmessage", "onclose", "onerror"] as const;

/**
 * Checks that a closed `peer` holds nothing open: its connection and channel are closed
 * and carry no handler of ours, no Subject of the peer still has an observer, and the
 * EventEmitter facade has no listener left.
 */
export function expectNothingLeft(peer: Peer, channel: RTCDataChannel | undefined = peer.channel): void {
  expect(peer.destroyed, "destroyed").to.equal(true);
  const pc = peer.connection;
  if (!settlesOnALaterTurn) expect(pc.connectionState, "connectionState").to.equal("closed");
  for (const name of connectionHandlers) expect(pc[name], `connection.${name}`).to.equal(null);
  if (channel) {
    if (!settlesOnALaterTurn) expect(["closing", "closed"], "channel.readyState").to.include(channel.readyState);
    for (const name of channelHandlers) expect(channel[name], `channel.${name}`).to.equal(null);
  }
  // The event streams are getters of the prototype, each a view of its Subject: looked into too.
  const subjects = [...new Set([...subjectsOf(peer), ...peerStreams(peer).flatMap((stream) => subjectsOf(stream, 0))])];
  expect(subjects.length, "the peer's Subjects were found").to.be.greaterThan(5);
  const observed = subjects.filter((subject) => subject.observed).length;
  expect(observed, "Subjects still observed").to.equal(0);
  expect(peer.eventNames(), "facade listeners").to.deep.equal([]);
}
