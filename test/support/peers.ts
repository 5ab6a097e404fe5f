// Pairs of real peers for the behaviour specs, on whichever runtime `#test-runtime` resolves to.
// Every peer made here is destroyed after each test, so no spec leaks connections.
import { filter, firstValueFrom, fromEvent } from "rxjs";
import { Peer, linkPeers, type PeerOptions } from "../../src/index.js";
import { wrtc } from "#test-runtime";

const live = new Set<Peer>();

afterEach(() => {
  for (const peer of live) peer.destroy();
  live.clear();
});

/** A peer on the test runtime, destroyed after the current test. */
export function makePeer(options: Partial<PeerOptions> = {}): Peer {
  const peer = new Peer({ debug: 0, ...(wrtc ? { wrtc } : {}), ...options });
  live.add(peer);
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

/** Resolves once `peer` has gathered every local candidate, with nobody listening to signal$. */
export async function gathered(peer: Peer): Promise<void> {
  const pc = peer.connection;
  if (pc.iceGatheringState === "complete") return;
  await firstValueFrom(fromEvent(pc, "icegatheringstatechange").pipe(filter(() => pc.iceGatheringState === "complete")));
}
