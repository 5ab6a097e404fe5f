// Flow control of file transfers, measured in bytes rather than time: a slow consumer holds
// the sender's reads within one window of it; many transfers run at once both ways; a chat
// message sent during a transfer is not queued behind the file, nor behind a deep channel
// queue; code reading data$ sees
// only what it can tell apart.
import { expect } from "chai";
import { filter, firstValueFrom, lastValueFrom, take, tap, toArray } from "rxjs";
import { runtimeName } from "#test-runtime";
import { DEFAULT_HIGH_WATER_MARK, DEFAULT_PIECE_SIZE, DEFAULT_POLLED_HIGH_WATER_MARK, DEFAULT_WINDOW, receiveFiles, sendFile, isTransferFrame, type IncomingFile } from "../../operators/index.js";
import { DATA_HEADER_SIZE } from "../../operators/transfer-frame.js";
import type { Peer } from "../../src/index.js";
import { connectedPair } from "../support/peers.js";
import { patternBytes, sameBytes, sha256 } from "../support/bytes.js";
import { countedChunks, readAll, readsAtLeast, sourceProbe } from "../support/transfer.js";

const KiB = 1024;
const MiB = 1024 * KiB;
// Megabytes move here on a loaded machine, where @roamhq/wrtc's SCTP can stall for seconds and
// recover; the liveness check asks the transport before it ends such a pair (docs/reliability.md,
// "A vanished remote"), but Firefox's transport says little. These tests are of flow control;
// liveness has its own.
const NO_LIVENESS = { livenessTimeout: 0 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `work`, and if it fails, what each peer reported on error$ meanwhile: a transfer cut short
 * says whether a peer gave the other up (ERR_CONNECTION_FAILURE from the liveness check, which
 * a transport that delivers nothing for livenessTimeout under load can trip) or a channel closed.
 */
async function explained<T>(peers: Record<string, Peer>, work: () => Promise<T>): Promise<T> {
  const seen: string[] = [];
  const watching = Object.entries(peers).map(([name, peer]) => peer.error$.subscribe((err) => seen.push(`${name}: ${err.code} ${err.message}`)));
  try {
    return await work();
  } catch (err) {
    const reasons = seen.length > 0 ? seen.join("; ") : "no error on either peer's error$";
    throw new Error(`${err instanceof Error ? err.message : String(err)} (${reasons})`, { cause: err });
  } finally {
    for (const subscription of watching) subscription.unsubscribe();
  }
}

describe(`file transfer flow control (${runtimeName})`, () => {
  it("a slow consumer keeps the sender's reads within one window (plus one source chunk) of what it has read", async () => {
    const { a, b } = await connectedPair(NO_LIVENESS, NO_LIVENESS);
    const window = 64 * KiB;
    const chunkSize = 4 * KiB;
    const total = 1 * MiB;
    const source = sourceProbe();
    const data = patternBytes(total, 7);
    const incoming = firstValueFrom(receiveFiles(b, { window }));
    const sending = lastValueFrom(sendFile(a, countedChunks(data, chunkSize, source), { pieceSize: 8 * KiB }));
    const reader = (await incoming).stream.getReader();
    let consumed = 0;
    let worstLead = 0;
    const received: Uint8Array[] = [];
    for (;;) {
      // Give the sender every chance to run ahead before each read.
      await sleep(2);
      worstLead = Math.max(worstLead, source.read - consumed);
      const { done, value } = await reader.read();
      if (done) break;
      consumed += value.byteLength;
      received.push(value);
    }
    await sending;
    expect(consumed).to.equal(total);
    expect(sameBytes(new Uint8Array(await new Blob(received as Uint8Array<ArrayBuffer>[]).arrayBuffer()), data)).to.equal(true);
    expect(worstLead, "source bytes read ahead of the consumer").to.be.at.most(window + chunkSize);
    // And the window is used: the sender does run ahead of a slow consumer.
    expect(worstLead).to.be.above(window / 2);
  });

  it("with the default window, a consumer that reads nothing lets the sender read DEFAULT_WINDOW (plus one source chunk) and no more", async () => {
    const { a, b } = await connectedPair(NO_LIVENESS, NO_LIVENESS);
    const chunkSize = 64 * KiB;
    const total = DEFAULT_WINDOW + 1 * MiB;
    const source = sourceProbe();
    const data = patternBytes(total, 11);
    const incoming = firstValueFrom(receiveFiles(b));
    const sending = lastValueFrom(sendFile(a, countedChunks(data, chunkSize, source), { size: total }));
    const file = await incoming;
    // The sender runs up to the credit first granted (the test's timeout fails a smaller default);
    // a transfer that fails before (a peer closed under load) fails the test with its own error.
    await explained({ a, b }, () => Promise.race([sending, readsAtLeast(source, DEFAULT_WINDOW)]));
    // ...and stops there while nothing is read (a larger default would go on).
    await sleep(100);
    expect(source.read, "source bytes read with nothing consumed").to.be.at.most(DEFAULT_WINDOW + chunkSize);
    const received = await readAll(file.stream);
    await sending;
    expect(sameBytes(received, data)).to.equal(true);
  });

  it("runs many transfers at once in both directions, each intact", async () => {
    const { a, b } = await connectedPair(NO_LIVENESS, NO_LIVENESS);
    const count = 6;
    const sizes = Array.from({ length: count }, (_, i) => 100 * KiB * (i + 1) + i);
    const fromA = sizes.map((size, i) => patternBytes(size, 100 + i));
    const fromB = sizes.map((size, i) => patternBytes(size + 7, 200 + i));
    const collect = async (files: IncomingFile[]): Promise<Map<string, string>> =>
      new Map(await Promise.all(files.map(async (file) => [file.name, await sha256(await readAll(file.stream))] as [string, string])));
    const atB = firstValueFrom(receiveFiles(b).pipe(take(count), toArray()));
    const atA = firstValueFrom(receiveFiles(a).pipe(take(count), toArray()));
    const sent = Promise.all([
      ...fromA.map((bytes, i) => lastValueFrom(sendFile(a, new Blob([bytes]), { name: `a${i}`, pieceSize: 16 * KiB }))),
      ...fromB.map((bytes, i) => lastValueFrom(sendFile(b, countedChunks(bytes, 10_000, sourceProbe()), { name: `b${i}` }))),
    ]);
    const [gotAtB, gotAtA] = await explained({ a, b }, () => Promise.all([atB.then(collect), atA.then(collect), sent]));
    for (const [i, bytes] of fromA.entries()) expect(gotAtB.get(`a${i}`), `a${i}`).to.equal(await sha256(bytes));
    for (const [i, bytes] of fromB.entries()) expect(gotAtA.get(`b${i}`), `b${i}`).to.equal(await sha256(bytes));
  });

  it("keeps the channel's queue within sendTo's high-water mark (plus one piece) all through a transfer", async () => {
    const { a, b } = await connectedPair(NO_LIVENESS, NO_LIVENESS);
    const channel = a.channel;
    if (channel === undefined) throw new Error("no data channel");
    const high = "bufferedAmountLowThreshold" in channel ? DEFAULT_HIGH_WATER_MARK : DEFAULT_POLLED_HIGH_WATER_MARK;
    const total = (runtimeName === "node" ? 16 : 4) * MiB;
    let deepest = 0;
    const [received] = await explained({ a, b }, () => {
      const incoming = firstValueFrom(receiveFiles(b)).then((file) => readAll(file.stream));
      // Progress comes right after each piece is handed to the channel: the queue at its fullest.
      const sending = lastValueFrom(sendFile(a, new Blob([patternBytes(total, 5)])).pipe(tap(() => (deepest = Math.max(deepest, channel.bufferedAmount)))));
      return Promise.all([incoming, sending]);
    });
    expect(received.byteLength).to.equal(total);
    // What a chat message may wait behind, on a data channel whose queue a runtime lets grow to 16 MiB.
    expect(deepest, "deepest queue seen").to.be.at.most(high + DEFAULT_PIECE_SIZE + DATA_HEADER_SIZE);
  });

  it("a chat message sent during a transfer arrives long before the file is through, and data$ users can tell transfer frames apart", async () => {
    const { a, b } = await connectedPair(NO_LIVENESS, NO_LIVENESS);
    const total = (runtimeName === "node" ? 32 : 8) * MiB;
    let consumed = 0;
    let consumedAtChat = -1;
    let sentAtChat = -1;
    const others: unknown[] = [];
    b.data$.pipe(filter((message) => !isTransferFrame(message))).subscribe((message) => {
      others.push(message);
      if (message === "hi during the file") consumedAtChat = consumed;
    });
    const incoming = firstValueFrom(receiveFiles(b));
    const sending = sendFile(a, new Blob([patternBytes(total, 8)])).subscribe((progress) => {
      if (sentAtChat < 0 && progress.bytes >= total / 4) {
        sentAtChat = progress.bytes;
        a.send("hi during the file");
      }
    });
    const reader = (await incoming).stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      consumed += value.byteLength;
    }
    sending.unsubscribe();
    expect(others).to.deep.equal(["hi during the file"]);
    expect(sentAtChat).to.be.at.least(total / 4);
    // Behind it were at most the channel's queue and what had arrived unread: a few MiB, not the rest of the file.
    expect(consumedAtChat, "bytes read by the receiver when the chat arrived").to.be.at.most(sentAtChat + 2 * MiB);
    expect(consumedAtChat).to.be.below(total / 2);
  });
});
