/**
 * The last step of closing a peer: the RTCPeerConnection's own close, timed so that the
 * remote peer still learns that the data channel closed.
 */
import type { Logger } from "./logger.js";

/** How long a closing peer waits for its channel's deferred close before closing the connection anyway. */
const CHANNEL_CLOSE_WAIT_MS = 200;
/**
 * How long after that close the connection stays up. The channel's `close` says its stream
 * reset was handed to SCTP, not that it left: on node-datachannel it fires about 0.25 ms after
 * `close()`, the remote sees the close about 1.3 ms later, and a connection closed at once can
 * drop the reset under load (the remote then never sees a close; seen in CI).
 */
const RESET_GRACE_MS = 100;

/**
 * Detaches the connection's peer-level callbacks and closes it, after `channel`'s close
 * when that is still to come; a `close()` that throws is logged, never thrown.
 *
 * A channel still open after close() closes on a later turn (node-datachannel): closing the
 * connection first could lose that close, and the remote would never see one. So wait for it,
 * and a little more ({@link RESET_GRACE_MS}).
 *
 * @example
 * ```ts
 * channel.close();
 * closeConnection(pc, channel, log); // pc closes shortly after the channel has (or after a short wait)
 * ```
 */
export function closeConnection(pc: RTCPeerConnection, channel: RTCDataChannel | undefined, log: Logger): void {
  pc.onconnectionstatechange = pc.ondatachannel = pc.ontrack = null;
  const close = (): void => {
    try {
      pc.close();
    } catch (cause) {
      log.debug("RTCPeerConnection.close threw", cause);
    }
  };
  if (channel?.readyState === "open") {
    // Whichever comes first closes it: a second close() does nothing.
    setTimeout(close, CHANNEL_CLOSE_WAIT_MS);
    channel.addEventListener("close", () => setTimeout(close, RESET_GRACE_MS), { once: true });
  } else close();
}
