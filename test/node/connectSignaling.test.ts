// connectSignaling(): both directions and unwiring against a stand-in channel, then two
// real peers connecting through rxjs webSocket() and a `ws` relay on 127.0.0.1.
import { afterEach, describe, expect, it } from "vitest";
import { Subject, filter, firstValueFrom } from "rxjs";
import { webSocket } from "rxjs/webSocket";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import wrtc from "@roamhq/wrtc";
import { Peer, type SignalData, type SimplePeerSignalData, type WebRTCImplementation } from "../../src/index.js";
import { connectSignaling } from "../../operators/index.js";

const offer: SignalData = { type: "sdp", data: { type: "offer", sdp: "v=0\r\n" } };
const answer: SignalData = { type: "sdp", data: { type: "answer", sdp: "v=0\r\n" } };

function fakePeer() {
  const signal$ = new Subject<SignalData>();
  const signalled: unknown[] = [];
  return { signal$, signalled, signal: async (data: SignalData | SimplePeerSignalData | string) => void signalled.push(data) };
}

describe("connectSignaling with a stand-in channel", () => {
  it("sends signal$ into the channel and channel messages to peer.signal(), until unsubscribed", () => {
    const peer = fakePeer();
    const channel = new Subject<unknown>();
    const outgoing: unknown[] = [];
    channel.subscribe((m) => outgoing.push(m));
    const wiring = connectSignaling(peer, channel);
    peer.signal$.next(offer);
    channel.next(answer);
    expect(outgoing).toEqual([offer, answer]); // the channel echoes what it is given
    expect(peer.signalled).toEqual([offer, answer]);
    wiring.unsubscribe();
    peer.signal$.next(offer);
    channel.next(answer);
    expect(peer.signalled).toHaveLength(2);
    expect(peer.signal$.observed).toBe(false);
  });

  it("ends the wiring when the peer's signal$ completes, and tells onError when the channel errors", () => {
    const peer = fakePeer();
    const channel = new Subject<unknown>();
    const wiring = connectSignaling(peer, channel);
    peer.signal$.complete();
    expect(wiring.closed).toBe(true);
    expect(channel.observed).toBe(false);

    const errors: unknown[] = [];
    const other = fakePeer();
    const failing = new Subject<unknown>();
    const second = connectSignaling(other, failing, { onError: (e) => errors.push(e) });
    failing.error(new Error("socket gone"));
    expect(second.closed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(other.signal$.observed).toBe(false);
  });
});

describe("connectSignaling over a real WebSocket (rxjs webSocket + ws)", () => {
  let server: WebSocketServer | undefined;
  const peers: Peer[] = [];

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A relay for one room of two: each text message goes to the other client, held until it joins. */
  async function startRelay(): Promise<{ url: string; closed: Promise<void> }> {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    server = wss;
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
    const clients: WebSocket[] = [];
    const held = new Map<WebSocket, string[]>();
    let closedCount = 0;
    let allClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (allClosed = resolve));
    wss.on("connection", (socket) => {
      clients.push(socket);
      held.set(socket, []);
      socket.on("message", (data: RawData) => {
        const text = data.toString();
        const other = clients.find((c) => c !== socket);
        if (other) other.send(text);
        else held.get(socket)?.push(text);
      });
      socket.on("close", () => ++closedCount === 2 && allClosed());
      if (clients.length === 2) {
        for (const client of clients) {
          const other = clients.find((c) => c !== client);
          for (const text of held.get(client)?.splice(0) ?? []) other?.send(text);
        }
      }
    });
    const address = wss.address();
    if (typeof address === "string" || address === null) throw new Error("relay has no port");
    return { url: `ws://127.0.0.1:${address.port}`, closed };
  }

  it("connects two peers through the relay, and unsubscribing closes both sockets", async () => {
    const relay = await startRelay();
    const implementation = wrtc as unknown as WebRTCImplementation;
    const a = new Peer({ initiator: true, wrtc: implementation, debug: 0 });
    const b = new Peer({ wrtc: implementation, debug: 0 });
    peers.push(a, b);
    const channel = () => webSocket<SignalData>({ url: relay.url, WebSocketCtor: WebSocket as unknown as typeof globalThis.WebSocket });
    const wiringA = connectSignaling(a, channel());
    const wiringB = connectSignaling(b, channel());

    await Promise.all([a, b].map((peer) => firstValueFrom(peer.connected$.pipe(filter(Boolean)))));
    const received = firstValueFrom(b.data$);
    a.send("over a channel signaled through a WebSocket");
    expect(await received).toBe("over a channel signaled through a WebSocket");

    wiringA.unsubscribe();
    wiringB.unsubscribe();
    await relay.closed; // both sockets closed: the wiring let go of them
  });
});
