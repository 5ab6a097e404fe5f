/**
 * What to do when the connection fails: restart ICE once, and give up if the
 * restart does not bring the connection back. Pure: it maps connection states
 * to decisions, and the Peer carries them out.
 */
import { type OperatorFunction, filter, map, scan } from "rxjs";

/** A decision about a failed connection. */
export type IceRecoveryAction = "restart" | "give-up";

interface RecoveryState {
  restarts: number;
  action: IceRecoveryAction | undefined;
}

/**
 * Turns `connectionState` changes into recovery decisions: the first `failed`
 * after being connected (or after the start) asks for an ICE restart; a `failed`
 * before the connection came back asks to give up. Reaching `connected` again
 * restores the one restart.
 *
 * ```
 * states:  --connecting--connected--failed--connecting--failed--|
 * actions: ----------------------restart-------------give-up-|
 * ```
 *
 * @example
 * ```ts
 * connectionState$.pipe(iceRecovery(maxRestarts)).subscribe((action) =>
 *   action === "restart" ? pc.restartIce() : peer.destroy());
 * ```
 * @param maxRestarts how many restarts to try before giving up (default 1)
 */
export function iceRecovery(maxRestarts = 1): OperatorFunction<RTCPeerConnectionState, IceRecoveryAction> {
  return (states) =>
    states.pipe(
      scan<RTCPeerConnectionState, RecoveryState>(
        ({ restarts }, state) => {
          if (state === "connected") return { restarts: 0, action: undefined };
          if (state !== "failed") return { restarts, action: undefined };
          return restarts < maxRestarts ? { restarts: restarts + 1, action: "restart" } : { restarts, action: "give-up" };
        },
        { restarts: 0, action: undefined },
      ),
      map((state) => state.action),
      filter((action): action is IceRecoveryAction => action !== undefined),
    );
}
