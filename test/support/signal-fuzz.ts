// The signal() fuzz run (Node), shared by the short suite (test/node) and the soak
// (test/soak): hostile values go to real peers; none may throw, reject or hang; each bad
// one gives exactly one PeerError; nothing pollutes a prototype; and the peers that took
// every bad value then connect normally.
import { expect } from "chai";
import fc from "fast-check";
import { filter, firstValueFrom, take, toArray } from "rxjs";
import wrtcModule from "@roamhq/wrtc";
import { Peer, PeerError, linkPeers, type SignalData, type WebRTCImplementation } from "../../src/index.js";
import { parseSignal } from "../../src/signal-format.js";
import { hostileSignal, type SignalSeeds } from "./signal-arbitraries.js";

const wrtc = wrtcModule as unknown as WebRTCImplementation;

/** A signal() call that has not settled after this long counts as a hang. */
export const SIGNAL_HANG_MS = 10_000;
/** Parse-valid values go to throwaway peers, replaced after this many (each may add a transceiver). */
const SCRATCH_USES = 100;

/** What a fuzz run saw. */
export interface SignalFuzzFigures {
  values: number;
  /** Values parseSignal refused: each gave exactly one ERR_SIGNAL_INVALID. */
  invalid: number;
  /** Values that parsed and went to WebRTC (on throwaway peers). */
  applied: number;
  /** Of those, how many WebRTC refused (ERR_NEGOTIATION). */
  refusedByWebRTC: number;
  /** Slowest single signal() call, ms. */
  slowestMs: number;
}

/** Own keys and property descriptors of the built-in prototypes, to spot pollution. */
function prototypeSnapshot(): string {
  const protos: object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Promise.prototype, Error.prototype];
  return JSON.stringify(
    protos.map((proto) =>
      Reflect.ownKeys(proto).map((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(proto, key);
        return [String(key), typeof descriptor?.value, descriptor?.writable, descriptor?.enumerable, Boolean(descriptor?.get)];
      }),
    ),
  );
}

/** A phantom peer's offer and first candidates: the material mutations start from. */
async function captureSeeds(): Promise<SignalSeeds> {
  const phantom = new Peer({ initiator: true, debug: 0, wrtc });
  try {
    const signals = await firstValueFrom(phantom.signal$.pipe(take(3), toArray()));
    const offer = signals.find((s): s is Extract<SignalData, { type: "sdp" }> => s.type === "sdp")?.data;
    const candidates = signals.filter((s): s is Extract<SignalData, { type: "candidate" }> => s.type === "candidate").map((s) => s.data);
    if (!offer) throw new Error("the phantom peer made no offer");
    return { offer, candidates };
  } finally {
    phantom.destroy();
  }
}

/** Calls signal() as an app would and checks: no throw, a Promise, settled in time, resolved. */
async function callSignal(peer: Peer, value: unknown): Promise<number> {
  const start = performance.now();
  let result: unknown;
  try {
    result = peer.signal(value as string);
  } catch (error) {
    throw new Error(`signal() threw synchronously: ${String(error)}`);
  }
  expect(result).to.be.instanceOf(Promise);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<"hang">((resolve) => (timer = setTimeout(() => resolve("hang"), SIGNAL_HANG_MS)));
  try {
    const settled = await Promise.race([(result as Promise<unknown>).then((v) => ({ v }), (error: unknown) => ({ error })), hang]);
    if (settled === "hang") throw new Error(`signal() did not settle within ${SIGNAL_HANG_MS} ms`);
    if ("error" in settled) throw new Error(`signal() rejected: ${String(settled.error)}`);
    expect(settled.v).to.equal(undefined);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - start;
}

/** Throwaway peers for values that parse: WebRTC may accept them and change the peer's session. */
class ScratchPeers {
  private peers: Peer[] = [];
  private uses = 0;
  readonly errors: PeerError[] = [];

  get(): Peer[] {
    if (this.uses++ % SCRATCH_USES === 0) {
      this.dispose();
      this.peers = [new Peer({ initiator: true, debug: 0, wrtc }), new Peer({ debug: 0, wrtc })];
      for (const peer of this.peers) {
        peer.signal$.subscribe(); // their signals go nowhere, as through a server that drops them
        peer.error$.subscribe((error) => this.errors.push(error));
      }
    }
    return this.peers;
  }

  dispose(): void {
    for (const peer of this.peers) peer.destroy();
    this.peers = [];
  }
}

/**
 * Runs `numRuns` hostile values through `signal()` of an initiator and an answerer, then
 * connects those two. Throws (failing the test) on any broken rule.
 */
export async function fuzzSignal(numRuns: number, seed?: number): Promise<SignalFuzzFigures> {
  const protoBefore = prototypeSnapshot();
  const seeds = await captureSeeds();
  const a = new Peer({ initiator: true, debug: 0, wrtc });
  const b = new Peer({ debug: 0, wrtc });
  const errors = new Map<Peer, PeerError[]>([[a, []], [b, []]]);
  for (const peer of [a, b]) peer.error$.subscribe((error) => errors.get(peer)?.push(error));
  const scratch = new ScratchPeers();
  const figures: SignalFuzzFigures = { values: 0, invalid: 0, applied: 0, refusedByWebRTC: 0, slowestMs: 0 };

  try {
    await fc.assert(
      fc.asyncProperty(hostileSignal(seeds), async (hostile) => {
        figures.values++;
        const value = hostile.make();
        // RXPEER_FUZZ_TRACE=1 prints each value before use: the way to find one that crashes the process natively.
        if (process.env.RXPEER_FUZZ_TRACE) process.stderr.write(`#${figures.values} ${String(hostile)}\n`);
        // Classified before the call: a getter that changes on each read is judged on its first answer.
        const invalid = parseSignal(value) instanceof PeerError;
        if (invalid) {
          figures.invalid++;
          for (const peer of [a, b]) {
            const seen = errors.get(peer) ?? [];
            const before = seen.length;
            figures.slowestMs = Math.max(figures.slowestMs, await callSignal(peer, value));
            const added = seen.slice(before);
            expect(added.length, "errors for one bad value").to.be.within(1, 1);
            expect(added[0]).to.be.instanceOf(PeerError);
            expect(added[0]?.code).to.equal("ERR_SIGNAL_INVALID");
          }
        } else {
          figures.applied++;
          for (const peer of scratch.get()) {
            const before = scratch.errors.length;
            figures.slowestMs = Math.max(figures.slowestMs, await callSignal(peer, value));
            const added = scratch.errors.slice(before);
            // Not counted per call: an applied description can make a later offer of the peer's own fail too.
            if (added.some((error) => error.code === "ERR_NEGOTIATION")) figures.refusedByWebRTC++;
          }
        }
        expect(prototypeSnapshot(), "built-in prototypes changed").to.equal(protoBefore);
        expect(({} as Record<string, unknown>).polluted, "Object.prototype polluted").to.equal(undefined);
      }),
      { numRuns, seed, endOnFailure: true },
    );
  } finally {
    scratch.dispose();
  }

  // The peers that took every bad value still connect and talk, in both directions.
  expect(a.destroyed || b.destroyed).to.equal(false);
  const link = linkPeers(a, b);
  try {
    await Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]);
    const atB = firstValueFrom(b.data$);
    const atA = firstValueFrom(a.data$);
    a.send("after the fuzz");
    b.send("still here");
    expect(await atB).to.equal("after the fuzz");
    expect(await atA).to.equal("still here");
  } finally {
    link.unsubscribe();
    a.destroy();
    b.destroy();
  }
  expect(prototypeSnapshot()).to.equal(protoBefore);
  return figures;
}
