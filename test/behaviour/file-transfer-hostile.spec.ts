// A remote that breaks the file-transfer protocol, on purpose or by a bug: malformed frames,
// bytes past the credit or out of order, a wrong end or ack. Each gets a PeerError naming what
// was wrong; nothing is buffered past the limits; the peer stays usable.
import { expect } from "chai";
import { firstValueFrom, lastValueFrom, materialize, filter, toArray } from "rxjs";
import { runtimeName } from "#test-runtime";
import { PeerError, type Peer } from "../../src/index.js";
import { receiveFiles, sendFile, isTransferFrame } from "../../operators/index.js";
import { encodeCount, encodeData, encodeOffer, encodeReason } from "../../operators/transfer-frame.js";
import { connectedPair } from "../support/peers.js";
import { patternBytes, sameBytes } from "../support/bytes.js";
import { nextFrame, rawTransferFrame, readAll } from "../support/transfer.js";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const u64 = (high: number, low: number): Uint8Array => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, high);
  new DataView(bytes.buffer).setUint32(4, low);
  return bytes;
};

/** The error receiveFiles on `b` ends with once `a` sends `frame`. */
async function receiveFilesError(a: Peer, b: Peer, frame: ArrayBuffer): Promise<PeerError> {
  const ended = firstValueFrom(receiveFiles(b).pipe(materialize(), filter((n) => n.kind !== "N")));
  a.send(frame);
  const notification = await ended;
  expect(notification.kind).to.equal("E");
  const err = (notification as { error: unknown }).error;
  expect(err).to.be.instanceOf(PeerError);
  return err as PeerError;
}

/** Reads a stream to its end; resolves with its error. */
const streamError = (stream: ReadableStream<Uint8Array>): Promise<PeerError> =>
  readAll(stream).then(
    () => {
      throw new Error("expected the stream to error");
    },
    (err: unknown) => err as PeerError,
  );

