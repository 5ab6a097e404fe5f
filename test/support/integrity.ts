// Integrity runs between two connected peers, shared by the short suite and the soak:
// many small messages on an ordered reliable channel (none lost, none reordered), and a
// large volume through chunk + sendTo + dechunk with SHA-256 compared and memory sampled.
import { expect } from "chai";
import { Subject, filter, firstValueFrom, from, map, mergeMap, tap } from "rxjs";
import type { Peer } from "../../src/index.js";
import { chunk, dechunk, sendTo } from "../../operators/index.js";
import { fillPattern } from "./bytes.js";

/** Figures of an ordered-messages run. */
export interface OrderedFigures {
  messages: number;
  ms: number;
  perSecond: number;
}

/**
 * Sends `count` small numbered messages from `a` to `b` through sendTo (with backpressure)
 * and checks that `b` gets every one, once, in order.
 */
export async function orderedMessages(a: Peer, b: Peer, count: number): Promise<OrderedFigures> {
  let next = 0;
  let outOfOrder: string | undefined;
  const all = new Promise<void>((resolve) => {
    const subscription = b.data$.subscribe((data) => {
      const expected = `message ${next}`;
      if (data !== expected && outOfOrder === undefined) outOfOrder = `got ${JSON.stringify(data)} where ${JSON.stringify(expected)} was due`;
      next++;
      if (next === count) {
        subscription.unsubscribe();
        resolve();
      }
    });
  });
  const start = performance.now();
  // A lazy source: sendTo takes each message as the channel has room, none is built ahead.
  const messages = (function* (): Generator<string> {
    for (let i = 0; i < count; i++) yield `message ${i}`;
  })();
  await firstValueFrom(from(messages).pipe(sendTo(a), filter(() => false)), { defaultValue: undefined });
  await all;
  const ms = performance.now() - start;
  expect(outOfOrder, "order").to.equal(undefined);
  expect(next).to.equal(count);
  return { messages: count, ms, perSecond: (count / ms) * 1000 };
}

/** Figures of a hashed bulk transfer. */
export interface TransferFigures {
  bytes: number;
  ms: number;
  mibPerSecond: number;
  /** Highest sample of the memory reading, minus its value at the start, bytes. */
  peakMemoryRise: number;
  digest: string;
}

/** Incremental SHA-256, from node:crypto (Node only: the soak runs there). */
export interface Hasher {
  update(bytes: Uint8Array): void;
  digest(): string;
}

export interface TransferOptions {
  messageSize: number;
  count: number;
  /** Fresh incremental SHA-256 (e.g. `() => createHash("sha256")` adapted). */
  hasher: () => Hasher;
  /** Memory to sample (e.g. RSS); sampled every 16 messages. */
  memory: () => number;
  /** Frame bytes allowed to wait in sendTo's queue before the next message is made. */
  lookahead?: number;
  /**
   * Messages made but not yet received, at most: the receiver's acknowledgement an app would
   * send back. A data channel has no receive-side backpressure: without a window, a receiver
   * slower than the wire piles up messages in memory (docs/reliability.md). Default 8.
   */
  window?: number;
}

/**
 * Moves `count` messages of `messageSize` pattern bytes from `a` to `b` through
 * chunk + sendTo + dechunk, making each message only when the previous ones have mostly
 * left (so the sender holds about `lookahead` bytes), and compares SHA-256 of all bytes
 * made and all bytes received.
 */
export async function hashedTransfer(a: Peer, b: Peer, options: TransferOptions): Promise<TransferFigures> {
  const { messageSize, count, hasher, memory, lookahead = 4 * messageSize, window = 8 } = options;
  const sent = hasher();
  const received = hasher();
  const base = memory();
  let peak = base;
  let receivedBytes = 0;
  let receivedMessages = 0;
  const done = new Promise<void>((resolve, reject) => {
    b.data$.pipe(dechunk({ maxMessageSize: messageSize })).subscribe({
      next: (message) => {
        const bytes = new Uint8Array(message as ArrayBuffer);
        received.update(bytes);
        receivedBytes += bytes.byteLength;
        if (++receivedMessages % 16 === 0) peak = Math.max(peak, memory());
        if (receivedMessages === count) resolve();
        else makeIfRoom();
      },
      error: reject,
    });
  });

  const start = performance.now();
  const requests = new Subject<number>();
  let made = 0;
  let framed = 0;
  let sentTotal = 0;
  // The next message is made once the sender's queue is short and the receiver has caught up.
  const makeIfRoom = (): void => {
    if (made === count || framed - sentTotal >= lookahead || made - receivedMessages >= window) return;
    requests.next(made++);
    if (made === count) requests.complete();
  };
  const sending = requests.pipe(
    map((index) => {
      const bytes = fillPattern(new Uint8Array(messageSize), index + 1);
      sent.update(bytes);
      return bytes;
    }),
    chunk(),
    tap((frame) => (framed += frame.byteLength)),
    sendTo(a),
    mergeMap((total) => {
      sentTotal = total;
      makeIfRoom();
      return [];
    }),
  );
  const finished = firstValueFrom(sending, { defaultValue: undefined });
  makeIfRoom();
  await finished;
  await done;
  const ms = performance.now() - start;
  const digest = sent.digest();
  expect(received.digest(), "SHA-256 of what arrived").to.equal(digest);
  expect(receivedBytes).to.equal(messageSize * count);
  return { bytes: receivedBytes, ms, mibPerSecond: receivedBytes / 2 ** 20 / (ms / 1000), peakMemoryRise: peak - base, digest };
}
