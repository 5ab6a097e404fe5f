// Drives iceRecovery() through a timeline on vitest's fake clock: one character per
// millisecond, a letter a connection state, "-" nothing. Returns the decisions on the
// same timeline ("r" restart, "u" give up, "-" none), as far as `frames` (default: the
// timeline's length), and how many timers were still pending at the end.
import { vi } from "vitest";
import { iceRecovery, type IceRecoveryAction } from "../../src/ice-recovery.js";

const STATES: Record<string, RTCPeerConnectionState> = {
  n: "new",
  g: "connecting",
  c: "connected",
  d: "disconnected",
  f: "failed",
  x: "closed",
};
const MARKS: Record<IceRecoveryAction, string> = { restart: "r", "give-up": "u" };

export function recoveryFrames(timeline: string, options: { maxRestarts?: number; restartTimeout?: number; disconnectedTimeout?: number; frames?: number } = {}): { decisions: string; pendingTimers: number } {
  vi.useFakeTimers();
  try {
    const frames = options.frames ?? timeline.length;
    const decisions = Array.from({ length: frames }, () => "-");
    let frame = 0;
    const step = iceRecovery((action) => (decisions[frame] = MARKS[action]), options.maxRestarts, options.restartTimeout, options.disconnectedTimeout);
    for (; frame < frames; frame++) {
      if (frame > 0) vi.advanceTimersByTime(1);
      const state = STATES[timeline[frame] ?? "-"];
      if (state) step(state);
    }
    return { decisions: decisions.join(""), pendingTimers: vi.getTimerCount() };
  } finally {
    vi.useRealTimers();
  }
}
