/**
 * `sendFile()`: the sending half of a file transfer. It owns its source and pulls from it
 * only as far as the receiver's credit allows and only once `sendTo` has handed the last
 * piece to the channel, so neither a slow consumer nor a slow network makes it buffer.
 * The protocol is in docs/wire-format.md ("File transfers"); the receiving half is receiveFiles.ts.
 */
import { Observable, Subject } from "rxjs";
import { PeerError } from "../src/errors.js";
import { isBlob } from "../src/read-blobs.js";
import { checkOptions, checkMembers } from "./arguments.js";
import { firesDrainEvent } from "./drained.js";
import type { SendTarget } from "./send-target.js";
import { sendTo } from "./sendTo.js";
import { DEFAULT_POLLED_HIGH_WATER_MARK, type SendToOptions } from "./watermarks.js";
import { DATA_HEADER_SIZE, RECEIVER_TYPES, encodeCount, encodeData, encodeOffer, encodeReason, type TransferFrame, type TransferOffer } from "./transfer-frame.js";
import { TRANSFER_PEER_MEMBERS, sendControl, transferFrames, type TransferPeer } from "./transfer-peer.js";
import { isFileSource, openSource, type FileSource } from "./transfer-source.js";

/** How far a transfer has got: `bytes` handed to the channel so far, of `total` where the size is known. */
export interface TransferProgress {
  bytes: number;
  total?: number;
}

export interface SendFileOptions {
  /** File name told to the receiver (default: a File's name, else a generated `file-<id>`). */
  name?: string;
  /** MIME type told to the receiver (default: a Blob's type, else `""`). */
  type?: string;
  /** Anything JSON-safe, told to the receiver with the name; name, type and meta together at most 16 KiB as JSON. */
  meta?: unknown;
  /** Size in bytes of a stream or iterable source, where known (a Blob's is its own): sets `total`, and the source must give exactly that. */
  size?: number;
  /** Payload bytes per data frame (default 64 KiB, at most 256 KiB less the 17-byte header). */
  pieceSize?: number;
}

/** Default payload bytes per data frame. */
export const DEFAULT_PIECE_SIZE = 64 * 1024;
/** Largest piece: a frame must fit the 256 KiB `maxMessageSize` of Chromium and @roamhq/wrtc. */
export const MAX_PIECE_SIZE = 256 * 1024 - DATA_HEADER_SIZE;

/** Ids of the transfers each peer is sending now, so two at once never share one. */
const activeIds = new WeakMap<TransferPeer, Set<number>>();

/**
 * Sends a file (a Blob or File, a `ReadableStream` of bytes, or an async iterable of bytes
 * such as a Node `fs.createReadStream`) to the peer's `receiveFiles`, reading the source only
 * as the receiver's consumer takes the bytes, and emits the progress.
 *
 * <span class="informal">A file of any size, with memory bounded at both ends: lazy,
 * credit-paced and backpressured.</span>
 *
 * ```
 * receiver:  --c----x-
 *            sendFile(peer, blob)
 * peer.send: o--------
 * progress:  --z----#
 *
 * c = credit (accepts: a window of bytes), x = cancel
 * o = the offer (name, type, size, meta)
 * z = { bytes: 0, total: 5 }, # = PeerError ERR_TRANSFER_CANCELLED
 * ```
 *
 * On subscribe it offers the file (name, type, size, meta); once the receiver accepts, it
 * reads a piece of the source whenever the receiver has granted room for it (the receiver
 * grants a window of bytes, then more as its consumer reads) and `sendTo` has handed the
 * last piece to the channel. So the source is read at most one window ahead of the
 * receiver's consumer, plus one chunk of the source. Pieces travel beside ordinary messages
 * on the peer's channel, which stays shallow, so a chat message is not held behind a file.
 *
 * Emits `{ bytes: 0, total }` when accepted, then `{ bytes, total }` as each piece is handed
 * to the channel (`total` is the size, where known); completes once the receiver has
 * acknowledged every byte. Use `lastValueFrom`, not `firstValueFrom`: unsubscribing aborts.
 *
 * Errors (a `PeerError` unless the source's own error):
 * - `ERR_PEER_CLOSED`: the peer closed (or was closed) before the receiver had every byte;
 * - `ERR_TRANSFER_REFUSED`: the receiver refused it (over its `maxFileSize`, or `maxConcurrent` reached);
 * - `ERR_TRANSFER_CANCELLED`: the receiver cancelled it (`stream.cancel()`);
 * - `ERR_FRAME_INVALID`: the remote sent a malformed transfer frame;
 * - the source's error, or a `TypeError` / `RangeError` if it gave something other than
 *   bytes, or not exactly `size` bytes: the receiver is told, and its stream errors.
 *
 * Unsubscribing aborts the transfer: it stops reading (cancels the stream, returns the
 * iterator) and tells the receiver, whose stream errors with `ERR_TRANSFER_CANCELLED`.
 *
 * Full pieces are framed in one buffer, written again once the last frame was handed to
 * `peer.send()`: a target other than a `Peer` must take the bytes at its `send()` call, as
 * `Peer` and `RTCDataChannel` do.
 *
 * The receiver must be listening with {@link receiveFiles}; until it is, `sendFile` waits
 * (it offers again when a `receiveFiles` starts). Add `timeout()` to give up.
 *
 * Throws at call time: a `TypeError` for a source of the wrong kind, a `RangeError` for a
 * bad `size` or `pieceSize`, or name, type and meta over 16 KiB, a `TypeError` for a `meta`
 * JSON cannot write.
 *
 * @example
 * Send a file to a peer (two peers in one page here), with progress.
 * ```ts
 * import Peer, { linkPeers } from "rxpeer";
 * import { receiveFiles, sendFile } from "rxpeer/operators";
 *
 * const alice = new Peer({ initiator: true }); // on Node: new Peer({ initiator: true, wrtc })
 * const bob = new Peer();
 * linkPeers(alice, bob);
 * receiveFiles(bob).subscribe(async (file) => {
 *   const text = await new Response(file.stream).text();
 *   console.log(`bob got ${file.name}: ${text}`); // bob got hello.txt: hello, bob
 * });
 * sendFile(alice, new Blob(["hello, bob"]), { name: "hello.txt" }).subscribe({
 *   next: ({ bytes, total }) => console.log(`${bytes} of ${total} bytes`), // 0 of 10 bytes, 10 of 10 bytes
 *   complete: () => console.log("bob has every byte"),
 *   error: (err) => console.error(err.code), // ERR_TRANSFER_REFUSED, ERR_TRANSFER_CANCELLED, ERR_PEER_CLOSED
 * });
 * ```
 *
 * @see {@link receiveFiles}
 * @see {@link sendTo}
 *
 * @param peer Where to send: a `Peer` (or anything with its `data$`, `connected$`, `close$`, `destroyed`, `send`).
 * @param source A Blob or File, a `ReadableStream<Uint8Array>`, or an `AsyncIterable<Uint8Array | ArrayBuffer>`.
 * @param options `name`, `type`, `meta` (told to the receiver), `size` (of a stream source), `pieceSize`.
 * @return An Observable of the progress, completing once the receiver has every byte.
 */
