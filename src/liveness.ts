/**
 * Liveness between two rxpeer peers: each sends a heartbeat on a steady beat, and a
 * remote that has sent nothing at all for a whole timeout is declared dead. Without it
 * a remote whose process was killed is noticed only when ICE gives up on it (its
 * consent check fails after tens of seconds). The Peer sends the beats and counts what
 * arrives. A plain interval, not an Observable: rxjs's took three names more in the core's
 * import of rxjs, and the core's min+gzip size a few tens of bytes more.
 */

/** The heartbeat message, sent only to an rxpeer remote (one that took part in the open handshake). */
export const HEARTBEAT = "\u0000rxpeer:beat";

/** Default `livenessTimeout`: how long a remote may send nothing at all before it is declared dead, in ms. */
export const DEFAULT_LIVENESS_TIMEOUT_MS = 5000;

/**
 * How often an idle rxpeer sends a heartbeat, in ms, whatever its own timeout: the same on
 * every peer, so a remote with a shorter timeout than ours is still fed often enough.
 */
export const BEAT_MS = 1000;

/** Shortest `livenessTimeout` (0 aside): two beats, so one late tick never decides. */
export const MIN_LIVENESS_TIMEOUT_MS = 2 * BEAT_MS;

/**
 * One tick of the liveness clock: send a heartbeat, or give the remote up. "heard": the
 * remote sent no message for the whole timeout, but its transport still hears it (a stalled
 * SCTP stream, a busy remote): not dead, and the silence is counted afresh.
 */
export type LivenessTick = "beat" | "heard" | "dead";

/**
 * A clock of one tick per `beat` ms: each tick calls `onTick("beat")` (send a heartbeat if
 * nothing else went out since the last one) while `received()` has moved within the last
 * `timeout` ms' worth of ticks. When it has not, the remote is dead (`onTick("dead")` once,
 * and the clock stops) unless `heard()`, read at the first silent tick and again then, has
 * moved in between (`onTick("heard")`, and the silence is counted afresh). A `timeout` of 0
 * never declares death: the clock only beats, so a remote that does watch is still fed.
 *
 * Silence is counted in ticks rather than measured in time on purpose: if this process
 * stalls, its clock fires once when it resumes, before the messages that queued up in the
 * meantime are delivered, and one silent tick is never enough to give up. A remote whose
 * own event loop stalls for less than `timeout - beat` ms is not declared dead.
 *
 * ```
 * received: 1-2-3-3-3-3-3-3        the count of messages received, read at each tick
 * ticks:    b-b-b-b-b-b-b-d        timeout = 5 beats: 5 ticks in a row with no new message
 * heard:          7-------7        read at the first silent tick and at the last: no packet
 * ```
 *
 * @example
 * ```ts
 * let received = 0;
 * channel.onmessage = () => received++;
 * const stop = livenessClock(() => received, 5000, (tick) =>
 *   tick === "dead" ? peer.destroy() : channel.send(HEARTBEAT), BEAT_MS, () => packetsHeard(pc));
 * ```
 * @param received reads how many messages the remote has sent so far (any message counts)
 * @param timeout ms of silence after which the remote is dead (0: never)
 * @param onTick called at each tick
 * @param beat ms between ticks (default {@link BEAT_MS})
 * @param heard reads a count that moves whenever the transport hears the remote ({@link packetsHeard}); none: messages alone decide
 * @return stops the clock (it stops by itself after "dead")
 */
export function livenessClock(
  received: () => number,
  timeout: number,
  onTick: (tick: LivenessTick) => void,
  beat = BEAT_MS,
  heard?: () => Promise<number>,
): () => void {
  const ticksToDeath = timeout > 0 ? Math.ceil(timeout / beat) : Infinity;
  // A count that cannot be read, or no transport to ask, compares as never moved.
  const hear = () => heard?.().catch(() => NaN);
  let last = received();
  let silent = 0;
  // What the transport had heard at the first silent tick.
  let heardBefore: Promise<number> | undefined;
  let timer: ReturnType<typeof setTimeout>;
  let stopped = false;
  const tick = async (): Promise<void> => {
    const now = received();
    silent = now === last ? silent + 1 : 0;
    last = now;
    if (silent === 1) heardBefore = hear();
    let sign: LivenessTick = "beat";
    if (silent >= ticksToDeath) {
      sign = (await hear())! > (await heardBefore)! ? "heard" : "dead";
      // Stopped while the transport was read.
      if (stopped) return;
      silent = 0;
    }
    onTick(sign);
    if (sign !== "dead" && !stopped) timer = setTimeout(tick, beat);
  };
  timer = setTimeout(tick, beat);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * A count that moves whenever `pc`'s transport hears the remote: its candidate pairs' bytes
 * received and ICE checks and answers received. A remote whose process is gone sends none;
 * one whose channel is stalled or whose event loop is busy still answers ICE, every 2.5 s or
 * so on libwebrtc. node-datachannel reports only the channel's bytes: there messages decide.
 *
 * @example
 * ```ts
 * const before = await packetsHeard(pc);
 * // ...
 * const remoteSpoke = (await packetsHeard(pc)) > before;
 * ```
 * @param pc the connection to read (its `getStats()`)
 * @return the count, comparable only with another read of the same connection
 */
export async function packetsHeard(pc: RTCPeerConnection): Promise<number> {
  let heard = 0;
  (await pc.getStats()).forEach((stats: Partial<RTCIceCandidatePairStats> & RTCStats) => {
    if (stats.type === "candidate-pair") heard += (stats.bytesReceived ?? 0) + (stats.requestsReceived ?? 0) + (stats.responsesReceived ?? 0);
  });
  return heard;
}
