// sendFile() + receiveFiles() between two real peers: every kind of source, sizes at the
// piece boundaries, what the receiver is told, progress, and bad input from a careless caller.
import { expect } from "chai";
import { firstValueFrom, lastValueFrom, tap, toArray } from "rxjs";
import { runtimeName } from "#test-runtime";
import { PeerError } from "../../src/index.js";
import { receiveFiles, sendFile, type IncomingFile, type TransferProgress } from "../../operators/index.js";
import { connectedPair, makePeer } from "../support/peers.js";
import { patternBytes, sameBytes } from "../support/bytes.js";
import { countedChunks, irregularStream, readAll, sourceProbe, type SourceProbe } from "../support/transfer.js";

const PIECE = 1000;

/** Sends `source` from a to b and returns what b received and the progress a emitted. */
async function transfer(source: Parameters<typeof sendFile>[1], options: Parameters<typeof sendFile>[2] = {}) {
  const { a, b } = await connectedPair();
  const incoming = firstValueFrom(receiveFiles(b)).then(async (file) => ({ file, bytes: await readAll(file.stream) }));
  const progress = await lastValueFrom(sendFile(a, source, options).pipe(toArray()));
  return { ...(await incoming), progress };
}

describe(`sendFile + receiveFiles (${runtimeName})`, () => {
  for (const size of [0, 1, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE, 2 * PIECE + 1, 7 * PIECE + 13]) {
    it(`delivers a Blob of ${size} bytes intact (pieces of ${PIECE})`, async () => {
      const data = patternBytes(size, size + 1);
      const { file, bytes, progress } = await transfer(new Blob([data], { type: "application/x-test" }), { name: "n.bin", pieceSize: PIECE, meta: { k: [1, "two"] } });
      expect(sameBytes(bytes, data), "same bytes").to.equal(true);
      expect([file.name, file.type, file.size, file.meta]).to.deep.equal(["n.bin", "application/x-test", size, { k: [1, "two"] }]);
      expect(progress[0]).to.deep.equal({ bytes: 0, total: size });
      expect(progress.at(-1)).to.deep.equal({ bytes: size, total: size });
      expect(progress.length).to.equal(1 + Math.ceil(size / PIECE));
      expect(progress.every((p, i) => i === 0 || (p.bytes > (progress[i - 1] as TransferProgress).bytes && p.bytes - (progress[i - 1] as TransferProgress).bytes <= PIECE))).to.equal(true);
    });
  }

  for (const size of [2000, 3999, 4000, 4001, 6000]) {
    it(`delivers ${size} bytes through a window of 2000 (whole windows and one byte either side)`, async () => {
      const { a, b } = await connectedPair();
      const data = patternBytes(size, size);
      for (const source of [new Blob([data]), countedChunks(data, 700, sourceProbe())]) {
        const incoming = firstValueFrom(receiveFiles(b, { window: 2000 }));
        const sending = lastValueFrom(sendFile(a, source, { pieceSize: 1000, size }));
        expect(sameBytes(await readAll((await incoming).stream), data), "same bytes").to.equal(true);
        expect(await sending).to.deep.equal({ bytes: size, total: size });
      }
    });
  }

  it("delivers a ReadableStream of irregular chunks, size unknown unless given", async () => {
    const data = patternBytes(50_000, 3);
    const seen = sourceProbe();
    const { file, bytes, progress } = await transfer(irregularStream(data, 4000, seen), { pieceSize: PIECE });
    expect(sameBytes(bytes, data)).to.equal(true);
    expect(file.size).to.equal(undefined);
    expect(progress.at(-1)).to.deep.equal({ bytes: 50_000 });
    expect(seen.read).to.equal(50_000);

    const known = await transfer(irregularStream(data, 4000, sourceProbe()), { size: 50_000 });
    expect(known.file.size).to.equal(50_000);
    expect(known.progress.at(-1)).to.deep.equal({ bytes: 50_000, total: 50_000 });
  });

  it("delivers an AsyncIterable of Uint8Array and of ArrayBuffer chunks", async () => {
    const data = patternBytes(300_000, 4);
    for (const asArrayBuffer of [false, true]) {
      const seen = sourceProbe();
      const { bytes } = await transfer(countedChunks(data, 65_536, seen, asArrayBuffer), { pieceSize: 16_384 });
      expect(sameBytes(bytes, data), `same bytes (ArrayBuffer chunks: ${asArrayBuffer})`).to.equal(true);
      expect(seen.released).to.equal(true);
    }
  });

  it("names a File by its name and type, and anything else by a generated name", async () => {
    if (typeof File === "undefined") return; // Node 18 had no global File; Node 20 and browsers do
    const fromFile = await transfer(new File(["hi"], "greeting.txt", { type: "text/plain" }));
    expect([fromFile.file.name, fromFile.file.type, fromFile.file.size]).to.deep.equal(["greeting.txt", "text/plain", 2]);
    expect("meta" in fromFile.file).to.equal(false);
    const anonymous = await transfer(countedChunks(new Uint8Array(3), 3, sourceProbe()));
    expect(anonymous.file.name).to.match(/^file-[0-9a-f]+$/);
    expect(anonymous.file.type).to.equal("");
  });

  it("waits for the connection, and for a receiver that starts listening late", async () => {
    const a = makePeer({ initiator: true });
    const b = makePeer();
    const data = patternBytes(10_000, 5);
    const sending = lastValueFrom(sendFile(a, new Blob([data])));
    const { linkPeers } = await import("../../src/index.js");
    linkPeers(a, b);
    await firstValueFrom(b.connect$);
    // The offer went out before anyone listened on b; receiveFiles says it is listening, and a offers again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const file = await firstValueFrom(receiveFiles(b));
    expect(sameBytes(await readAll(file.stream), data)).to.equal(true);
    expect(await sending).to.deep.equal({ bytes: 10_000, total: 10_000 });
  });

  it("receives a file whole after firstValueFrom has unsubscribed from receiveFiles, and several in a row", async () => {
    const { a, b } = await connectedPair();
    for (let round = 0; round < 3; round++) {
      const data = patternBytes(40_000 + round, round);
      const file: Promise<IncomingFile> = firstValueFrom(receiveFiles(b));
      const [received] = await Promise.all([file.then((f) => readAll(f.stream)), lastValueFrom(sendFile(a, new Blob([data]), { pieceSize: 4096 }))]);
      expect(sameBytes(received, data), `round ${round}`).to.equal(true);
    }
  });

  it("keeps every piece intact with Blobs sent between them (the peer holds what follows a Blob until it is read)", async () => {
    const { a, b } = await connectedPair();
    const data = patternBytes(300_000, 11);
    const incoming = firstValueFrom(receiveFiles(b, { window: 50_000 }));
    const sending = sendFile(a, countedChunks(data, 1000, sourceProbe()), { pieceSize: 1000 }).pipe(
      tap(({ bytes }) => {
        if (bytes % 20_000 === 0) a.send(new Blob([new Uint8Array(100_000)]));
      }),
    );
    const [received] = await Promise.all([incoming.then((file) => readAll(file.stream)), lastValueFrom(sending)]);
    expect(sameBytes(received, data), "same bytes").to.equal(true);
  });

  it("refuses bad arguments at call time, with a message saying what was wrong", async () => {
    const { a } = await connectedPair();
    expect(() => sendFile(a, "text" as unknown as Blob)).to.throw(TypeError, /Blob, a ReadableStream or an async iterable/);
    expect(() => sendFile(a, new Blob([]), { pieceSize: 0 })).to.throw(RangeError, /pieceSize/);
    expect(() => sendFile(a, new Blob([]), { pieceSize: 300_000 })).to.throw(RangeError, /pieceSize/);
    expect(() => sendFile(a, countedChunks(new Uint8Array(1), 1, sourceProbe()), { size: -1 })).to.throw(RangeError, /size/);
    expect(() => sendFile(a, new Blob([]), { meta: "x".repeat(20_000) })).to.throw(RangeError, /16384/);
    expect(() => sendFile(a, new Blob([]), { meta: { n: 1n } })).to.throw(TypeError);
    expect(() => receiveFiles(a, { window: 0 })).to.throw(RangeError, /window/);
    expect(() => receiveFiles(a, { maxConcurrent: 1.5 })).to.throw(RangeError, /maxConcurrent/);
  });

  it("errors when the source gives something other than bytes, or not the size declared, and the receiver's stream errors too", async () => {
    const { a, b } = await connectedPair();
    const cases: [AsyncIterable<Uint8Array>, Parameters<typeof sendFile>[2], RegExp][] = [
      [(async function* () { yield new Uint8Array(5); yield "oops" as unknown as Uint8Array; })(), {}, /gave a string/],
      [countedChunks(new Uint8Array(10), 4, sourceProbe()) as AsyncIterable<Uint8Array>, { size: 9 }, /more than the 9 bytes/],
      [countedChunks(new Uint8Array(10), 4, sourceProbe()) as AsyncIterable<Uint8Array>, { size: 11 }, /ended after 10 of the 11/],
      [(async function* () { yield new Uint8Array(5); throw new Error("disk gone"); })(), {}, /disk gone/],
    ];
    const files = receiveFiles(b);
    for (const [source, options, message] of cases) {
      const incoming = firstValueFrom(files);
      const sent = await lastValueFrom(sendFile(a, source, options)).then(() => undefined, (err: unknown) => err);
      expect(String(sent)).to.match(message);
      const received = await readAll((await incoming).stream).then(() => undefined, (err: unknown) => err);
      expect(received).to.be.instanceOf(PeerError);
      expect((received as PeerError).code).to.equal("ERR_TRANSFER_CANCELLED");
      expect((received as PeerError).message).to.match(message);
    }
  });
});