export function sendFile(peer: TransferPeer, source: FileSource, options: SendFileOptions = {}): Observable<TransferProgress> {
  checkMembers("sendFile", "peer", peer, TRANSFER_PEER_MEMBERS);
  checkOptions("sendFile", options);
  if (!isFileSource(source)) throw new TypeError("sendFile(): the source must be a Blob, a ReadableStream or an async iterable of bytes");
  const { pieceSize = DEFAULT_PIECE_SIZE, meta } = options;
  if (!Number.isSafeInteger(pieceSize) || pieceSize < 1 || pieceSize > MAX_PIECE_SIZE) {
    throw new RangeError(`sendFile(): pieceSize must be an integer from 1 to ${MAX_PIECE_SIZE}, got ${String(pieceSize)}`);
  }
  const size = isBlob(source) ? source.size : options.size;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) throw new RangeError(`sendFile(): size must be a byte count, got ${String(size)}`);
  const ownName = isBlob(source) && "name" in source && typeof source.name === "string" && source.name !== "" ? source.name : undefined;
  const name = options.name ?? ownName;
  const type = options.type ?? (isBlob(source) ? source.type : "");
  const offerFor = (id: number): TransferOffer => ({
    name: name ?? `file-${id.toString(16)}`,
    type,
    ...(size === undefined ? {} : { size }),
    ...(meta === undefined ? {} : { meta }),
  });
  encodeOffer(0, offerFor(0)); // throws now for a meta too big or not JSON

  return new Observable<TransferProgress>((subscriber) => {
    const id = allocateId(peer);
    const offer = offerFor(id);
    const reader = openSource(source);
    const outgoing = new Subject<ArrayBuffer>();
    // Full pieces are framed in one buffer, written again only once sendTo has handed the last
    // frame to peer.send(), which copies it (a fresh buffer per piece cost the sender an
    // allocation, a zero fill and a collection per piece: docs/benchmarks-log.md, "Files").
    let frameBuffer: ArrayBuffer | undefined;
    let granted = 0; // bytes the receiver lets us send in all
    let sent = 0;
    let pushed = 0; // frames given to sendTo
    let handed = 0; // frames sendTo has handed to the channel
    let progressDue = false;
    let accepted = false;
    let ended = false;
    let settled = false; // the receiver knows how it ended (ack, cancel, refusal, abort sent, close)
    let wake: () => void = () => undefined;

    const push = (frame: ArrayBuffer): void => {
      pushed++;
      outgoing.next(frame);
    };
    const fail = (err: unknown): void => {
      if (subscriber.closed) return;
      // sendTo() already reports a send to a channel the remote closed as ERR_PEER_CLOSED.
      if (err instanceof PeerError && err.code === "ERR_PEER_CLOSED") settled = true;
      subscriber.error(err);
    };
    /** Resolves once `ready()` holds; every event that might make it hold calls `wake`. */
    const until = (ready: () => boolean): Promise<void> =>
      new Promise((resolve) => {
        wake = () => {
          if (!ready()) return;
          wake = () => undefined;
          resolve();
        };
        wake();
      });

    const pump = async (): Promise<void> => {
      try {
        for (;;) {
          // All declared bytes sent: the receiver grants no more, so look for the source's end without credit.
          const complete = sent === size;
          await until(() => subscriber.closed || ((complete || sent < granted) && handed === pushed));
          if (subscriber.closed) return;
          const room = Math.max(1, granted - sent);
          const piece = await reader.read(Math.min(pieceSize, room), room);
          if (subscriber.closed) return;
          if (piece === undefined) break;
          if (size !== undefined && sent + piece.byteLength > size) throw new RangeError(`sendFile(): the source gave more than the ${size} bytes declared`);
          progressDue = true;
          sent += piece.byteLength;
          push(encodeData(id, sent - piece.byteLength, piece, piece.byteLength === pieceSize ? (frameBuffer ??= new ArrayBuffer(DATA_HEADER_SIZE + pieceSize)) : undefined));
        }
        if (size !== undefined && sent !== size) throw new RangeError(`sendFile(): the source ended after ${sent} of the ${size} bytes declared`);
        ended = true;
        push(encodeCount("end", id, sent));
      } catch (err) {
        if (subscriber.closed) return;
        settled = sendControl(peer, encodeReason("abort", id, `the sender failed: ${err instanceof Error ? err.message : String(err)}`));
        fail(err);
      }
    };

    const onFrame = (frame: TransferFrame): void => {
      if (frame.type === "ready") {
        if (!accepted) push(encodeOffer(id, offer)); // a receiver started listening: our offer may have gone unheard
        return;
      }
      if (frame.id !== id || !RECEIVER_TYPES.has(frame.type)) return;
      settled = frame.type !== "credit";
      switch (frame.type) {
        case "credit":
          granted = Math.max(granted, frame.value);
          if (!accepted) {
            accepted = true;
            subscriber.next(size === undefined ? { bytes: 0 } : { bytes: 0, total: size });
            void pump();
          }
          return wake();
        case "ack":
          if (ended && frame.value === sent) return subscriber.complete();
          return fail(new PeerError("ERR_FRAME_INVALID", `transfer frame: the receiver acknowledged ${frame.value} bytes of "${offer.name}", ${sent} were sent${ended ? "" : " so far"}`));
        case "cancel":
          return fail(new PeerError("ERR_TRANSFER_CANCELLED", `the receiver cancelled "${offer.name}" after ${sent} bytes: ${frame.reason}`));
        case "refuse":
          return fail(new PeerError("ERR_TRANSFER_REFUSED", `the receiver refused "${offer.name}": ${frame.reason}`));
      }
    };

    subscriber.add(() => {
      wake(); // lets a waiting pump see the end
      reader.cancel();
      activeIds.get(peer)?.delete(id);
      if (!settled) sendControl(peer, encodeReason("abort", id, "the sender stopped"));
    });
    subscriber.add(
      outgoing.pipe(sendTo(peer, pieceWatermarks(peer))).subscribe({
        next: () => {
          handed++;
          if (progressDue && handed === pushed) {
            progressDue = false;
            subscriber.next(size === undefined ? { bytes: sent } : { bytes: sent, total: size });
          }
          wake();
        },
        error: fail,
      }),
    );
    subscriber.add(
      transferFrames(peer).subscribe({
        next: onFrame,
        error: fail,
        complete: () => fail(new PeerError("ERR_PEER_CLOSED", `peer closed before the receiver had all of "${offer.name}" (${sent} bytes sent)`)),
      }),
    );
    if (!subscriber.closed) push(encodeOffer(id, offer));
  });
}

/**
 * Where `bufferedAmount` must be polled (@roamhq/wrtc), the queue is refilled from half its
 * high-water mark instead of a quarter: between two polls, or while the sender reads its source,
 * the channel ran dry several times as often as a raw loop's (docs/benchmarks-log.md, "Files").
 * The queue's depth, and so a chat message's wait behind it, stays the same.
 */
function pieceWatermarks(peer: SendTarget): SendToOptions {
  const { channel } = peer;
  if (channel === undefined || firesDrainEvent(channel)) return {};
  return { highWaterMark: DEFAULT_POLLED_HIGH_WATER_MARK, lowWaterMark: DEFAULT_POLLED_HIGH_WATER_MARK / 2 };
}

/** A random 32-bit id no other transfer to this peer is using now. */
function allocateId(peer: TransferPeer): number {
  let ids = activeIds.get(peer);
  if (ids === undefined) activeIds.set(peer, (ids = new Set()));
  const random = new Uint32Array(1);
  do crypto.getRandomValues(random);
  while (ids.has(random[0] ?? 0));
  const id = random[0] ?? 0;
  ids.add(id);
  return id;
}
