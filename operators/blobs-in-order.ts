/**
 * How chunk() takes its values: each Blob read into an ArrayBuffer in its turn, but every
 * other value goes straight through while no Blob is being read. A `concatMap` with an
 * inner Observable per value did the same, and on the path of a lone small message (a ping
 * answered at once) that subscription was a measurable part of the latency. Internal to chunk(); the reading itself stays in src/read-blobs.ts.
 */
import { Observable, defer, type OperatorFunction } from "rxjs";
import { blobBytes, isBlob } from "../src/read-blobs.js";
import { subscribeChained } from "./subscribe-chained.js";

/**
 * Values in order, each Blob replaced by its bytes: while a Blob is read, the values
 * after it wait, then follow; the output completes after the last one. A Blob that
 * cannot be read errors the output (`ERR_DATA_CHANNEL`, from `blobBytes`).
 */
export function blobsInOrder<T>(): OperatorFunction<T | Blob, Exclude<T, Blob> | ArrayBuffer> {
  return (source) =>
    new Observable<Exclude<T, Blob> | ArrayBuffer>((subscriber) => {
      // Values behind a Blob being read; empty (and `reading` false) on the common path.
      const waiting: (T | Blob)[] = [];
      let reading = false;
      let sourceDone = false;

      const read = (blob: Blob): void => {
        reading = true;
        subscribeChained(subscriber, defer(() => blobBytes(blob)), {
          next: (bytes) => subscriber.next(bytes),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            reading = false;
            drain();
          },
        });
      };
      const drain = (): void => {
        while (!reading && waiting.length > 0 && !subscriber.closed) {
          const value = waiting.shift() as T | Blob;
          if (isBlob(value)) read(value);
          else subscriber.next(value as Exclude<T, Blob>);
        }
        if (sourceDone && !reading && waiting.length === 0) subscriber.complete();
      };

      subscribeChained(subscriber, source, {
        next: (value) => {
          if (!reading && waiting.length === 0 && !isBlob(value)) return subscriber.next(value as Exclude<T, Blob>);
          waiting.push(value);
          drain();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });
    });
}
