// Pairs of real peers for the behaviour specs, on whichever runtime `#test-runtime` resolves to.
// Every peer made here is destroyed after each test, so no spec leaks connections.
import { filter, firstValueFrom, fromEvent } from "rxjs";
import { Peer, linkPeers, type PeerOptions } from "../../src/index.js";
import { settlesOnALaterTurn, wrtc } from "#test-runtime";

const live = new Set<Peer>();
// Local candidates each connection has delivered (icecandidate events), for gathered().
const delivered = new WeakMap<RTCPeerConnection, number>();

afterEach(() => {
  for (const peer of live) peer.destroy();
  live.clear();
});

/** A peer on the test runtime, destroyed after the current test. */
export function makePeer(options: Partial<PeerOptions> = {}): Peer {
  const peer = new Peer({ debug: 0, ...(wrtc ? { wrtc } : {}), ...options });
  live.add(peer);
  const pc = peer.connection;
  delivered.set(pc, 0);
  pc.addEventListener("icecandidate", (event) => void (event.candidate && delivered.set(pc, (delivered.get(pc) ?? 0) + 1)));
  return peer;
}

/** Resolves when `peer` is connected (at once if it already is). */
export function connected(peer: Peer): Promise<boolean> {
  return firstValueFrom(peer.connected$.pipe(filter(Boolean)));
}

/** Two peers, linked in-process, both connected. `a` is the initiator. */
export async function connectedPair(
  optionsA: Partial<PeerOptions> = {},
  optionsB: Partial<PeerOptions> = {},
): Promise<{ a: Peer; b: Peer }> {
  const a = makePeer({ initiator: true, ...optionsA });
  const b = makePeer(optionsB);
  linkPeers(a, b);
  await Promise.all([connected(a), connected(b)]);
  return { a, b };
}

/** Resolves once `peer` (made by makePeer) has gathered every local candidate, with nobody listening to signal$. */
export async function gathered(peer: Peer): Promise<void> {
  const pc = peer.connection;
  if (pc.iceGatheringState !== "complete") {
    await firstValueFrom(fromEvent(pc, "icegatheringstatechange").pipe(filter(() => pc.iceGatheringState === "complete")));
  }
  // node-datachannel is "complete" before it delivers its candidates (they follow on later
  // turns): there, wait until every candidate line of its local description was delivered.
  if (!settlesOnALaterTurn) return;
  const expected = pc.localDescription?.sdp.match(/^a=candidate:/gm)?.length ?? 0;
  if ((delivered.get(pc) ?? 0) >= expected) return;
  await firstValueFrom(fromEvent(pc, "icecandidate").pipe(filter(() => (delivered.get(pc) ?? 0) >= expected)));
}

/**
 * Resolves once a destroyed peer's connection reads `closed`. Everywhere but node-datachannel
 * that is at `destroy()`; there the connection is closed a little after its channel
 * (src/connection-close.ts), which the connection's `connectionstatechange` tells.
 */
export async function connectionClosed(pc: RTCPeerConnection): Promise<void> {
  if (pc.connectionState === "closed") return;
  await firstValueFrom(fromEvent(pc, "connectionstatechange").pipe(filter(() => pc.connectionState === "closed")));
}

/**
 * An initiator `a` whose signals go to the answerer `b` as they come, and `b` once it has
 * answered and gathered with nobody listening to its signal$: `b` holds its answer and every
 * candidate. (An answerer, because an initiator on node-datachannel holds its candidates
 * back until the answer is in: see docs/runtimes.md.)
 */
export async function answererHolding(): Promise<{ a: Peer; b: Peer }> {
  const a = makePeer({ initiator: true });
  const b = makePeer();
  a.signal$.subscribe((signal) => void b.signal(signal));
  await firstValueFrom(fromEvent(b.connection, "signalingstatechange").pipe(filter(() => b.connection.signalingState === "stable")));
  await gathered(b);
  return { a, b };
}
