/**
 * The `deserialize()` operator: the receiving half of object mode (JSON text messages).
 */
import { map, type OperatorFunction } from "rxjs";
import { PeerError } from "../src/errors.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses each message as JSON: strings directly, binary messages as UTF-8 text.
 *
 * <span class="informal">Object mode: the receiving end of {@link serialize}.</span>
 *
 * ```
 * data$:  -s---t---u-
 *         deserialize()
 * values: -a---b---#
 *
 * s = '{"x":1}', t = '[2,3]', u = 'oops'
 * a = { x: 1 }, b = [2, 3], # = PeerError ERR_FRAME_INVALID
 * ```
 *
 * A message that is not JSON, or binary that is not UTF-8, errors the output with
 * `ERR_FRAME_INVALID` (the text's start is in the message, the parser's error in `cause`).
 *
 * @example
 * ```ts
 * import { of } from "rxjs";
 * import { deserialize } from "rxpeer/operators";
 *
 * of('{"type":"move","x":3}', new TextEncoder().encode("[1,2]").buffer)
 *   .pipe(deserialize())
 *   .subscribe((value) => console.log(value)); // { type: "move", x: 3 }, then [1, 2]
 * ```
 *
 * @see {@link serialize}
 *
 * @return A function that returns an Observable of the parsed values.
 */
export function deserialize(): OperatorFunction<string | ArrayBuffer | ArrayBufferView, unknown> {
  return map((message: string | ArrayBuffer | ArrayBufferView): unknown => {
    let text: string;
    if (typeof message === "string") {
      text = message;
    } else {
      try {
        text = decoder.decode(message);
      } catch (cause) {
        throw new PeerError("ERR_FRAME_INVALID", "binary message is not UTF-8 text, so not JSON", cause);
      }
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      const start = text.length > 40 ? `${text.slice(0, 40)}...` : text;
      throw new PeerError("ERR_FRAME_INVALID", `message is not valid JSON: ${JSON.stringify(start)}`, cause);
    }
  });
}
