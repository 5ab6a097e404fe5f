// Hostile and careless calls to every method of the Peer: wrong types, calls after
// destroy, calls from inside handlers. Each ends as docs/peer.md ("Errors") says: a
// PeerError thrown, rejected or on error$, or ignored; never another error, a hang, or a
// peer that stops working (a message sent afterwards still arrives).
import { expect } from "chai";
import { firstValueFrom, take, toArray } from "rxjs";
import { Peer, PeerError, linkPeers, type PeerOptions } from "../../src/index.js";
import { runtimeHasMedia, wrtc } from "#test-runtime";
import { mediaStream, videoTrack } from "../support/media.js";
import { connected, connectedPair, makePeer } from "../support/peers.js";

/** What a call did, as one line: `throws CODE`, `rejects CODE`, `returns` or `resolves`, then `, reports CODE` per error$. */
async function outcomeOf(peer: Peer | undefined, call: () => unknown): Promise<string> {
  const reported: string[] = [];
  const subscription = peer?.error$.subscribe((error) => reported.push(error.code));
  let outcome: string;
  try {
    const result = call();
    if (result instanceof Promise) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("still pending after 5 s")), 5000)));
      try {
        await Promise.race([result, hang]);
        outcome = "resolves";
      } catch (error) {
        outcome = `rejects ${codeOf(error)}`;
      } finally {
        clearTimeout(timer);
      }
    } else outcome = "returns";
  } catch (error) {
    outcome = `throws ${codeOf(error)}`;
  }
  subscription?.unsubscribe();
  return [outcome, ...reported.map((code) => `reports ${code}`)].join(", ");
}

