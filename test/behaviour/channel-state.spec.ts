// The data channel's lifecycle is one state value: `ready`, `connected$` and send()
// read it, so they cannot disagree, and nothing outside the link can set it.
import { expect } from "chai";
import { BehaviorSubject, firstValueFrom } from "rxjs";
import { DataChannelLink, type ChannelState, type DataChannelHandlers } from "../../src/data-channel.js";
import { PeerError, linkPeers } from "../../src/index.js";
import { wrtc } from "#test-runtime";
import { connectedPair, makePeer } from "../support/peers.js";

const RTCPeerConnectionImpl: typeof RTCPeerConnection = wrtc?.RTCPeerConnection ?? globalThis.RTCPeerConnection;

function quietHandlers(): DataChannelHandlers & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    open: () => calls.push("open"),
    message: () => calls.push("message"),
    close: () => calls.push("close"),
    error: () => calls.push("error"),
    maxMessageSize: () => Infinity,
    dead: () => calls.push("dead"),
    heard: async () => 0,
  };
}

describe("channel state", () => {
  it("keeps ready and connected$ equal at every step, from connecting to closed", async () => {
    const a = makePeer({ initiator: true });
    const seen: [boolean, boolean][] = [];
    a.connected$.subscribe((connected) => seen.push([connected, a.ready]));
    const b = makePeer();
    b.connected$.subscribe((connected) => seen.push([connected, b.ready]));
    linkPeers(a, b);
    await Promise.all([firstValueFrom(a.connect$), firstValueFrom(b.connect$)]);
    const bClosed = firstValueFrom(b.close$);
    a.destroy();
    await bClosed;
    expect(seen.length).to.equal(6); // false, true, false on each side
    for (const [connected, ready] of seen) expect(ready, "ready at a connected$ emission").to.equal(connected);
  });

  it("refuses send() once the state has left open, on both sides, with ERR_NOT_CONNECTED", async () => {
    const { a, b } = await connectedPair();
    const bClosed = firstValueFrom(b.close$);
    a.destroy();
    await bClosed;
    for (const peer of [a, b]) {
      expect(peer.ready).to.equal(false);
      expect(() => peer.send("late")).to.throw(PeerError).with.property("code", "ERR_NOT_CONNECTED");
    }
  });

  it("gives isOpen no setter, moves only forward, and ends closed for good", () => {
    const pc = new RTCPeerConnectionImpl();
    try {
      const state = new BehaviorSubject<ChannelState>("connecting");
      const handlers = quietHandlers();
      const link = new DataChannelLink(pc.createDataChannel("state"), "plain", state, handlers, 0);
      expect(link.isOpen).to.equal(false);
      expect(Reflect.set(link, "isOpen", true), "isOpen can be set").to.equal(false);
      expect(link.isOpen).to.equal(false);
      link.close();
      link.close();
      expect(state.value).to.equal("closed");
      expect(handlers.calls, "no open reported after close").to.deep.equal([]);
    } finally {
      pc.close();
    }
  });
});
