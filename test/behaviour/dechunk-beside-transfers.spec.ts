// dechunk() on a peer that also carries file transfers: it skips their frames (they are
// receiveFiles' to read) and reassembles chunk() messages sent at the same time, in order.
import { expect } from "chai";
import { filter, firstValueFrom, lastValueFrom, of, take, toArray } from "rxjs";
import { runtimeName } from "#test-runtime";
import { chunk, dechunk, receiveFiles, sendFile, sendTo, isTransferFrame } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";
import { patternBytes, sameBytes } from "../support/bytes.js";
import { readAll, rawTransferFrame } from "../support/transfer.js";

describe(`dechunk() beside file transfers (${runtimeName})`, () => {
  it("skips transfer frames and keeps the chunk() messages whole and in order", async () => {
    const { a, b } = await connectedPair();
    const seenTransferFrames = firstValueFrom(b.data$.pipe(filter(isTransferFrame), take(1)));
    const messages = lastValueFrom(
      b.data$.pipe(
        filter((m): m is ArrayBuffer => m instanceof ArrayBuffer),
        dechunk(),
        take(3),
        toArray(),
      ),
    );
    const incoming = firstValueFrom(receiveFiles(b));
    const file = patternBytes(300 * 1024, 3);
    const sending = lastValueFrom(sendFile(a, new Blob([file]), { name: "beside.bin" }));
    const big = patternBytes(100 * 1024, 9);
    await lastValueFrom(of("first", big, "last").pipe(chunk(), sendTo(a)));

    const [first, middle, last] = await messages;
    expect(first).to.equal("first");
    expect(sameBytes(new Uint8Array(middle as ArrayBuffer), big)).to.equal(true);
    expect(last).to.equal("last");
    expect(sameBytes(await readAll((await incoming).stream), file)).to.equal(true);
    await sending;
    expect(isTransferFrame(await seenTransferFrames)).to.equal(true);
  });

  it("skips a transfer frame given to it directly, with no error", async () => {
    const frames = await lastValueFrom(of("after").pipe(chunk()).pipe(toArray()));
    const out = await lastValueFrom(of(rawTransferFrame({ type: 1 }), ...frames).pipe(dechunk(), toArray()));
    expect(out).to.deep.equal(["after"]);
  });
});
