/**
 * How `chunk({ batch: true })` groups messages: the small ones that arrive in one
 * synchronous task go into shared batch frames, cut when a frame is full and flushed at
 * the end of the task (a microtask), so a lone message waits for nothing but the code
 * that sent it. Internal to chunk(); the byte format is in batch-frame.ts.
 */
import { Observable, type OperatorFunction } from "rxjs";
import { ENTRY_HEADER_SIZE, entrySize } from "./batch-frame.js";
import type { Framable } from "./frame.js";
import { subscribeChained } from "./subscribe-chained.js";

/** What to frame next, in order: a batch (an array) is one batch frame, a lone message is framed on its own. */
export type Packet = Framable[] | Framable;

/**
 * Groups messages (made framable by `framable`, which may throw to refuse a value) into
 * batches of at most `capacity` entry bytes; a message too big for
 * an empty batch goes alone, after the batch before it. Emits at most one list of packets
 * per input (and per end of task), after updating its state, so a consumer that feeds the
 * source from inside the output gets its values after the ones already taken.
 */
export function batchByTask<T>(capacity: number, framable: (value: T) => Framable): OperatorFunction<T, Packet[]> {
  return (source) =>
    new Observable<Packet[]>((subscriber) => {
      let batch: Framable[] = [];
      let bytes = 0;
      let flushQueued = false;

      /** Takes the batch being filled, leaving an empty one. */
      const take = (): Framable[] => {
        const full = batch;
        batch = [];
        bytes = 0;
        return full;
      };
      const flushAtEndOfTask = (): void => {
        flushQueued = false;
        if (batch.length > 0 && !subscriber.closed) subscriber.next([take()]);
      };

      subscribeChained(subscriber, source, {
        next: (value) => {
          const item = framable(value);
          const size = entrySize(item);
          // Most messages only join the batch: the list of packets is made only when some go out.
          let packets: Packet[] | undefined;
          if (bytes + size > capacity && batch.length > 0) packets = [take()];
          if (size > capacity) (packets ??= []).push(item);
          else {
            batch.push(item);
            bytes += size;
            // Full: not even an empty message fits any more.
            if (capacity - bytes < ENTRY_HEADER_SIZE) (packets ??= []).push(take());
          }
          if (batch.length > 0 && !flushQueued) {
            flushQueued = true;
            queueMicrotask(flushAtEndOfTask);
          }
          if (packets !== undefined) subscriber.next(packets);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (batch.length > 0) subscriber.next([take()]);
          subscriber.complete();
        },
      });
      return () => {
        batch = [];
      };
    });
}
