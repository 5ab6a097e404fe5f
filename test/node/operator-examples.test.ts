// The @example of every operator's doc comment, run as written (imports mapped to this
// repository, Peer given @roamhq/wrtc), checking that it prints what its comments promise.
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { format } from "node:util";
import { transform } from "esbuild";
import wrtc from "@roamhq/wrtc";
import * as rxjs from "rxjs";
import * as rxjsWebSocket from "rxjs/webSocket";
import * as rxpeer from "../../src/index.js";
import * as operators from "../../operators/index.js";
import type { PeerOptions, WebRTCImplementation } from "../../src/index.js";

const live: rxpeer.Peer[] = [];

/** The Peer the examples get: the real one, on @roamhq/wrtc, quiet, destroyed after each test. */
class ExamplePeer extends rxpeer.Peer {
  constructor(options: Partial<PeerOptions> = {}) {
    super({ debug: 0, wrtc: wrtc as unknown as WebRTCImplementation, ...options });
    live.push(this);
  }
}

const modules: Record<string, Record<string, unknown>> = {
  rxjs,
  "rxjs/webSocket": rxjsWebSocket,
  "rxpeer/operators": operators,
  rxpeer: { ...rxpeer, Peer: ExamplePeer, default: ExamplePeer },
};

/** The code of the `@example` block in a file's first doc comment with one. */
function exampleOf(file: string): string {
  const text = readFileSync(new URL(`../../operators/${file}`, import.meta.url), "utf8");
  const match = /@example[^\n]*\n(?: \*(?! ```)[^\n]*\n)*? \* ```ts\n([\s\S]*?) \* ```/.exec(text);
  if (!match?.[1]) throw new Error(`${file} has no @example code block`);
  return match[1].replace(/^ \* ?/gm, "");
}

/** Turns `import X, { a, b } from "m"` lines into reads from `modules`, then strips the types. */
async function compile(code: string): Promise<string> {
  const body = code.replace(/^import (?:(\w+)(?:, )?)?(?:\{([^}]*)\})? from "([^"]+)";$/gm, (_line, name: string | undefined, names: string | undefined, from: string) => {
    if (!(from in modules)) throw new Error(`example imports unknown module ${from}`);
    const parts = [];
    if (name) parts.push(`const ${name} = modules[${JSON.stringify(from)}].default;`);
    if (names) parts.push(`const {${names}} = modules[${JSON.stringify(from)}];`);
    return parts.join(" ");
  });
  return (await transform(body, { loader: "ts" })).code;
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;

async function run(file: string, expected: string[]): Promise<string[]> {
  const printed: string[] = [];
  const errors: string[] = [];
  const console = { log: (...args: unknown[]) => printed.push(format(...args)), error: (...args: unknown[]) => errors.push(format(...args)) };
  await new AsyncFunction("modules", "console", await compile(exampleOf(file)))(modules, console);
  // Generous: two peers on loopback share the machine with the other test files, and a UDP
  // packet dropped under that load costs SCTP a retransmission timeout of a second or more.
  const deadline = Date.now() + 25_000;
  while (!expected.every((e) => printed.some((line) => line.includes(e))) && Date.now() < deadline && errors.length === 0) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(errors).toEqual([]);
  for (const e of expected) expect(printed.some((line) => line.includes(e)), `${file} should print ${e}; printed ${printed.length} lines: ${[...printed.slice(0, 3), "...", ...printed.slice(-2)].join(" | ")}`).toBe(true);
  return printed;
}

afterEach(() => {
  for (const peer of live.splice(0)) peer.destroy();
});

describe("operator doc examples run as written", () => {
  it("chunk", async () => {
    const printed = await run("chunk.ts", ["héllo", "ArrayBuffer"]);
    expect(printed.slice(0, 4)).toEqual(["38", "16384", "16384", "7328"]);
  });
  it("dechunk", () => run("dechunk.ts", ["binary: 1048576 bytes", "text: done ✓"]));
  it("sendTo", () => run("sendTo.ts", ["10506304 bytes sent", "all handed to the channel", "bob got ArrayBuffer"]), 40_000);
  it("bufferUntilConnected", () => run("bufferUntilConnected.ts", ["bob got: written before the connection"]));
  it("retryBackoff", () => run("retryBackoff.ts", ["ok after 3 tries"]));
  it("serialize", () => run("serialize.ts", ['{"type":"move","x":3,"y":4}']));
  it("deserialize", async () => {
    const printed = await run("deserialize.ts", ["move", "[ 1, 2 ]"]);
    expect(printed).toEqual(["{ type: 'move', x: 3 }", "[ 1, 2 ]"]);
  });
  it("toSimplePeerSignal", () => run("toSimplePeerSignal.ts", ["offer"]));
  it("sendFile", async () => {
    const printed = await run("sendFile.ts", ["bob got hello.txt: hello, bob", "bob has every byte"]);
    expect(printed.filter((line) => line.endsWith(" bytes"))).toEqual(["0 of 10 bytes", "10 of 10 bytes"]);
  });
  it("receiveFiles", () => run("receiveFiles.ts", ["data.bin (application/octet-stream): 1048576 bytes", "bob has it all"]));
  it("isTransferFrame", () => run("isTransferFrame.ts", ["false true"]));
  // connectSignaling's example needs a signaling server and a page URL; the same wiring is
  // exercised against a real WebSocket relay in connectSignaling.test.ts.
});
