/**
 * What to do when the connection fails: restart ICE once, and give up if the
 * restart does not bring the connection back. Pure: it maps connection states
 * to decisions, and the Peer carries them out.
 */
import { EMPTY, type Observable, type OperatorFunction, concat, endWith, filter, map, of, scan, switchMap, timer } from "rxjs";

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

type Command = IceRecoveryAction | "settled";

interface RecoveryState {
  restarts: number;
  command: Command | undefined;
}

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
    states.pipe(
      scan<RTCPeerConnectionState, RecoveryState>(
        ({ restarts }, state) => {
          if (state === "connected") return { restarts: 0, command: "settled" };
          if (state === "closed") return { restarts, command: "settled" };
          if (state !== "failed") return { restarts, command: undefined };
          return restarts < maxRestarts ? { restarts: restarts + 1, command: "restart" } : { restarts, command: "give-up" };
        },
        { restarts: 0, command: undefined },
      ),
      map((state) => state.command),
      filter((command): command is Command => command !== undefined),
      // The end of the states ends any restart's timer too, so nothing outlives the peer.
      endWith<Command>("settled"),
      switchMap((command): Observable<IceRecoveryAction> => {
        if (command === "settled") return EMPTY;
        if (command === "give-up") return of("give-up");
        return concat(of("restart" as const), timer(restartTimeout).pipe(map(() => "give-up" as const)));
      }),
    );
}
