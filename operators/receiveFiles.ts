/**
 * `receiveFiles()`: the receiving half of a file transfer. It answers the offers of the
 * peer's `sendFile`, one IncomingTransfer each (incoming-transfer.ts), within limits that
 * bound memory: at most `maxConcurrent` transfers of at most one `window` of bytes each.
 * The protocol is in docs/wire-format.md ("File transfers").
 */
import { Observable, filter, take, type Subscription } from "rxjs";
import { PeerError } from "../src/errors.js";
import { checkOptions, checkMembers } from "./arguments.js";
import { IncomingTransfer, type IncomingFile } from "./incoming-transfer.js";
import { encodeReady, encodeReason, type TransferOffer } from "./transfer-frame.js";
import { TRANSFER_PEER_MEMBERS, sendControl, transferFrames, type TransferPeer } from "./transfer-peer.js";

export type { IncomingFile } from "./incoming-transfer.js";

export interface ReceiveFilesOptions {
  /** Bytes a sender may send past what the consumer has read (default 6 MiB): each transfer's memory bound. */
  window?: number;
  /** Largest file accepted, in bytes (default: no limit); a larger one is refused, before or as its bytes pass the limit. */
  maxFileSize?: number;
  /** Most transfers at once (default 16); an offer beyond is refused. A transfer counts until its stream is read to the end, cancelled or errored. */
  maxConcurrent?: number;
}

// The credit must cover the bytes in flight (the sender's channel queue and the SCTP buffers
// between the two ends), or a fast sender waits for it with the pipe half empty, as 4 MiB did
// on @roamhq/wrtc (docs/benchmarks.md); a larger window holds more per transfer whenever the
// consumer is slow.
/** Default `window`: 6 MiB. */
export const DEFAULT_WINDOW = 6 * 1024 * 1024;
/** Default `maxConcurrent`. */
export const DEFAULT_MAX_CONCURRENT = 16;

/**
 * Emits each file the peer sends with {@link sendFile}, as it starts: its name, type, size,
 * meta and a pull-based stream of its bytes.
 *
 * <span class="informal">The receiving end of `sendFile`: read each `file.stream` at your
 * own pace, and the sender keeps to it.</span>
 *
 * ```
 * data$: -o-d-e--p-|
 *        receiveFiles(peer)
 * files: -a------b-|
 *
 * o = offer of a.txt, d = a piece of it, e = its end, p = offer of b.txt
 * a = IncomingFile "a.txt", b = IncomingFile "b.txt"
 * ```
 *
 * Each accepted file gets `window` bytes of credit; as the consumer reads `file.stream`, the
 * sender gets more, so at most one window per transfer is ever held here. The sender is
 * acknowledged once every byte has arrived; bytes that arrived are still delivered if the
 * peer then closes. Read or `cancel()` every stream: an unread stream holds its transfer
 * (and a `maxConcurrent` place) open.
 *
 * Refused, and told to the sender (whose `sendFile` errors with `ERR_TRANSFER_REFUSED`):
 * a file over `maxFileSize`, an offer beyond `maxConcurrent` transfers.
 * A stream errors with a `PeerError`: `ERR_TRANSFER_CANCELLED` if the sender aborts,
 * `ERR_PEER_CLOSED` if the peer closes before its last byte, `ERR_FRAME_TOO_LARGE` if it
 * passes `maxFileSize`, `ERR_FRAME_INVALID` if the sender breaks the protocol for that
 * transfer (bytes out of order, past the credit or the size offered; a wrong end): that
 * transfer is cancelled, the others go on. A malformed transfer frame (bad version, type,
 * length, offer) errors the output with `ERR_FRAME_INVALID` (`ERR_FRAME_TOO_LARGE` for an
 * offer over 16 KiB) and every open stream with it. The output completes when the peer closes.
 *
 * Unsubscribing stops accepting new files; files already emitted go on to their end (so
 * `firstValueFrom(receiveFiles(peer))` receives one file whole). Use one `receiveFiles`
 * per peer at a time. On subscribe, once connected, it tells the remote it is listening,
 * so a `sendFile` that started first offers again.
 *
 * @example
 * Receive files from a peer (two peers in one page here) and count their bytes.
 * ```ts
 * import Peer, { linkPeers } from "rxpeer";
 * import { receiveFiles, sendFile } from "rxpeer/operators";
 *
 * const alice = new Peer({ initiator: true }); // on Node: new Peer({ initiator: true, wrtc })
 * const bob = new Peer();
 * linkPeers(alice, bob);
 * receiveFiles(bob, { maxFileSize: 100 * 1024 * 1024 }).subscribe(async (file) => {
 *   let bytes = 0;
 *   for (const reader = file.stream.getReader(); ; ) {
 *     const { done, value } = await reader.read();
 *     if (done) break;
 *     bytes += value.byteLength;
 *   }
 *   console.log(`${file.name} (${file.type}): ${bytes} bytes`); // data.bin (application/octet-stream): 1048576 bytes
 * });
 * sendFile(alice, new Blob([new Uint8Array(1024 * 1024)], { type: "application/octet-stream" }), { name: "data.bin" }).subscribe({
 *   complete: () => console.log("bob has it all"), // once bob's side acknowledged the last byte
 *   error: (err) => console.error(err.code), // ERR_PEER_CLOSED if a peer closes first
 * });
 * ```
 *
 * @see {@link sendFile}
 *
 * @param peer Where files come from: a `Peer` (or anything with its `data$`, `connected$`, `send`).
 * @param options `window` (default 6 MiB), `maxFileSize` (default none), `maxConcurrent` (default 16).
 * @return An Observable of the incoming files, completing when the peer closes.
 */
