// rxpeer against a real @rtco/peer 0.2.20 on @roamhq/wrtc, in both roles: text and binary
// data both ways. @rtco/peer uses the WebRTC globals and calls setLocalDescription() with
// no argument, which @roamhq/wrtc rejects ("Expected an object"); so, in this file only,
// the globals are @roamhq/wrtc's, with an RTCPeerConnection that creates the offer or
// answer itself when given no description, and that holds remote candidates until a
// remote description is set (@rtco/peer adds them as they come). Restored after.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { firstValueFrom, type Subscription } from "rxjs";
import ArticoPeer from "@rtco/peer";
import wrtc from "@roamhq/wrtc";
import { Peer, type PeerError, type WebRTCImplementation } from "../../src/index.js";
import { emitterReceives, rxReceives } from "../support/receive.js";

const implementation = wrtc as unknown as WebRTCImplementation;
const WrtcPeerConnection = wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection;

/** @roamhq/wrtc's RTCPeerConnection with the two behaviours @rtco/peer expects of a browser's. */
class ImplicitDescriptionPeerConnection extends WrtcPeerConnection {
  private remoteDescriptionApplied: Promise<unknown> | undefined;
  private remoteDescriptionWaiters: (() => void)[] = [];

  override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
    if (description) return super.setLocalDescription(description);
    const made = this.signalingState === "have-remote-offer" ? await this.createAnswer() : await this.createOffer();
    return super.setLocalDescription(made);
  }

  override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const applied = super.setRemoteDescription(description);
    this.remoteDescriptionApplied = applied.then(
      () => {
        for (const wake of this.remoteDescriptionWaiters.splice(0)) wake();
      },
      () => undefined,
    );
    return applied;
  }

  override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    if (!this.remoteDescriptionApplied) await new Promise<void>((resolve) => this.remoteDescriptionWaiters.push(resolve));
    await this.remoteDescriptionApplied;
    return super.addIceCandidate(candidate ?? undefined);
  }
}

const GLOBAL_NAMES = ["RTCPeerConnection", "RTCSessionDescription", "RTCIceCandidate", "MediaStream"] as const;
const scope = globalThis as unknown as Record<string, unknown>;
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeAll(() => {
  const replacements: Record<(typeof GLOBAL_NAMES)[number], unknown> = {
    RTCPeerConnection: ImplicitDescriptionPeerConnection,
    RTCSessionDescription: wrtc.RTCSessionDescription,
    RTCIceCandidate: wrtc.RTCIceCandidate,
    MediaStream: wrtc.MediaStream,
  };
  for (const name of GLOBAL_NAMES) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, { value: replacements[name], configurable: true, writable: true });
  }
});

afterAll(() => {
  for (const name of GLOBAL_NAMES) {
    const descriptor = saved.get(name);
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete scope[name];
  }
});

interface Pair {
  rx: Peer;
  artico: ArticoPeer;
  rxErrors: PeerError[];
  articoErrors: Error[];
}

const live: Pair[] = [];
const wirings: Subscription[] = [];

afterEach(() => {
  for (const wiring of wirings.splice(0)) wiring.unsubscribe();
  for (const { rx, artico } of live.splice(0)) {
    rx.destroy();
    artico.destroy();
  }
});

/** An rxpeer and an @rtco/peer, signals carried as JSON text as a signaling server would. */
async function connectedPair(rxInitiates: boolean): Promise<Pair> {
  const rx = new Peer({ initiator: rxInitiates, wrtc: implementation, debug: 0 });
  // @rtco/peer's default config names public STUN servers: loopback only here.
  const artico = new ArticoPeer({ initiator: !rxInitiates, debug: 1, config: { iceServers: [] } });
  const pair: Pair = { rx, artico, rxErrors: [], articoErrors: [] };
  live.push(pair);
  wirings.push(rx.error$.subscribe((error) => pair.rxErrors.push(error)));
  artico.on("error", (error) => pair.articoErrors.push(error));
  artico.on("signal", (signal) => void rx.signal(JSON.stringify(signal)));
  wirings.push(rx.signal$.subscribe((signal) => void artico.signal(JSON.parse(JSON.stringify(signal)) as Parameters<ArticoPeer["signal"]>[0])));
  await Promise.all([firstValueFrom(rx.connect$), new Promise<void>((resolve) => artico.once("connect", () => resolve()))]);
  return pair;
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new Error(`expected binary data, got ${Object.prototype.toString.call(value)}`);
}

const binary = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);

describe.each([
  { roles: "rxpeer initiates, @rtco/peer answers", rxInitiates: true },
  { roles: "@rtco/peer initiates, rxpeer answers", rxInitiates: false },
])("rxpeer and @rtco/peer 0.2.20: $roles", ({ rxInitiates }) => {
  it("connects and carries text and binary both ways", async () => {
    const pair = await connectedPair(rxInitiates);
    const { rx, artico } = pair;
    expect(rx.ready).toBe(true);
    expect(artico.ready).toBe(true);

    const atArtico = emitterReceives(artico, 2);
    rx.send("hello artico");
    rx.send(binary);
    const [text, bytes] = await atArtico;
    expect(text).toBe("hello artico");
    expect(bytesOf(bytes)).toEqual(binary);

    const atRx = rxReceives(rx, 2);
    artico.send("hello rxpeer");
    // Its typings say send(string); its code hands anything to RTCDataChannel.send.
    (artico as unknown as { send(data: ArrayBuffer): void }).send(binary.buffer);
    const [fromArticoText, fromArticoBytes] = await atRx;
    expect(fromArticoText).toBe("hello rxpeer");
    expect(fromArticoBytes).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(fromArticoBytes as ArrayBuffer)).toEqual(binary);

    expect(pair.rxErrors.map((error) => `${error.code}: ${error.message}`)).toEqual([]);
    expect(pair.articoErrors.map((error) => error.message)).toEqual([]);
  });

  it("closes on both sides when the other side is destroyed", async () => {
    const { rx, artico } = await connectedPair(rxInitiates);
    const rxClosed = firstValueFrom(rx.close$);
    artico.destroy();
    await rxClosed;
    expect(rx.destroyed).toBe(true);

    const second = await connectedPair(rxInitiates);
    const articoClosed = new Promise<void>((resolve) => second.artico.once("close", () => resolve()));
    second.rx.destroy();
    await articoClosed;
  });
});
