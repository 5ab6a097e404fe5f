// When remote candidates reach the connection: an offer's candidates that arrive while the
// offer is being applied go in once the answer is set (node-datachannel drops a candidate
// added before that), and before the answer is signalled (not behind the rest of the exchange).
import { expect } from "chai";
import { firstValueFrom } from "rxjs";
import { wrtc } from "#test-runtime";
import type { Peer, SignalData } from "../../src/index.js";
import { connected, gathered, makePeer } from "../support/peers.js";

/** Takes what `peer` holds right now: held signals arrive during subscribe(). */
function takeHeld(peer: Peer): SignalData[] {
  const held: SignalData[] = [];
  peer.signal$.subscribe((signal) => held.push(signal)).unsubscribe();
  return held;
}

/** The runtime's RTCPeerConnection, recording into `steps` when an answer is set and each candidate is added. */
function recordingConnection(steps: string[]): typeof RTCPeerConnection {
  const Base: typeof RTCPeerConnection = wrtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;
  return class RecordingConnection extends Base {
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      await super.setLocalDescription(description);
      if (description?.type === "answer") steps.push("answer set");
    }
    override addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      steps.push("candidate added");
      return super.addIceCandidate(candidate ?? undefined);
    }
  };
}

describe("remote candidates", () => {
  it("an offer's candidates that arrive while it is applied go in once the answer is set, before the answer is signalled", async () => {
    const a = makePeer({ initiator: true });
    await gathered(a);
    const offer = await firstValueFrom(a.signal$);
    const candidates = takeHeld(a);
    expect(candidates.length, "candidates of the offer").to.be.greaterThan(0);
    const steps: string[] = [];
    const b = makePeer({ wrtc: { ...wrtc, RTCPeerConnection: recordingConnection(steps) } });
    b.signal$.subscribe((signal) => {
      if (signal.type === "sdp") steps.push("answer signalled");
      void a.signal(signal);
    });
    // All at once, as a fast signaling channel delivers them: the candidates come while the offer is applied.
    const applied = [b.signal(offer), ...candidates.map((candidate) => b.signal(candidate))];
    await Promise.all(applied);
    await Promise.all([connected(a), connected(b)]);
    const added = candidates.map(() => "candidate added");
    expect(steps.slice(0, candidates.length + 2)).to.deep.equal(["answer set", ...added, "answer signalled"]);
  });
});
