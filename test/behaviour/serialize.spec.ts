// Object mode (serialize / deserialize) and toSimplePeerSignal: pure mapping, then object
// mode end to end over real peers.
import { expect } from "chai";
import fc from "fast-check";
import { firstValueFrom, from, of, take, toArray } from "rxjs";
import { PeerError, type SignalData } from "../../src/index.js";
import { deserialize, sendTo, serialize, toSimplePeerSignal } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";

async function failure(promise: Promise<unknown>): Promise<PeerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(PeerError);
  return error as PeerError;
}

/** JSON has no -0: it comes back as 0. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  }
  return value;
}

describe("serialize / deserialize", () => {
  it("round-trips any JSON value, as text and as UTF-8 bytes (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, asBytes) => {
        let out: unknown[] = [];
        of(value)
          .pipe(serialize())
          .subscribe((json) => {
            const message = asBytes ? new TextEncoder().encode(json).buffer : json;
            of(message).pipe(deserialize()).subscribe((parsed) => (out = [...out, parsed]));
          });
        expect(out).to.deep.equal([withoutNegativeZero(value)]);
      }),
      { numRuns: 300 },
    );
  });

  it("errors ERR_FRAME_INVALID on text that is not JSON", async () => {
    const error = await failure(firstValueFrom(of('{"a": 1', "fine").pipe(deserialize())));
    expect(error.code).to.equal("ERR_FRAME_INVALID");
    expect(error.message).to.match(/not valid JSON: "\{\\"a\\": 1"/);
    expect(error.cause).to.be.instanceOf(SyntaxError);
  });

  it("errors ERR_FRAME_INVALID on binary that is not UTF-8", async () => {
    const error = await failure(firstValueFrom(of(new Uint8Array([0x7b, 0xff, 0x7d]).buffer).pipe(deserialize())));
    expect(error.code).to.equal("ERR_FRAME_INVALID");
    expect(error.message).to.match(/not UTF-8/);
  });

  it("errors ERR_FRAME_INVALID on values JSON cannot carry", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [undefined, () => 1, Symbol("s"), 10n, cyclic]) {
      const error = await failure(firstValueFrom(of(value).pipe(serialize())));
      expect(error.code).to.equal("ERR_FRAME_INVALID");
    }
  });

  it("carries objects between real peers (object mode)", async () => {
    const { a, b } = await connectedPair();
    const objects = [{ type: "move", x: 3, y: 4 }, [1, "two", null], "text", 42, { nested: { ok: true } }];
    const received = firstValueFrom(b.data$.pipe(deserialize(), take(objects.length), toArray()));
    await firstValueFrom(from(objects).pipe(serialize(), sendTo(a), toArray()));
    expect(await received).to.deep.equal(objects);
  });
});

describe("toSimplePeerSignal", () => {
  it("converts descriptions and candidates to simple-peer's shape", async () => {
    const signals: SignalData[] = [
      { type: "sdp", data: { type: "offer", sdp: "v=0\r\n" } },
      { type: "sdp", data: { type: "answer", sdp: "v=0\r\na=x\r\n" } },
      { type: "candidate", data: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } },
    ];
    const out = await firstValueFrom(from(signals).pipe(toSimplePeerSignal(), toArray()));
    expect(out).to.deep.equal([
      { type: "offer", sdp: "v=0\r\n" },
      { type: "answer", sdp: "v=0\r\na=x\r\n" },
      { type: "candidate", candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 } },
    ]);
  });
});
