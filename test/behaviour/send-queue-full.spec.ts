// peer.send() in a loop faster than the channel drains, with no backpressure (the careless
// sender): once the channel's send queue is full, a send either throws a PeerError
// (ERR_DATA_CHANNEL, as Chromium refuses "send queue is full") or the runtime keeps taking
// them (node-datachannel); never is a message taken and then lost. @roamhq/wrtc drops such a
// message without a word, and later ones that fit still go: rxpeer refuses it there instead.
// sendTo() never lets the queue get there, whatever its highWaterMark.
import { expect } from "chai";
import { filter, firstValueFrom, last, map, of, range } from "rxjs";
import { PeerError } from "../../src/index.js";
import { sendTo } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";

const MESSAGE = 64 * 1024;
// 32 MiB: twice what libwebrtc's queue holds (@roamhq/wrtc, Chromium).
const MESSAGES = 512;

function numbered(index: number): Uint8Array<ArrayBuffer> {
  const message = new Uint8Array(MESSAGE);
  new DataView(message.buffer).setUint32(0, index);
  return message;
}

describe("send() past a full send queue", () => {
  it("refuses a message with ERR_DATA_CHANNEL, or takes it; every message taken arrives, in order", async () => {
    const { a, b } = await connectedPair();
    const received: number[] = [];
    b.data$.subscribe((message) => {
      if (message instanceof ArrayBuffer) received.push(new DataView(message).getUint32(0));
    });
    let taken = 0;
    let refusal: unknown;
    for (; taken < MESSAGES && refusal === undefined; taken++) {
      try {
        a.send(numbered(taken));
      } catch (error) {
        refusal = error;
        taken--;
      }
    }
    if (refusal !== undefined) {
      expect(refusal).to.be.instanceOf(PeerError);
      expect((refusal as PeerError).code).to.equal("ERR_DATA_CHANNEL");
      expect((refusal as PeerError).message).to.match(/queue is full/i);
    }
    // The end goes once the queue has room again (sendTo waits for it), behind everything taken.
    const ended = firstValueFrom(b.data$.pipe(filter((message) => message === "end")));
    await firstValueFrom(of("end").pipe(sendTo(a)));
    await ended;
    expect(received.length, `${received.length} of the ${taken} messages taken arrived`).to.equal(taken);
    expect(received.every((index, at) => index === at), "in order, none missing").to.equal(true);
    expect(a.ready, "still connected").to.equal(true);
  });

  it("sendTo() with a highWaterMark past the queue's 16 MiB holds at the most the queue takes: every message arrives, no error", async () => {
    const { a, b } = await connectedPair();
    const received: number[] = [];
    const all = firstValueFrom(b.data$.pipe(map((message) => received.push(new DataView(message as ArrayBuffer).getUint32(0))), filter((count) => count === MESSAGES)));
    all.catch(() => undefined); // awaited below; a send error fails the test first
    const sent = await firstValueFrom(range(0, MESSAGES).pipe(map(numbered), sendTo(a, { highWaterMark: 64 * 1024 * 1024 }), last()));
    expect(sent).to.equal(MESSAGES * MESSAGE);
    await all;
    expect(received.every((index, at) => index === at), "in order, none missing").to.equal(true);
  });
});
