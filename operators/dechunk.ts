/**
 * The `dechunk()` operator: the receiving half of the framing; the state lives in reassembly.ts.
 */
import { defer, type OperatorFunction } from "rxjs";
import { PeerError, describe } from "../src/errors.js";
import type { PeerMessage } from "../src/types.js";
import { checkOptions } from "./arguments.js";
import { concatSync } from "./concat-sync.js";
import { binaryView } from "./frame.js";
import { hasTransferMagic } from "./transfer-magic.js";
import { Reassembler, type DroppedMessage, type ReassemblyLimits } from "./reassembly.js";

export interface DechunkOptions {
  /** Largest message accepted, in bytes (default 256 MiB). Checked on each frame's header, before anything is buffered. */
  maxMessageSize?: number;
  /** Most messages held at once, incomplete or waiting for an earlier one of their stream (default 64). */
  maxPendingMessages?: number;
  /** Most bytes all held messages may declare together (default: `maxMessageSize`). */
  maxPendingBytes?: number;
  /**
   * For an unreliable channel (`channelConfig: { ordered: false, maxRetransmits: 0 }`), where
   * frames may be lost: deliver each message as soon as it is complete (no stream order), and
   * when a new message would pass `maxPendingMessages` or `maxPendingBytes`, drop the oldest
   * incomplete ones to make room instead of erroring; incomplete messages left when the frames
   * end are dropped too. Each drop is told to `onDrop`. Default false.
   */
  lossy?: boolean;
  /** Lossy mode: told about each message dropped (a message whose late frames start it again can be told twice). */
  onDrop?: (dropped: DroppedMessage) => void;
}

/** Default `maxMessageSize`: 256 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024 * 1024;
/** Default `maxPendingMessages`. */
export const DEFAULT_MAX_PENDING_MESSAGES = 64;

/**
 * Reassembles the frames made by {@link chunk} into the original messages: strings as
 * equal strings, all binary as an ArrayBuffer of the same bytes.
 *
 * <span class="informal">The receiving end of `chunk()`: put it on `peer.data$`.</span>
 *
 * ```
 * data$:    --x---f---y---z-|
 *           dechunk()
 * messages: ------a-------b-|
 *
 * x = frame 0 of b, y = frame 1 of b, z = frame 2 of b, f = the only frame of "hi", from another chunk() stream
 * a = "hi", b = the 40-byte ArrayBuffer
 * ```
 *
 * Frames are placed by their index into a buffer allocated once, when a message's first
 * frame arrives, so reassembly survives reordering, and frames of several messages and
 * several `chunk()` streams may interleave. Messages of one stream come out in the order
 * they were chunked, even if their frames arrive in another order.
 *
 * File-transfer frames (`sendFile` / `receiveFiles`, see `isTransferFrame`) on the same
 * `data$` are skipped: they are `receiveFiles`' to read.
 *
 * Errors, which end the output:
 * - `ERR_FRAME_TOO_LARGE`: a frame declares a message over `maxMessageSize` (checked
 *   before allocating), or accepting it would hold more than `maxPendingMessages`
 *   messages or `maxPendingBytes` bytes at once. So a hostile peer can make this operator
 *   hold at most `maxPendingBytes` of message data (plus one frame's bookkeeping each).
 * - `ERR_FRAME_INVALID`: a string arrives (frames are binary), bad magic or version,
 *   index out of range, sizes or counts that disagree, a duplicate frame, a message behind
 *   its stream (a duplicate, or sent before this subscription: subscribe before the
 *   sender starts), text that is not UTF-8, or the input completing while a message is
 *   incomplete.
 *
 * With `lossy: true` (for unreliable channels) a lost frame costs only its message: messages
 * come out as they complete, and the oldest incomplete message is dropped, and told to
 * `onDrop`, when a new one needs room under `maxPendingMessages` / `maxPendingBytes`, so
 * memory stays within those limits however many frames are lost. Malformed frames still error.
 *
 * @example
 * Receive what `chunk()` + `sendTo()` send from another peer (two peers in one page here).
 * ```ts
 * import { of } from "rxjs";
 * import Peer, { linkPeers } from "rxpeer";
 * import { chunk, dechunk, sendTo } from "rxpeer/operators";
 *
 * const alice = new Peer({ initiator: true }); // on Node: new Peer({ initiator: true, wrtc })
 * const bob = new Peer();
 * linkPeers(alice, bob);
 * bob.data$.pipe(dechunk()).subscribe((message) => {
 *   if (typeof message === "string") console.log("text:", message); // text: done ✓
 *   else console.log("binary:", message.byteLength, "bytes"); // binary: 1048576 bytes
 * });
 * of(new Uint8Array(1024 * 1024), "done ✓").pipe(chunk(), sendTo(alice)).subscribe();
 * ```
 *
 * @see {@link chunk}
 *
 * @param options `maxMessageSize` (default 256 MiB), `maxPendingMessages` (default 64),
 * `maxPendingBytes` (default `maxMessageSize`), `lossy` (default false) and `onDrop`.
 * @return A function that returns an Observable of the reassembled messages.
 */
export function dechunk(options: DechunkOptions = {}): OperatorFunction<PeerMessage | ArrayBufferView, PeerMessage> {
  checkOptions("dechunk", options);
  const maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  const limits: ReassemblyLimits = {
    maxMessageSize,
    maxPendingMessages: options.maxPendingMessages ?? DEFAULT_MAX_PENDING_MESSAGES,
    maxPendingBytes: options.maxPendingBytes ?? maxMessageSize,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`dechunk(): ${name} must be a positive integer, got ${String(value)}`);
  }
  const { onDrop = () => undefined } = options;
  const lossy = options.lossy ? { onDrop } : undefined;

  return (source) =>
    defer(() => {
      const reassembler = new Reassembler(limits, lossy);
      // concatSync keeps the order even when a consumer feeds the source from inside this output;
      // a frame that throws (a PeerError from the framing checks) ends it and stops the source.
      // File-transfer frames share data$ with chunk() frames: they are receiveFiles' to read, not ours.
      // The end of the frames is checked last (reassembler.finish throws for a message left incomplete).
      return source.pipe(
        concatSync<PeerMessage | ArrayBufferView, PeerMessage>(
          (frame, out) => {
            const bytes = frameBytes(frame);
            if (hasTransferMagic(bytes)) return;
            for (const message of reassembler.push(bytes)) {
              out.next(message);
              if (out.closed) return;
            }
          },
          () => reassembler.finish(),
        ),
      );
    });
}

function frameBytes(frame: unknown): Uint8Array {
  if (typeof frame === "string") throw new PeerError("ERR_FRAME_INVALID", "dechunk() got a string message; chunk() frames are binary");
  const bytes = binaryView(frame);
  if (bytes === undefined) throw new PeerError("ERR_FRAME_INVALID", `dechunk() takes binary frames, got ${describe(frame)}`);
  return bytes;
}
