/**
 * What to do when the connection fails: restart ICE once, and give up if the
 * restart does not bring the connection back. Pure: it maps connection states
 * to decisions, and the Peer carries them out.
 */
import { type Observable, type OperatorFunction, concat, defer, endWith, filter, map, of, switchMap, timer } from "./rxjs-imports.js";

/** A decision about a failed connection. */
export type IceRecoveryAction = "restart" | "give-up";

/**
 * How long an ICE restart may take to bring the connection back before giving up, in ms.
 * A restart needs the remote peer to answer over signaling: a remote that is gone (its
 * process killed, its machine off) never does, and no further `failed` ever comes
 * (measured on @roamhq/wrtc: the state stays `failed` with no event), so without this
 * bound the peer would never close. Measured in docs/reliability.md.
 */
export const ICE_RESTART_TIMEOUT_MS = 10_000;

/**
 * Turns `connectionState` changes into recovery decisions: the first `failed`
 * after being connected (or after the start) asks for an ICE restart; a `failed`
 * before the connection came back, or no `connected` within `restartTimeout` ms of
 * the restart, asks to give up. Reaching `connected` again restores the one restart.
 *
 * ```
 * states:  --connecting--connected--failed--connecting--failed--|
 * actions: ----------------------restart-------------give-up-|
 * states:  --connected--failed-----------(restartTimeout)-------
 * actions: -------------restart----------give-up----------------
 * ```
 *
 * @example
 * ```ts
 * connectionState$.pipe(iceRecovery(maxRestarts)).subscribe((action) =>
 *   action === "restart" ? pc.restartIce() : peer.destroy());
 * ```
 * @param maxRestarts how many restarts to try before giving up (default 1)
 * @param restartTimeout ms a restart may take to reach `connected` (default {@link ICE_RESTART_TIMEOUT_MS})
 */
export function iceRecovery(maxRestarts = 1, restartTimeout = ICE_RESTART_TIMEOUT_MS): OperatorFunction<RTCPeerConnectionState, IceRecoveryAction> {
  return (states) =>
    defer(() => {
      let restarts = 0;
      return states.pipe(
        // The end of the states ends any restart's timer too, so nothing outlives the peer.
        endWith<RTCPeerConnectionState>("closed"),
        // Any other state ("connecting", "disconnected", ...) leaves a restart's timer running.
        filter((state) => state === "connected" || state === "closed" || state === "failed"),
        switchMap((state): Observable<IceRecoveryAction> => {
          if (state === "connected") restarts = 0;
          if (state !== "failed") return of();
          // Counts failures too: past maxRestarts, every one gives up until "connected" resets it.
          return restarts++ < maxRestarts ? concat(of("restart" as const), timer(restartTimeout).pipe(map(() => "give-up" as const))) : of("give-up");
        }),
      );
    });
}