describe(`file transfers with a hostile remote (${runtimeName})`, () => {
  it("a malformed transfer frame errors receiveFiles with a PeerError saying what was wrong, and the peer stays usable", async () => {
    const { a, b } = await connectedPair();
    const cases: [string, ArrayBuffer, string, RegExp][] = [
      ["cut short", new Uint8Array([0x52, 0x58, 0x46, 1, 1]).buffer, "ERR_FRAME_INVALID", /shorter than the 9-byte header/],
      ["a later version", rawTransferFrame({ version: 2, type: 1 }), "ERR_FRAME_INVALID", /version 2/],
      ["type 0", rawTransferFrame({ type: 0 }), "ERR_FRAME_INVALID", /type 0 is unknown/],
      ["type 99", rawTransferFrame({ type: 99 }), "ERR_FRAME_INVALID", /type 99 is unknown/],
      ["an offer not JSON", rawTransferFrame({ type: 1 }, text("{name")), "ERR_FRAME_INVALID", /not JSON/],
      ["an offer that is an array", rawTransferFrame({ type: 1 }, text("[1]")), "ERR_FRAME_INVALID", /not a JSON object/],
      ["an offer without a string name", rawTransferFrame({ type: 1 }, text('{"name":1,"type":""}')), "ERR_FRAME_INVALID", /string name and type/],
      ["an offer of -1 bytes", rawTransferFrame({ type: 1 }, text('{"name":"x","type":"","size":-1}')), "ERR_FRAME_INVALID", /size -1/],
      ["an offer over 16 KiB", rawTransferFrame({ type: 1 }, text(`{"name":"${"x".repeat(17_000)}","type":""}`)), "ERR_FRAME_TOO_LARGE", /over the 16384 allowed/],
      ["a data frame with no payload", rawTransferFrame({ type: 2 }, u64(0, 0)), "ERR_FRAME_INVALID", /no payload/],
      ["a data offset over 2^53", rawTransferFrame({ type: 2 }, new Uint8Array([...u64(0xffffffff, 0), 1])), "ERR_FRAME_INVALID", /over 2\^53/],
      ["an end of 7 bytes", rawTransferFrame({ type: 3 }, new Uint8Array(7)), "ERR_FRAME_INVALID", /carries 7 bytes after the header, expected 8/],
      ["an abort reason not UTF-8", rawTransferFrame({ type: 4 }, new Uint8Array([0xff, 0xfe])), "ERR_FRAME_INVALID", /not UTF-8/],
      ["a ready with a body", rawTransferFrame({ type: 5 }, new Uint8Array(1)), "ERR_FRAME_INVALID", /expected 0/],
    ];
    for (const [what, frame, code, message] of cases) {
      const err = await receiveFilesError(a, b, frame);
      expect(err.code, what).to.equal(code);
      expect(err.message, what).to.match(message);
    }
    const plain = firstValueFrom(b.data$);
    a.send("still here");
    expect(await plain).to.equal("still here");
    // A later receiveFiles works.
    const data = patternBytes(5000, 1);
    const incoming = firstValueFrom(receiveFiles(b));
    await lastValueFrom(sendFile(a, new Blob([data])));
    expect(sameBytes(await readAll((await incoming).stream), data)).to.equal(true);
  });

  it("a malformed frame mid-transfer errors the open streams too, and tells their senders", async () => {
    const { a, b } = await connectedPair();
    const incoming = firstValueFrom(receiveFiles(b, { window: 64 * 1024 }));
    const sending = lastValueFrom(sendFile(a, new Blob([new Uint8Array(1024 * 1024)])));
    const file = await incoming;
    a.send(rawTransferFrame({ type: 42 }));
    const err = await streamError(file.stream);
    expect(err.code).to.equal("ERR_FRAME_INVALID");
    const sent = await sending.then(() => undefined, (e: unknown) => e as PeerError);
    expect(sent?.code).to.equal("ERR_TRANSFER_CANCELLED");
    expect(sent?.message).to.match(/type 42 is unknown/);
  });

  describe("a sender that breaks the protocol for one transfer: that stream errors, the sender is told, other transfers go on", () => {
    const cases: [string, (id: number, credit: number) => ArrayBuffer[], RegExp][] = [
      ["bytes past the credit", (id, credit) => [encodeData(id, 0, new Uint8Array(credit + 1))], /past the 1000 granted/],
      ["bytes out of order", (id) => [encodeData(id, 5, new Uint8Array(10))], /data at byte 5, expected 0/],
      ["bytes past the size offered", (id) => [encodeData(id, 0, new Uint8Array(600))], /past the 500 offered/],
      ["an end short of the bytes sent", (id) => [encodeData(id, 0, new Uint8Array(10)), encodeCount("end", id, 9)], /end at 9 bytes, 10 received/],
      ["an end short of the size offered", (id) => [encodeData(id, 0, new Uint8Array(10)), encodeCount("end", id, 10)], /of 500 offered/],
      ["bytes after the end", (id) => [encodeData(id, 0, new Uint8Array(500)), encodeCount("end", id, 500), encodeData(id, 500, new Uint8Array(1))], /data after its end/],
    ];
    for (const [what, frames, message] of cases) {
      it(what, async () => {
        const { a, b } = await connectedPair();
        const files = receiveFiles(b, { window: 1000 });
        const incoming = firstValueFrom(files);
        const id = 77;
        const credit = nextFrame(a, "credit");
        a.send(encodeOffer(id, { name: "evil", type: "", size: 500 }));
        const file = await incoming;
        expect((await credit).value).to.equal(1000);
        const cancel = nextFrame(a, "cancel");
        for (const frame of frames(id, 1000)) a.send(frame);
        // Read only once the sender has been told: what arrived is not drained before the bad frame.
        expect((await cancel).id).to.equal(id);
        const err = await streamError(file.stream);
        expect(err.code).to.equal("ERR_FRAME_INVALID");
        expect(err.message).to.match(message);
        // The receiver goes on with honest transfers.
        const next = firstValueFrom(files);
        const data = patternBytes(3000, 2);
        const [received] = await Promise.all([next.then((f) => readAll(f.stream)), lastValueFrom(sendFile(a, new Blob([data])))]);
        expect(sameBytes(received, data)).to.equal(true);
      });
    }
  });

  it("data for a transfer never offered is ignored (as late bytes of a cancelled one are)", async () => {
    const { a, b } = await connectedPair();
    const files = firstValueFrom(receiveFiles(b));
    a.send(encodeData(12345, 0, new Uint8Array(100)));
    a.send(encodeCount("end", 12345, 100));
    a.send(encodeReason("abort", 12345, "whatever"));
    const data = patternBytes(100, 3);
    await lastValueFrom(sendFile(a, new Blob([data])));
    expect(sameBytes(await readAll((await files).stream), data)).to.equal(true);
  });

  it("a receiver that acknowledges bytes never sent, or sends a malformed frame, errors sendFile with ERR_FRAME_INVALID", async () => {
    const { a, b } = await connectedPair();
    for (const reply of ["ack", "malformed"] as const) {
      const offer = nextFrame(b, "offer");
      const sending = lastValueFrom(sendFile(a, new Blob([new Uint8Array(10)])).pipe(toArray()));
      const { id } = await offer;
      b.send(reply === "ack" ? encodeCount("ack", id, 10) : rawTransferFrame({ type: 6, id }, new Uint8Array(3)));
      const err = await sending.then(() => undefined, (e: unknown) => e as PeerError);
      expect(err?.code, reply).to.equal("ERR_FRAME_INVALID");
      expect(err?.message, reply).to.match(reply === "ack" ? /acknowledged 10 bytes of "file-[0-9a-f]+", 0 were sent so far/ : /expected 8/);
    }
  });

  it("transfer frames on data$ are binary and all start with the magic; strings and chunk() frames never match", async () => {
    const { a, b } = await connectedPair();
    const seen: unknown[] = [];
    b.data$.subscribe((message) => seen.push(message));
    const incoming = firstValueFrom(receiveFiles(b));
    await lastValueFrom(sendFile(a, new Blob([new Uint8Array(100_000)])));
    await readAll((await incoming).stream);
    expect(seen.length).to.be.above(2);
    expect(seen.every(isTransferFrame)).to.equal(true);
    expect(isTransferFrame("RXF")).to.equal(false);
    expect(isTransferFrame(new Uint8Array([0x52, 0x58, 1, 0]))).to.equal(false); // a chunk() frame's start
    expect(isTransferFrame(new Uint8Array([0x52, 0x58]))).to.equal(false);
    expect(isTransferFrame(new Uint8Array([9, 0x52, 0x58, 0x46]).subarray(1))).to.equal(true);
  });
});
