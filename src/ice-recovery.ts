/**
 * What to do when the connection fails: restart ICE once, and give up if the
 * restart does not bring the connection back. It maps connection states to
 * decisions, and the Peer carries them out. A plain function with two timers, not an
 * rxjs operator: the operator took six rxjs names (each one more binding in the core's
 * import of rxjs) and about 100 B of the core's min+gzip size more.
 */

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
 * How long the connection may stay `disconnected` before it is treated as `failed`, in ms.
 * libwebrtc moves a connection whose remote went silent on to `failed` by itself, about 10 s
 * after `disconnected` on @roamhq/wrtc, but not always: with the remote's process killed,
 * some pairs stayed `disconnected` for good (seen in 2 of 3 pairs on a loaded machine, still
 * `disconnected` 120 s on), and with no `failed` the peer never closed. A live remote brings
 * the connection back well within this, or answers the restart. Measured in docs/reliability.md.
 */
export const DISCONNECTED_TIMEOUT_MS = 15_000;

/**
 * Turns `connectionState` changes into recovery decisions: the first `failed`
 * after being connected (or after the start) asks for an ICE restart; a `failed`
 * before the connection came back, or no `connected` within `restartTimeout` ms of
 * the restart, asks to give up. A connection `disconnected` for `disconnectedTimeout`
 * ms with no other state since counts as `failed`. Reaching `connected` again restores
 * the one restart; `closed` (the Peer passes it on destroy) stops both clocks.
 *
 * ```
 * states:  --connecting--connected--failed--connecting--failed--
 * act:     ----------------------restart-------------give-up----
 * states:  --connected--failed-----------(restartTimeout)-------
 * act:     -------------restart----------give-up----------------
 * states:  --connected--disconnected---(disconnectedTimeout)----
 * act:     ----------------------------restart------------------
 * ```
 *
 * @example
 * ```ts
 * connectionState$.subscribe(iceRecovery((action) =>
 *   action === "restart" ? pc.restartIce() : peer.destroy()));
 * ```
 * @param act called with each decision
 * @param maxRestarts how many restarts to try before giving up (default 1)
 * @param restartTimeout ms a restart may take to reach `connected` (default {@link ICE_RESTART_TIMEOUT_MS})
 * @param disconnectedTimeout ms the connection may stay `disconnected` before it counts as `failed` (default {@link DISCONNECTED_TIMEOUT_MS})
 * @return the function to call with each connection state
 */
export function iceRecovery(
  act: (action: IceRecoveryAction) => void,
  maxRestarts = 1,
  restartTimeout = ICE_RESTART_TIMEOUT_MS,
  disconnectedTimeout = DISCONNECTED_TIMEOUT_MS,
): (state: RTCPeerConnectionState) => void {
  let restarts = 0;
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  let stillDisconnected: ReturnType<typeof setTimeout> | undefined;
  const onState = (state: RTCPeerConnectionState): void => {
    // A spell of "disconnected" lasts until the next state, whatever it is; past the timeout it counts as "failed".
    clearTimeout(stillDisconnected);
    if (state === "disconnected") stillDisconnected = setTimeout(onState, disconnectedTimeout, "failed");
    // Any other state ("connecting", "disconnected", ...) leaves a restart's clock running.
    if (state !== "connected" && state !== "closed" && state !== "failed") return;
    clearTimeout(giveUp);
    if (state === "connected") restarts = 0;
    if (state !== "failed") return;
    // Counts failures too: past maxRestarts, every one gives up until "connected" resets it.
    if (restarts++ >= maxRestarts) return act("give-up");
    // The clock first: a decision carried out at once may bring the next state in this turn.
    giveUp = setTimeout(act, restartTimeout, "give-up");
    act("restart");
  };
  return onState;
}
