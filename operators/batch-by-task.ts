/**
 * How `chunk({ batch: true })` frames messages: the small ones that arrive in one
 * synchronous task are written straight into a shared batch frame, cut when the frame is
 * full and flushed at the end of the task (a microtask), so a lone message waits for nothing
 * but the code that sent it. A message too big for an empty batch frame is framed on its
 * own, after the batch before it. Internal to chunk(); the byte format is in batch-frame.ts.
 */
import { Observable, type OperatorFunction } from "rxjs";
import { BatchWriter } from "./batch-frame.js";
import { framable, messagePayload, writeFrames } from "./frame.js";
import { SOURCE_DONE, serially } from "./concat-sync.js";
import { subscribeChained } from "./subscribe-chained.js";

/** What the queued microtask hands to the same path as a value: time to send the batch. */
const END_OF_TASK: unique symbol = Symbol("end of task");

/**
 * Where the end-of-task flush is queued: a reaction to a settled promise is a microtask as
 * `queueMicrotask`'s callback is (the same queue, the same order), at a small fraction of its
 * cost per call in Chromium and on Node (docs/benchmarks.md), paid on every lone message.
 */
const settled = Promise.resolve();

/**
 * Frames of the stream `stream`, each message numbered by `nextSeq` (a batch takes one
 * number per message). Nothing is made per message on the common path (no inner
 * subscription, no object): a message is checked, copied into the batch, and a microtask is
 * queued once per task. As with `concatMap`, a value that arrives while frames are being
 * emitted (a consumer feeding the source from inside the output) waits for them, and the
 * output completes, after sending the batch being filled, once the source has.
 * A value that cannot be framed errors the output (`ERR_FRAME_INVALID`) and stops the source.
 */
export function batchFrames(chunkSize: number, stream: number, nextSeq: (span: number) => number): OperatorFunction<unknown, ArrayBuffer> {
  return (source) =>
    new Observable<ArrayBuffer>((subscriber) => {
      const writer = new BatchWriter(chunkSize);
      let flushQueued = false;

      const flush = (): void => {
        if (writer.count > 0) subscriber.next(writer.take(stream, nextSeq(writer.count)));
      };
      const frame = (value: unknown): void => {
        const payload = messagePayload(value);
        if (!writer.add(payload)) {
          const batched = writer.count > 0;
          flush();
          if (subscriber.closed) return;
          if (!batched || !writer.add(payload)) {
            const { bytes, kind } = framable(payload);
            return writeFrames(bytes, kind, stream, nextSeq(1), chunkSize, subscriber);
          }
        }
        if (writer.full) flush();
        else if (!flushQueued) {
          flushQueued = true;
          void settled.then(flushAtEndOfTask);
        }
      };
      const end = (): void => {
        if (subscriber.closed) return;
        flush();
        subscriber.complete();
      };
      // The end of a task and the source's end go through the same queue as values, so a
      // value fed from inside the output is framed after the frames it came from.
      const run = serially<unknown>((value) => (value === END_OF_TASK ? flush() : value === SOURCE_DONE ? end() : frame(value)), subscriber);
      function flushAtEndOfTask(): void {
        flushQueued = false;
        if (subscriber.closed) return;
        try {
          run(END_OF_TASK);
        } catch (err) {
          // A value fed from inside the output while the batch went out, and that cannot be
          // framed: no input's handler is on the stack here to end the output with it.
          subscriber.error(err);
        }
      }

      subscribeChained(subscriber, source, {
        next: run,
        error: (err: unknown) => subscriber.error(err),
        complete: () => run(SOURCE_DONE),
      });
    });
}
