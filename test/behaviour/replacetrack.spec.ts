// replacetrack$ and the facade's `replacetrack` event (@rtco/peer 0.3.6): emitted once a
// local replaceTrack resolved, with (oldTrack, newTrack); never for one that rejected.
import { expect } from "chai";
import type { PeerReplaceTrackEvent } from "../../src/index.js";
import { mediaStream, videoTrack } from "../support/media.js";
import { connectedPair } from "../support/peers.js";
import { runtimeHasMedia } from "#test-runtime";

// Media: node-datachannel has none, so this is skipped there by design.
(runtimeHasMedia ? describe : describe.skip)("replacetrack$ and the replacetrack event", () => {
  it("emit after replaceTrack resolves, with the old and the new track (null too), on the Observable and to facade listeners", async () => {
    const { a } = await connectedPair();
    const first = videoTrack(64, 48);
    const second = videoTrack(64, 48);
    a.addTrack(first, mediaStream(first));

    const seen: PeerReplaceTrackEvent[] = [];
    const heard: [MediaStreamTrack, MediaStreamTrack | null][] = [];
    a.replacetrack$.subscribe((event) => seen.push(event));
    a.on("replacetrack", (oldTrack, newTrack) => heard.push([oldTrack, newTrack]));

    const replaced = a.replaceTrack(first, second);
    expect(seen, "not before it resolves").to.deep.equal([]);
    await replaced;
    expect(seen).to.have.length(1);
    expect(seen[0]?.oldTrack).to.equal(first);
    expect(seen[0]?.newTrack).to.equal(second);
    expect(heard).to.have.length(1);
    expect(heard[0]?.[0]).to.equal(first);
    expect(heard[0]?.[1]).to.equal(second);

    await a.replaceTrack(second, null);
    expect(seen[1]?.oldTrack).to.equal(second);
    expect(seen[1]?.newTrack).to.equal(null);
    expect(heard[1]).to.deep.equal([second, null]);
  });

  it("a replaceTrack that rejects emits nothing", async () => {
    const { a } = await connectedPair();
    const seen: PeerReplaceTrackEvent[] = [];
    a.replacetrack$.subscribe((event) => seen.push(event));
    let calls = 0;
    a.on("replacetrack", () => calls++);
    const never = videoTrack(64, 48);
    let rejected: unknown;
    await a.replaceTrack(never, videoTrack(64, 48)).catch((error: unknown) => (rejected = error));
    expect(rejected).to.have.property("code", "ERR_MEDIA");
    expect(seen).to.deep.equal([]);
    expect(calls).to.equal(0);
  });
});
