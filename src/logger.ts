/**
 * Levelled logging to `console`, every line prefixed `[rxpeer]`:
 * 0 none, 1 errors, 2 +warnings, 3 +info, 4 +debug.
 */

export type LogLevel = 0 | 1 | 2 | 3 | 4;

// The levels in order: the level number of each is its index plus one.
const LEVELS = ["error", "warn", "info", "debug"] as const;

/** One function per level; those above the logger's level print nothing. */
export type Logger = Record<(typeof LEVELS)[number], (...args: unknown[]) => void>;

/**
 * Builds a logger that prints only what `level` allows. Disabled levels are
 * no-op functions, so a debug line on the data path costs one empty call.
 *
 * @example
 * ```ts
 * const log = createLogger(2);
 * log.warn("ICE restart"); // console.warn("[rxpeer]", "ICE restart")
 * log.info("connected");   // prints nothing
 * ```
 */
export function createLogger(level: LogLevel): Logger {
  // `console[name]` is read at each call, so a console replaced later (a test's spy) is used.
  return Object.fromEntries(LEVELS.map((name, index) => [name, level > index ? (...args: unknown[]) => console[name]("[rxpeer]", ...args) : () => {}])) as Logger;
}
