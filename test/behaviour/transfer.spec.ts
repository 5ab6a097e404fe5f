// Real transfers through chunk() + sendTo() + dechunk() between two peers: a large binary,
// a Blob and large multi-byte strings, from two pipelines at once on one channel, each
// checked by SHA-256 on arrival. On @roamhq/wrtc an overflowing send queue loses data
// silently, so equal hashes there prove the backpressure. Sizes per runtime: 64 MiB of
// binary on Node, 16 MiB in Chromium.
import { expect } from "chai";
import { firstValueFrom, from, lastValueFrom, take, toArray } from "rxjs";
import { runtimeName } from "#test-runtime";
import type { PeerData } from "../../src/types.js";
import { chunk, dechunk, sendTo } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";
import { patternBytes, sha256 } from "../support/bytes.js";

const MiB = 1024 * 1024;
const sizes = runtimeName === "node" ? { binary: 64 * MiB, blob: 4 * MiB, textCodePoints: 1_500_000 } : { binary: 16 * MiB, blob: 2 * MiB, textCodePoints: 500_000 };

/** Text of 1-, 2-, 3- and 4-byte UTF-8 characters in a seeded mix. */
function multiByteText(codePoints: number, seed: number): string {
  const ranges: [number, number][] = [[0x20, 0x7e], [0xa0, 0x7ff], [0x800, 0xd7ff], [0x1f300, 0x1f64f]];
  const parts: string[] = [];
  let x = seed;
  for (let done = 0; done < codePoints; done += 4096) {
    const batch: number[] = [];
    for (let i = 0; i < Math.min(4096, codePoints - done); i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const [low, high] = ranges[x % 4] as [number, number];
      batch.push(low + ((x >>> 8) % (high - low + 1)));
    }
    parts.push(String.fromCodePoint(...batch));
  }
  return parts.join("");
}

describe(`transfer through chunk + sendTo + dechunk (${runtimeName})`, () => {
  it(`delivers ${sizes.binary / MiB} MiB of binary, a Blob and multi-byte strings intact, from two pipelines at once`, async () => {
    const { a, b } = await connectedPair();
    const binary = patternBytes(sizes.binary, 11);
    const blobBytes = patternBytes(sizes.blob, 12);
    const text = multiByteText(sizes.textCodePoints, 13);
    const shortText = "done ✓ — 完了 🎉";
    const binaries: PeerData[] = [binary, new Blob([blobBytes])];
    const texts = [text, shortText];
    const expected = (await Promise.all([binary, blobBytes, text, shortText].map(sha256))).sort();

    const received = firstValueFrom(b.data$.pipe(dechunk(), take(4), toArray()));
    const [binaryTotal, textTotal] = await Promise.all([
      lastValueFrom(from(binaries).pipe(chunk(), sendTo(a))),
      lastValueFrom(from(texts).pipe(chunk(), sendTo(a))),
    ]);
    expect(binaryTotal).to.be.above(sizes.binary + sizes.blob);
    expect(textTotal).to.be.above(text.length);

    const messages = await received;
    const strings = messages.filter((m): m is string => typeof m === "string");
    expect(strings.length).to.equal(2);
    expect(strings[0] === text, "long text arrives equal").to.equal(true);
    expect(strings[1]).to.equal(shortText);
    const buffers = messages.filter((m): m is ArrayBuffer => m instanceof ArrayBuffer);
    expect(buffers.map((m) => m.byteLength)).to.deep.equal([sizes.binary, sizes.blob]);
    expect((await Promise.all(messages.map(sha256))).sort()).to.deep.equal(expected);
  });
});
