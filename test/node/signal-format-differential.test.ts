// Temporary: the rewritten parser against the one it replaces, on hostile generated input.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { firstValueFrom, take, toArray } from "rxjs";
import wrtcModule from "@roamhq/wrtc";
import { Peer, PeerError, type SignalData, type WebRTCImplementation } from "../../src/index.js";
import { parseSignal } from "../../src/signal-format.js";
import { parseSignal as reference } from "../support/signal-format.reference.js";
import { hostileSignal } from "../support/signal-arbitraries.js";

const outcome = (f: () => unknown): unknown => {
  try {
    const r = f();
    return r instanceof PeerError ? { code: r.code, message: r.message, cause: r.cause } : r;
  } catch (error) {
    return { threw: String(error) };
  }
};

describe("parseSignal rewrite", () => {
  it("returns what the old parser returned, for every hostile value", async () => {
    const phantom = new Peer({ initiator: true, debug: 0, wrtc: wrtcModule as unknown as WebRTCImplementation });
    const signals = await firstValueFrom(phantom.signal$.pipe(take(3), toArray()));
    phantom.destroy();
    const offer = signals.find((s): s is Extract<SignalData, { type: "sdp" }> => s.type === "sdp")?.data;
    const candidates = signals.filter((s): s is Extract<SignalData, { type: "candidate" }> => s.type === "candidate").map((s) => s.data);
    if (!offer) throw new Error("no offer");
    let refused = 0;
    let parsed = 0;
    fc.assert(
      fc.property(hostileSignal({ offer, candidates }), (hostile) => {
        const mine = outcome(() => parseSignal(hostile.make()));
        const theirs = outcome(() => reference(hostile.make()));
        expect(mine).toEqual(theirs);
        if ((mine as { code?: string }).code) refused++;
        else parsed++;
      }),
      { numRuns: 5000 },
    );
    console.log({ refused, parsed });
  }, 120_000);
});
