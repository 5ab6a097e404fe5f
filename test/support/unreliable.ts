// A transfer over an unordered, unreliable channel (ordered: false, maxRetransmits: 0)
// with chunk + sendTo + dechunk({ lossy: true }), shared by the behaviour spec and the
// soak. One frame of every tenth message is thrown away at the sender, so losses are
// certain; the channel may lose more by itself. Checks: every message delivered is whole
// and delivered once, no damaged message is delivered, damaged ones are reported dropped.
import { expect } from "chai";
import { Subject, filter, firstValueFrom, from, map, merge, of, switchMap, take, takeUntil, timer } from "rxjs";
import type { Peer } from "../../src/index.js";
import { chunk, dechunk, sendTo, type DroppedMessage } from "../../operators/index.js";
import { patternBytes, sameBytes } from "./bytes.js";

const SIZE = 40_000; // 3 frames at the default chunkSize
const damaged = (id: number): boolean => id % 10 === 0;

function message(id: number): Uint8Array {
  const bytes = patternBytes(SIZE, id + 1);
  new DataView(bytes.buffer).setUint32(0, id);
  return bytes;
}

export interface LossyFigures {
  messages: number;
  delivered: number;
  /** Reported to onDrop (damaged on purpose, or hit by the channel's own losses). */
  dropped: number;
  damagedReported: number;
  /** Messages of which nothing at all arrived. */
  vanished: number;
  /** Incomplete messages dechunk still held when the frames ended (never over its maxPendingMessages). */
  heldAtEnd: number;
}

/** Sends `messages` messages of 40,000 bytes from `a` to `b` over their (unreliable) channel. */
export async function lossyTransfer(a: Peer, b: Peer, messages: number, maxPendingMessages = 16): Promise<LossyFigures> {
  const stop = new Subject<void>();
  const drops: DroppedMessage[] = [];
  const received = new Set<number>();
  const intact = Array.from({ length: messages }, (_, id) => id).filter((id) => !damaged(id)).length;
  const done = new Promise<void>((resolve, reject) => {
    b.data$.pipe(takeUntil(stop), dechunk({ lossy: true, maxPendingMessages, onDrop: (drop) => drops.push(drop) })).subscribe({
      next: (data) => {
        const bytes = new Uint8Array(data as ArrayBuffer);
        const id = new DataView(bytes.buffer).getUint32(0);
        if (received.has(id)) reject(new Error(`message ${id} delivered twice`));
        else if (!sameBytes(bytes, message(id))) reject(new Error(`message ${id} not intact`));
        received.add(id);
        if (received.size === intact) stop.next();
      },
      complete: () => resolve(),
      error: reject,
    });
  });

  let frameIndex = 0;
  await firstValueFrom(
    from(Array.from({ length: messages }, (_, id) => id)).pipe(
      map(message),
      chunk(),
      map((frame) => ({ frame, id: Math.floor(frameIndex++ / 3) })),
      filter(({ frame, id }) => !(damaged(id) && new DataView(frame).getUint32(12) === 1)),
      map(({ frame }) => frame),
      sendTo(a),
      filter(() => false),
    ),
    { defaultValue: undefined },
  );
  // The channel may have lost frames too: stop once nothing arrived for 750 ms.
  const quiet = merge(of(null), b.data$).pipe(switchMap(() => timer(750)), take(1)).subscribe(() => stop.next());
  await done;
  quiet.unsubscribe();

  const dropped = new Set(drops.map((drop) => drop.seq));
  for (let id = 0; id < messages; id++) {
    if (damaged(id)) expect(received.has(id), `damaged message ${id} delivered`).to.equal(false);
    expect(received.has(id) && dropped.has(id), `message ${id} both delivered and dropped`).to.equal(false);
  }
  return {
    messages,
    delivered: received.size,
    dropped: dropped.size,
    damagedReported: [...dropped].filter(damaged).length,
    vanished: messages - received.size - dropped.size,
    heldAtEnd: drops.filter((drop) => drop.reason === "ended").length,
  };
}
