/**
 * The `serialize()` operator: the sending half of object mode (JSON text messages).
 */
import { map, type OperatorFunction } from "rxjs";
import { PeerError } from "../src/errors.js";

/**
 * Turns each value into a JSON string, for `peer.send` or `sendTo`; {@link deserialize} reads it back.
 *
 * <span class="informal">Object mode: send plain objects instead of strings and bytes.</span>
 *
 * ```
 * source:   -a---b---|
 *           serialize()
 * messages: -s---t---|
 *
 * a = { x: 1 }, b = [2, 3]
 * s = '{"x":1}', t = '[2,3]'
 * ```
 *
 * A value JSON cannot carry (`undefined`, a function, a symbol, a BigInt, a cycle) errors
 * the output with `ERR_FRAME_INVALID`, rather than sending something that will not parse.
 *
 * @example
 * ```ts
 * import { of } from "rxjs";
 * import { serialize } from "rxpeer/operators";
 *
 * of({ type: "move", x: 3, y: 4 }).pipe(serialize()).subscribe((json) => console.log(json)); // {"type":"move","x":3,"y":4}
 * // Over a peer: moves$.pipe(serialize(), sendTo(alice)); bob.data$.pipe(deserialize())
 * ```
 *
 * @see {@link deserialize}
 *
 * @return A function that returns an Observable of JSON strings.
 */
export function serialize(): OperatorFunction<unknown, string> {
  return map((value: unknown) => {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (cause) {
      throw new PeerError("ERR_FRAME_INVALID", `value cannot be serialized as JSON: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
    // JSON.stringify returns undefined for undefined, functions and symbols.
    if (typeof json !== "string") throw new PeerError("ERR_FRAME_INVALID", `a ${typeof value} cannot be serialized as JSON`);
    return json;
  });
}