function codeOf(error: unknown): string {
  if (error instanceof PeerError) return error.code;
  return `a non-PeerError ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}

/** The pair still carries a message both ways. */
async function stillWorks(a: Peer, b: Peer): Promise<void> {
  const toB = firstValueFrom(b.data$);
  const toA = firstValueFrom(a.data$);
  a.send("still here, a");
  b.send("still here, b");
  expect(await toB).to.equal("still here, a");
  expect(await toA).to.equal("still here, b");
}

// Values of every wrong kind a careless caller passes.
const junk: [string, unknown][] = [
  ["undefined", undefined],
  ["null", null],
  ["a number", 42],
  ["a string", "x"],
  ["a plain object", {}],
  ["an array", []],
  ["a function", () => "x"],
];

interface Media {
  /** A video track `peer` sends, with its stream. */
  track: MediaStreamTrack;
  stream: MediaStream;
  /** A video track not sent. */
  other: MediaStreamTrack;
}

type Call = (peer: Peer, media: Media) => unknown;

/**
 * Media for the rows of the media methods (their names say Stream or Track), made before the
 * call; the other rows touch no media, so they run on a runtime without any.
 */
function mediaFor(name: string, peer: Peer): Media {
  if (!/Stream|Track/.test(name)) return new Proxy({} as Media, { get: () => expect.fail(`${name} uses media it did not ask for`) });
  const track = videoTrack();
  const stream = mediaStream(track);
  peer.addTrack(track, stream);
  return { track, stream, other: videoTrack() };
}

// Calls on a connected peer (`a`, which sends a video track): the expected outcome of each.
const onConnected: [string, Call, string][] = [
  ...junk
    .filter(([, value]) => typeof value !== "string")
    .map(([name, value]): [string, Call, string] => [`send(${name})`, (peer) => peer.send(value as string), "throws ERR_DATA_CHANNEL"]),
  ...junk.map(([name, value]): [string, Call, string] => [`signal(${name})`, (peer) => peer.signal(value as string), "resolves, reports ERR_SIGNAL_INVALID"]),
  ["signal({ type: \"candidate\" })", (peer) => peer.signal({ type: "candidate" } as never), "resolves, reports ERR_SIGNAL_INVALID"],
  ["signal(a malformed candidate)", (peer) => peer.signal({ type: "candidate", data: { candidate: "candidate:garbage", sdpMid: "0" } }), "resolves, reports ERR_SIGNAL_INVALID"],
  ["signal(an answer with no offer pending)", (peer) => peer.signal({ type: "answer", sdp: "v=0\r\n" }), "resolves, reports ERR_NEGOTIATION"],
  ...junk.map(([name, value]): [string, Call, string] => [`addStream(${name})`, (peer) => peer.addStream(value as MediaStream), "throws ERR_MEDIA"]),
  ...junk.map(([name, value]): [string, Call, string] => [`removeStream(${name})`, (peer) => peer.removeStream(value as MediaStream), "throws ERR_MEDIA"]),
  ...junk.map(([name, value]): [string, Call, string] => [`addTrack(${name}, stream)`, (peer, { stream }) => peer.addTrack(value as MediaStreamTrack, stream), "throws ERR_MEDIA"]),
  ...junk.map(([name, value]): [string, Call, string] => [`addTrack(track, ${name})`, (peer, { other }) => peer.addTrack(other, value as MediaStream), "throws ERR_MEDIA"]),
  ...junk.map(([name, value]): [string, Call, string] => [`removeTrack(${name})`, (peer) => peer.removeTrack(value as MediaStreamTrack), "throws ERR_MEDIA"]),
  ...junk.map(([name, value]): [string, Call, string] => [`replaceTrack(${name}, track)`, (peer, { other }) => peer.replaceTrack(value as MediaStreamTrack, other), "rejects ERR_MEDIA"]),
  ...junk
    .filter(([, value]) => value !== null)
    .map(([name, value]): [string, Call, string] => [`replaceTrack(sent track, ${name})`, (peer, { track }) => peer.replaceTrack(track, value as MediaStreamTrack), "rejects ERR_MEDIA"]),
  ...junk
    .filter(([, value]) => typeof value !== "function")
    .map(([name, value]): [string, Call, string] => [`on("data", ${name})`, (peer) => peer.on("data", value as () => void), "throws ERR_INVALID_ARGUMENT"]),
  ["on(\"no such event\", listener): kept, never called", (peer) => peer.on("nonsense" as "data", () => expect.fail("called")), "returns"],
  ["off(\"data\", a listener never added)", (peer) => peer.off("data", () => {}), "returns"],
  ["removeAllListeners(42)", (peer) => peer.removeAllListeners(42 as never), "returns"],
  ["listenerCount(undefined)", (peer) => peer.listenerCount(undefined as never), "returns"],
];

// The same calls after destroy(): refused as closed, or ignored.
const afterDestroy: [string, Call, string][] = [
  ["send(\"late\")", (peer) => peer.send("late"), "throws ERR_NOT_CONNECTED"],
  ["send(undefined)", (peer) => peer.send(undefined as never), "throws ERR_NOT_CONNECTED"],
  ["signal(a valid offer): ignored", (peer) => peer.signal({ type: "offer", sdp: "v=0\r\n" }), "resolves"],
  ["signal(42): ignored", (peer) => peer.signal(42 as never), "resolves"],
  ["addStream(stream)", (peer, { other }) => peer.addStream(mediaStream(other)), "throws ERR_PEER_CLOSED"],
  ["addStream(null)", (peer) => peer.addStream(null as never), "throws ERR_PEER_CLOSED"],
  ["addTrack(track, stream)", (peer, { other, stream }) => peer.addTrack(other, stream), "throws ERR_PEER_CLOSED"],
  ["removeTrack(sent track): ignored", (peer, { track }) => peer.removeTrack(track), "returns"],
  ["removeTrack(undefined): ignored", (peer) => peer.removeTrack(undefined as never), "returns"],
  ["removeStream(stream): ignored", (peer, { stream }) => peer.removeStream(stream), "returns"],
  ["replaceTrack(sent track, track)", (peer, { track, other }) => peer.replaceTrack(track, other), "rejects ERR_PEER_CLOSED"],
  ["getStats()", (peer) => peer.getStats(), "rejects ERR_PEER_CLOSED"],
  ["destroy() again: ignored", (peer) => peer.destroy(), "returns"],
  ["on(\"data\", listener): completes at once", (peer) => peer.on("data", () => expect.fail("called")), "returns"],
];

// Options of every wrong type: the constructor throws before making anything.
const badOptions: [string, unknown, string][] = [
  ["null", null, "throws ERR_INVALID_ARGUMENT"],
  ["a number", 5, "throws ERR_INVALID_ARGUMENT"],
  ["channelConfig: 5", { channelConfig: 5 }, "throws ERR_INVALID_ARGUMENT"],
  ["channelConfig: null", { channelConfig: null }, "throws ERR_INVALID_ARGUMENT"],
  ["initiator: \"yes\"", { initiator: "yes" }, "throws ERR_INVALID_ARGUMENT"],
  ["debug: \"all\"", { debug: "all" }, "throws ERR_INVALID_ARGUMENT"],
  ["config: 5", { config: 5 }, "throws ERR_INVALID_ARGUMENT"],
  ["channelName: 5", { channelName: 5 }, "throws ERR_INVALID_ARGUMENT"],
  ["trickle: \"no\"", { trickle: "no" }, "throws ERR_INVALID_ARGUMENT"],
  ["sdpTransform: 5", { sdpTransform: 5 }, "throws ERR_INVALID_ARGUMENT"],
  ["offerOptions: 5", { offerOptions: 5 }, "throws ERR_INVALID_ARGUMENT"],
  // Options of the right type that createDataChannel refuses, on every runtime (WebRTC's own rules).
  ["initiator with channelConfig: { maxRetransmits: 0, maxPacketLifeTime: 10 }", { initiator: true, channelConfig: { maxRetransmits: 0, maxPacketLifeTime: 10 } }, "throws ERR_INVALID_ARGUMENT"],
  ["channelConfig: { negotiated: true, id: 65535 }", { channelConfig: { negotiated: true, id: 65535 } }, "throws ERR_INVALID_ARGUMENT"],
  ["wrtc: 5", { wrtc: 5 }, "throws ERR_WEBRTC_SUPPORT"],
  ["wrtc: {}", { wrtc: {} }, "throws ERR_WEBRTC_SUPPORT"],
];

describe("hostile calls", () => {
  describe("on a connected peer: each is refused as documented and the pair keeps working", () => {
    for (const [name, call, expected] of onConnected) {
      // The media rows need real tracks: node-datachannel has none, so they skip there by design.
      (runtimeHasMedia || !/Stream|Track/.test(name) ? it : it.skip)(`${name}: ${expected}`, async () => {
        const { a, b } = await connectedPair();
        const media = mediaFor(name, a);
        expect(await outcomeOf(a, () => call(a, media))).to.equal(expected);
        await stillWorks(a, b);
      });
    }
  });

  describe("after destroy(): each is refused as closed or ignored", () => {
    for (const [name, call, expected] of afterDestroy) {
      (runtimeHasMedia || !/Stream|Track/.test(name) ? it : it.skip)(`${name}: ${expected}`, async () => {
        const a = makePeer({ initiator: true });
        const media = mediaFor(name, a);
        a.destroy();
        expect(await outcomeOf(a, () => call(a, media))).to.equal(expected);
        expect(a.listenerCount("data")).to.equal(0);
      });
    }
  });

  describe("new Peer(bad options)", () => {
    for (const [name, options, expected] of badOptions) {
      it(`new Peer(${name}): ${expected}`, async () => {
        const withRuntime = options !== null && typeof options === "object" && !("wrtc" in options) && wrtc ? { ...options, wrtc } : options;
        expect(await outcomeOf(undefined, () => new Peer(withRuntime as Partial<PeerOptions>))).to.equal(expected);
      });
    }

    it("a channelConfig that createDataChannel refuses leaves no connection open behind the throw", () => {
      const runtime = wrtc ?? (globalThis as unknown as { RTCPeerConnection: typeof RTCPeerConnection });
      const made: RTCPeerConnection[] = [];
      class Recorded extends runtime.RTCPeerConnection {
        constructor(config?: RTCConfiguration) {
          super(config);
          made.push(this);
        }
      }
      const refused = { initiator: true, channelConfig: { maxRetransmits: 0, maxPacketLifeTime: 10 } };
      expect(() => new Peer({ ...refused, debug: 0, wrtc: { ...runtime, RTCPeerConnection: Recorded } })).to.throw(PeerError, /channelConfig was refused/);
      expect(made).to.have.length(1);
      expect(made[0]?.connectionState).to.equal("closed");
    });

    it("a good config reaches the RTCPeerConnection, as the bad ones are refused", () => {
      const peer = makePeer({ config: { bundlePolicy: "max-bundle", iceTransportPolicy: "relay" } });
      expect(peer.connection.getConfiguration()).to.include({ bundlePolicy: "max-bundle", iceTransportPolicy: "relay" });
    });
  });

  describe("from inside handlers", () => {
    it("send() inside connect$ on both sides: every message arrives, in order", async () => {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      const atB = firstValueFrom(b.data$.pipe(take(3), toArray()));
      const atA = firstValueFrom(a.data$.pipe(take(3), toArray()));
      a.once("connect", () => ["a1", "a2", "a3"].forEach((text) => a.send(text)));
      b.connect$.subscribe(() => ["b1", "b2", "b3"].forEach((text) => b.send(text)));
      linkPeers(a, b);
      expect(await atB).to.deep.equal(["a1", "a2", "a3"]);
      expect(await atA).to.deep.equal(["b1", "b2", "b3"]);
    });

    it("signal() inside a signal listener, with junk for itself: each junk is reported, and the pair connects", async () => {
      const a = makePeer({ initiator: true });
      const b = makePeer();
      const reported: string[] = [];
      a.error$.subscribe((error) => reported.push(error.code));
      let signals = 0;
      a.on("signal", (signal) => {
        signals++;
        void b.signal(signal);
        void a.signal(42 as never);
      });
      b.on("signal", (signal) => void a.signal(signal));
      await Promise.all([connected(a), connected(b)]);
      expect(signals).to.be.greaterThan(0);
      expect(reported).to.deep.equal(Array(signals).fill("ERR_SIGNAL_INVALID"));
      await stillWorks(a, b);
    });

    it("send() inside data$ (an echo): every message comes back, in order", async () => {
      const { a, b } = await connectedPair();
      b.on("data", (data) => b.send(`echo ${String(data)}`));
      const echoes = firstValueFrom(a.data$.pipe(take(20), toArray()));
      for (let i = 0; i < 20; i++) a.send(String(i));
      expect(await echoes).to.deep.equal(Array.from({ length: 20 }, (_, i) => `echo ${i}`));
    });

    it("a Blob that cannot be read: ERR_DATA_CHANNEL on error$, and what was sent after it still arrives", async () => {
      const { a, b } = await connectedPair();
      class UnreadableBlob extends Blob {
        override arrayBuffer(): Promise<ArrayBuffer> {
          return Promise.reject(new Error("the file is gone"));
        }
      }
      const error = firstValueFrom(a.error$);
      const arrived = firstValueFrom(b.data$.pipe(take(2), toArray()));
      a.send("before");
      a.send(new UnreadableBlob(["lost"]));
      a.send("after");
      expect((await error).code).to.equal("ERR_DATA_CHANNEL");
      expect(await arrived).to.deep.equal(["before", "after"]);
    });

    it("destroy() inside data$, then send() in the same handler: ERR_NOT_CONNECTED, and both sides close once", async () => {
      const { a, b } = await connectedPair();
      const outcomes: string[] = [];
      const bCloses = firstValueFrom(b.close$.pipe(toArray()));
      const aClosed = firstValueFrom(a.close$);
      b.data$.subscribe(() => {
        b.destroy();
        void outcomeOf(undefined, () => b.send("after destroy")).then((outcome) => outcomes.push(outcome));
      });
      a.send("one");
      a.send("two");
      expect(await bCloses).to.have.length(1);
      await aClosed;
      expect(outcomes).to.deep.equal(["throws ERR_NOT_CONNECTED"]);
    });
  });
});
