// File transfers that end early: the receiver cancels or refuses, the sender unsubscribes
// or its peer closes mid-transfer. Each side must learn it with a PeerError, and the
// sender's source must be released, not read on.
import { expect } from "chai";
import { filter, firstValueFrom, lastValueFrom, take, toArray } from "rxjs";
import { runtimeName } from "#test-runtime";
import { PeerError, type Peer } from "../../src/index.js";
import { receiveFiles, sendFile, type IncomingFile } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";
import { patternBytes, sameBytes } from "../support/bytes.js";
import { countedChunks, readAll, sourceProbe, type SourceProbe } from "../support/transfer.js";

const KiB = 1024;
const failure = (promise: Promise<unknown>): Promise<PeerError> =>
  promise.then(
    () => {
      throw new Error("expected an error");
    },
    (err: unknown) => {
      expect(err).to.be.instanceOf(PeerError);
      return err as PeerError;
    },
  );

/** Resolves once `b` has read `bytes` from the stream, leaving the reader locked and idle. */
async function readAtLeast(file: IncomingFile, bytes: number): Promise<ReadableStreamDefaultReader<Uint8Array>> {
  const reader = file.stream.getReader();
  for (let got = 0; got < bytes; ) {
    const { done, value } = await reader.read();
    if (done) throw new Error("stream ended early");
    got += value.byteLength;
  }
  return reader;
}

/** The sending side of a transfer that is running: `a` sends 4 MiB in 16 KiB pieces, `b` has read 64 KiB of it. */
async function midTransfer(): Promise<{ a: Peer; b: Peer; source: SourceProbe; sending: Promise<unknown>; file: IncomingFile; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const { a, b } = await connectedPair();
  const source = sourceProbe();
  const incoming = firstValueFrom(receiveFiles(b, { window: 256 * KiB }));
  const sending = lastValueFrom(sendFile(a, countedChunks(patternBytes(4096 * KiB, 1), 16 * KiB, source), { pieceSize: 16 * KiB }));
  sending.catch(() => undefined);
  const file = await incoming;
  const reader = await readAtLeast(file, 64 * KiB);
  return { a, b, source, sending, file, reader };
}

