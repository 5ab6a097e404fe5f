/**
 * What `sendFile` and `receiveFiles` need of a peer, and the two ways they talk over it:
 * the transfer frames arriving on `data$`, decoded, and small control frames sent at once.
 */
import { filter, map, type Observable } from "rxjs";
import type { PeerMessage } from "../src/types.js";
import { isTransferFrame } from "./isTransferFrame.js";
import { SEND_TARGET_MEMBERS, type SendTarget } from "./send-target.js";
import { decodeTransferFrame, type TransferFrame } from "./transfer-frame.js";

/** The members of a {@link TransferPeer} that must be there, checked when `sendFile` or `receiveFiles` is called. */
export const TRANSFER_PEER_MEMBERS = ["data$", ...SEND_TARGET_MEMBERS] as const;

/** What a transfer needs of a peer; `Peer` has it. */
export interface TransferPeer extends SendTarget {
  readonly data$: Observable<PeerMessage>;
}

/**
 * The transfer frames among `peer`'s messages, decoded; other messages are skipped. A
 * malformed transfer frame errors the output with its `PeerError`; the output completes
 * when the peer closes.
 */
export function transferFrames(peer: TransferPeer): Observable<TransferFrame> {
  return peer.data$.pipe(
    filter(isTransferFrame),
    map((message) => decodeTransferFrame(ArrayBuffer.isView(message) ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength) : new Uint8Array(message))),
  );
}

/**
 * Sends a control frame (a few bytes) at once, not behind queued data: credit and
 * cancellations must not wait for the bytes they are about. False if the peer is gone.
 */
export function sendControl(peer: TransferPeer, frame: ArrayBuffer): boolean {
  try {
    peer.send(frame);
    return true;
  } catch {
    return false; // closed: the other side learns that from the close itself
  }
}
