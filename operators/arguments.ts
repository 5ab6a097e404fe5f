/**
 * The checks every operator makes of what it is called with, at call time, before anything
 * is subscribed: a peer (or signaling channel) that is none (`undefined` before the app made
 * one, a wrong object) and options that are no object. Each throws a `TypeError` naming the operator
 * and what it got, where the first use would otherwise fail deep inside with "Cannot read
 * properties of undefined". Values out of range are each operator's own `RangeError`.
 */
import { describe } from "../src/errors.js";

/**
 * Throws a `TypeError` naming `operator`, the argument and what is wrong unless `value` is an
 * object with every one of `members` (a `Peer` has all an operator reads).
 *
 * @example
 * ```ts
 * checkMembers("sendTo", "peer", peer, ["connected$", "close$", "send"]); // a Peer: nothing thrown
 * checkMembers("sendTo", "peer", undefined, ["send"]); // TypeError: sendTo(): peer must be a Peer (an object with send), got undefined
 * ```
 */
export function checkMembers(operator: string, argument: string, value: unknown, members: readonly string[]): void {
  const missing = value !== null && typeof value === "object" ? members.filter((member) => !(member in value)) : members;
  if (missing.length > 0) {
    const got = value !== null && typeof value === "object" ? `an object without ${missing.join(", ")}` : describe(value);
    const expected = `an object with ${members.join(", ")}`;
    throw new TypeError(`${operator}(): ${argument} must be ${argument === "peer" ? `a Peer (${expected})` : expected}, got ${got}`);
  }
}

/**
 * Throws a `TypeError` naming `operator` when `options` is anything but an object (`null`,
 * a number, a string, an array: a mistake, not a default). `undefined` never gets here: the
 * operators' default parameter (`options = {}`) takes its place.
 *
 * @example
 * ```ts
 * export function chunk(options: ChunkOptions = {}) {
 *   checkOptions("chunk", options); // chunk(null): TypeError: chunk(): options must be an object, got null
 * }
 * ```
 */
export function checkOptions(operator: string, options: unknown): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${operator}(): options must be an object, got ${describe(options)}`);
  }
}