describe(`file transfers that end early (${runtimeName})`, () => {
  it("a receiver's cancel() errors sendFile with ERR_TRANSFER_CANCELLED and releases the source", async () => {
    const { source, sending, reader } = await midTransfer();
    await reader.cancel("not wanted");
    const err = await failure(sending);
    expect(err.code).to.equal("ERR_TRANSFER_CANCELLED");
    expect(err.message).to.match(/not wanted/);
    await source.whenReleased;
    expect(source.read).to.be.below(4096 * KiB);
  });

  it("unsubscribing from sendFile errors the receiver's stream with ERR_TRANSFER_CANCELLED and releases the source", async () => {
    const { a, b } = await connectedPair();
    const source = sourceProbe();
    const incoming = firstValueFrom(receiveFiles(b, { window: 256 * KiB }));
    const subscription = sendFile(a, countedChunks(patternBytes(4096 * KiB, 2), 16 * KiB, source)).subscribe();
    const reader = await readAtLeast(await incoming, 64 * KiB);
    subscription.unsubscribe();
    await source.whenReleased;
    const readOn = async (): Promise<void> => {
      for (;;) if ((await reader.read()).done) return;
    };
    const err = await failure(readOn());
    expect(err.code).to.equal("ERR_TRANSFER_CANCELLED");
    expect(err.message).to.match(/sender/);
  });

  it("the sender's peer closing mid-transfer errors both sides with ERR_PEER_CLOSED", async () => {
    const { a, source, sending, reader } = await midTransfer();
    const readOn = async (): Promise<void> => {
      for (;;) if ((await reader.read()).done) return;
    };
    const received = failure(readOn());
    a.destroy();
    expect((await failure(sending)).code).to.equal("ERR_PEER_CLOSED");
    expect((await received).code).to.equal("ERR_PEER_CLOSED");
    await source.whenReleased;
  });

  // On node-datachannel the channel closes a turn before its readyState says so: a send in
  // that turn must still end as ERR_PEER_CLOSED (docs/runtimes.md).
  it("the receiver's peer closing mid-transfer errors sendFile with ERR_PEER_CLOSED", async () => {
    const { b, source, sending } = await midTransfer();
    b.destroy();
    expect((await failure(sending)).code).to.equal("ERR_PEER_CLOSED");
    await source.whenReleased;
  });

  it("sendFile on a destroyed peer errors at once with ERR_PEER_CLOSED, reading nothing", async () => {
    const { a } = await connectedPair();
    a.destroy();
    const source = sourceProbe();
    expect((await failure(lastValueFrom(sendFile(a, countedChunks(new Uint8Array(10), 5, source))))).code).to.equal("ERR_PEER_CLOSED");
    expect(source.read).to.equal(0);
  });

  it("a file that arrived whole is still delivered after the peer closes", async () => {
    const { a, b } = await connectedPair();
    const data = patternBytes(200 * KiB, 3);
    const incoming = firstValueFrom(receiveFiles(b));
    await lastValueFrom(sendFile(a, new Blob([data])));
    a.destroy();
    await firstValueFrom(b.close$);
    expect(sameBytes(await readAll((await incoming).stream), data)).to.equal(true);
  });

  it("refuses a file over maxFileSize: before its bytes when the size is known, as they pass the limit when not", async () => {
    const { a, b } = await connectedPair();
    const files: IncomingFile[] = [];
    receiveFiles(b, { maxFileSize: 100 * KiB }).subscribe((file) => files.push(file));
    const known = await failure(lastValueFrom(sendFile(a, new Blob([new Uint8Array(100 * KiB + 1)]))));
    expect(known.code).to.equal("ERR_TRANSFER_REFUSED");
    expect(known.message).to.match(/maxFileSize of 102400/);
    expect(files.length).to.equal(0);

    const source = sourceProbe();
    const unknown = await failure(lastValueFrom(sendFile(a, countedChunks(new Uint8Array(300 * KiB), 8 * KiB, source))));
    expect(unknown.code).to.equal("ERR_TRANSFER_REFUSED");
    await source.whenReleased;
    expect(files.length).to.equal(1);
    const err = await failure(readAll((files[0] as IncomingFile).stream));
    expect(err.code).to.equal("ERR_FRAME_TOO_LARGE");

    // Exactly at the limit is fine.
    const data = patternBytes(100 * KiB, 4);
    await lastValueFrom(sendFile(a, new Blob([data])));
    expect(sameBytes(await readAll((files[1] as IncomingFile).stream), data)).to.equal(true);
  });

  it("refuses offers beyond maxConcurrent, and takes new ones once a transfer is done", async () => {
    const { a, b } = await connectedPair();
    const files: IncomingFile[] = [];
    receiveFiles(b, { maxConcurrent: 2 }).subscribe((file) => files.push(file));
    const first = lastValueFrom(sendFile(a, new Blob([new Uint8Array(10)]), { name: "1" }));
    const second = lastValueFrom(sendFile(a, new Blob([new Uint8Array(10)]), { name: "2" }));
    // Both are accepted, nobody reads them yet, so both still count.
    await Promise.all([first, second]);
    const third = await failure(lastValueFrom(sendFile(a, new Blob([new Uint8Array(10)]), { name: "3" })));
    expect(third.code).to.equal("ERR_TRANSFER_REFUSED");
    expect(third.message).to.match(/at most 2 files at once/);
    await readAll((files[0] as IncomingFile).stream);
    await lastValueFrom(sendFile(a, new Blob([new Uint8Array(10)]), { name: "4" }));
    expect(files.map((f) => f.name)).to.deep.equal(["1", "2", "4"]);
  });

  it("unsubscribing from receiveFiles stops accepting: a later offer waits for the next receiveFiles", async () => {
    const { a, b } = await connectedPair();
    const first = receiveFiles(b).subscribe();
    first.unsubscribe();
    let accepted = false;
    const sending = lastValueFrom(sendFile(a, new Blob([new Uint8Array(5)])).pipe(filter(() => (accepted = true)), toArray()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accepted).to.equal(false);
    const file = await firstValueFrom(receiveFiles(b).pipe(take(1)));
    expect((await readAll(file.stream)).byteLength).to.equal(5);
    expect((await sending).at(-1)).to.deep.equal({ bytes: 5, total: 5 });
  });
});
