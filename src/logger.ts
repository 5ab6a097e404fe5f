/**
 * Levelled logging to `console`, every line prefixed `[rxpeer]`:
 * 0 none, 1 errors, 2 +warnings, 3 +info, 4 +debug.
 */

export type LogLevel = 0 | 1 | 2 | 3 | 4;

export interface Logger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

const PREFIX = "[rxpeer]";
const silent = (): void => {};

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
  return {
    error: level >= 1 ? (...args) => console.error(PREFIX, ...args) : silent,
    warn: level >= 2 ? (...args) => console.warn(PREFIX, ...args) : silent,
    info: level >= 3 ? (...args) => console.info(PREFIX, ...args) : silent,
    debug: level >= 4 ? (...args) => console.debug(PREFIX, ...args) : silent,
  };
}
