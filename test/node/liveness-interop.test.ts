// Heartbeats go only to rxpeer remotes: a simple-peer on the other side never receives
// one, in either role, however long the pair stays idle, and is never declared dead.
import { afterEach, describe, expect, it } from "vitest";
import { firstValueFrom } from "rxjs";
import SimplePeer from "simple-peer";
import wrtc from "@roamhq/wrtc";
import { Peer, type PeerError, type WebRTCImplementation } from "../../src/index.js";
import { toSimplePeerSignal } from "../../operators/index.js";
import { BEAT_MS } from "../../src/liveness.js";

const implementation = wrtc as unknown as WebRTCImplementation;
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

describe.each([true, false])("rxpeer (initiator: %s) and an idle simple-peer", (rxInitiates) => {
  it("sends it no heartbeat, and keeps the connection past a liveness timeout", async () => {
    const rx = new Peer({ initiator: rxInitiates, wrtc: implementation, debug: 0, livenessTimeout: 2 * BEAT_MS });
    const sp = new SimplePeer({ initiator: !rxInitiates, wrtc: implementation as SimplePeer.Options["wrtc"], config: { iceServers: [] } });
    const wiring = rx.signal$.pipe(toSimplePeerSignal()).subscribe((signal) => !sp.destroyed && sp.signal(signal as SimplePeer.SignalData));
    cleanups.push(() => (wiring.unsubscribe(), rx.destroy(), sp.destroy()));
    sp.on("signal", (signal: SimplePeer.SignalData) => void rx.signal(signal));
    const atSp: unknown[] = [];
    sp.on("data", (data: unknown) => atSp.push(data));
    const errors: PeerError[] = [];
    rx.error$.subscribe((error) => errors.push(error));
    await Promise.all([firstValueFrom(rx.connect$), new Promise<void>((resolve) => sp.once("connect", () => resolve()))]);

    // Idle for more than the timeout: an rxpeer remote would have had 3 beats by now, and a
    // peer watching a non-rxpeer remote would have declared it dead.
    await new Promise((resolve) => setTimeout(resolve, 3 * BEAT_MS + 200));
    expect(atSp).toEqual([]);
    expect(errors).toEqual([]);
    expect(rx.destroyed).toBe(false);

    // And the pair still talks.
    const echoed = firstValueFrom(rx.data$);
    sp.send("still here");
    expect(await echoed).toBe("still here");
  }, 20_000);
});
