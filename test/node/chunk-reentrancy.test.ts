// chunk() fed re-entrantly: a consumer that makes the next message from inside the frame
// callback (as an on-demand producer driven by sendTo's running total does) must still get
// each message's frames together under its own sequence number, and the output must not
// complete before the last frame. Found by the memory benchmark (docs/benchmarks.md).
import { Subject, from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { chunk, dechunk } from "../../operators/index.js";

const CHUNK_SIZE = 64; // 32 payload bytes per frame: a 100-byte message is 4 frames
const message = (n: number): ArrayBuffer => new Uint8Array(100).fill(n).buffer;

/** Frames of a source that, on the first frame of each message, synchronously emits the next one (or completes). */
function reentrantFrames(messages: number): Promise<ArrayBuffer[]> {
  const source = new Subject<ArrayBuffer>();
  let made = 1;
  return new Promise<ArrayBuffer[]>((resolve, reject) => {
    const out: ArrayBuffer[] = [];
    source.pipe(chunk({ chunkSize: CHUNK_SIZE })).subscribe({
      next: (frame) => {
        out.push(frame);
        if (new DataView(frame).getUint32(12) !== 0) return; // not the first frame of its message
        if (made < messages) source.next(message(made++));
        else source.complete();
      },
      complete: () => resolve(out),
      error: reject,
    });
    source.next(message(0));
  });
}

describe("chunk() fed from inside its own output", () => {
  it("keeps each message's frames together, each message under its own seq, and completes after the last frame", async () => {
    const frames = await reentrantFrames(3);
    const headers = frames.map((frame) => {
      const view = new DataView(frame);
      return { seq: view.getUint32(8), index: view.getUint32(12) };
    });
    expect(headers).toEqual([0, 1, 2].flatMap((seq) => [0, 1, 2, 3].map((index) => ({ seq, index }))));
  });

  it("reassembles every message in order", async () => {
    const frames = await reentrantFrames(5);
    const messages = await lastValueFrom(from(frames).pipe(dechunk(), toArray()));
    expect(messages.map((m) => Array.from(new Uint8Array(m as ArrayBuffer).slice(0, 2)))).toEqual([0, 1, 2, 3, 4].map((n) => [n, n]));
  });

  it("frames a message fed once from inside the output once, and the next one given from outside once", () => {
    const source = new Subject<ArrayBuffer>();
    const seqs: number[] = [];
    let fed = false;
    source.pipe(chunk({ chunkSize: CHUNK_SIZE })).subscribe((frame) => {
      const view = new DataView(frame);
      if (view.getUint32(12) === 0) seqs.push(view.getUint32(8));
      if (!fed) {
        fed = true;
        source.next(message(1));
      }
    });
    source.next(message(0));
    source.next(message(2));
    expect(seqs).toEqual([0, 1, 2]);
  });
});