export function receiveFiles(peer: TransferPeer, options: ReceiveFilesOptions = {}): Observable<IncomingFile> {
  checkMembers("receiveFiles", "peer", peer, TRANSFER_PEER_MEMBERS);
  checkOptions("receiveFiles", options);
  const { window = DEFAULT_WINDOW, maxFileSize = Number.MAX_SAFE_INTEGER, maxConcurrent = DEFAULT_MAX_CONCURRENT } = options;
  for (const [name, value] of Object.entries({ window, maxFileSize, maxConcurrent })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`receiveFiles(): ${name} must be a positive integer, got ${String(value)}`);
  }

  return new Observable<IncomingFile>((subscriber) => {
    const transfers = new Map<number, IncomingTransfer>();
    let accepting = true;
    let frames: Subscription | undefined;
    // Emitted transfers outlive this subscription: the frames are listened to until the last ends.
    const stopIfIdle = (): void => {
      if (!accepting && transfers.size === 0) frames?.unsubscribe();
    };
    const send = (frame: ArrayBuffer): void => void sendControl(peer, frame);
    const stopAll = (err: PeerError): void => {
      for (const transfer of transfers.values()) transfer.stop(err);
    };

    const accept = (id: number, offer: TransferOffer): void => {
      if (offer.size !== undefined && offer.size > maxFileSize) {
        return send(encodeReason("refuse", id, `${offer.size} bytes is over the receiver's maxFileSize of ${maxFileSize}`));
      }
      if (transfers.size >= maxConcurrent) return send(encodeReason("refuse", id, `the receiver takes at most ${maxConcurrent} files at once`));
      const transfer = new IncomingTransfer(id, offer, {
        window,
        maxFileSize,
        send,
        onFinish: () => {
          transfers.delete(id);
          stopIfIdle();
        },
      });
      transfers.set(id, transfer);
      subscriber.next(transfer.file);
      transfer.start();
    };

    frames = transferFrames(peer).subscribe({
      next: (frame) => {
        const transfer = transfers.get(frame.id);
        switch (frame.type) {
          case "offer":
            // Known: the same offer again, after our "ready" crossed it.
            if (transfer === undefined && accepting) accept(frame.id, frame.offer);
            return;
          case "data":
            return transfer?.data(frame.offset, frame.bytes);
          case "end":
            return transfer?.end(frame.value);
          case "abort":
            return transfer?.abort(frame.reason);
          default:
            return; // frames for our own sendFile calls
        }
      },
      error: (err: unknown) => {
        const peerError = err instanceof PeerError ? err : new PeerError("ERR_FRAME_INVALID", String(err), err);
        stopAll(peerError);
        subscriber.error(peerError);
      },
      complete: () => {
        stopAll(new PeerError("ERR_PEER_CLOSED", "peer closed before the file was complete"));
        subscriber.complete();
      },
    });
    const ready = peer.connected$.pipe(filter(Boolean), take(1)).subscribe(() => send(encodeReady()));

    return () => {
      ready.unsubscribe();
      accepting = false;
      stopIfIdle();
    };
  });
}
