// sendTo() when a send fails: a channel the remote already closed (its close$ not yet
// come) is the peer closing, ERR_PEER_CLOSED as sendTo's contract says; a failure on an
// open channel is passed on as it is.
import { expect } from "chai";
import { BehaviorSubject, NEVER, Subject, lastValueFrom, map, range } from "rxjs";
import { runtimeName } from "#test-runtime";
import { PeerError } from "../../src/index.js";
import { sendTo, type SendTarget } from "../../operators/index.js";
import { connectedPair } from "../support/peers.js";

/** A target whose channel reports `readyState`, and whose sends fail from the `failAt`-th on. */
function failingTarget(readyState: string, failAt: number): SendTarget {
  let sends = 0;
  return {
    connected$: new BehaviorSubject(true),
    close$: NEVER,
    destroyed: false,
    channel: { bufferedAmount: 0, readyState, addEventListener: () => undefined, removeEventListener: () => undefined },
    send: () => {
      if (++sends >= failAt) throw new PeerError("ERR_DATA_CHANNEL", "send failed: InvalidStateError");
    },
  };
}

async function errorOf(target: SendTarget): Promise<PeerError> {
  try {
    await lastValueFrom(range(0, 10).pipe(map(String), sendTo(target)));
  } catch (error) {
    return error as PeerError;
  }
  throw new Error("sendTo completed");
}

describe("sendTo() when a send fails", () => {
  it("reports ERR_PEER_CLOSED for a channel that is no longer open", async () => {
    for (const readyState of ["closing", "closed"]) {
      const error = await errorOf(failingTarget(readyState, 3));
      expect(error.code, readyState).to.equal("ERR_PEER_CLOSED");
      expect(error.cause).to.be.instanceOf(PeerError);
    }
  });

  it("passes a failure on an open channel on as it is", async () => {
    const error = await errorOf(failingTarget("open", 3));
    expect(error.code).to.equal("ERR_DATA_CHANNEL");
    expect(error.message).to.match(/InvalidStateError/);
  });

  // node-datachannel's channel refuses sends a turn before its readyState says closed (about
  // 1 run in 30 hit that turn before refusedAsClosed, src/runtime-quirks.ts, whose own test
  // reads libdatachannel's messages): six runs there. Two on @roamhq/wrtc, whose send() races
  // its own network thread when the remote closes the channel under it and can crash the
  // process, more often the more sends meet a close (docs/runtimes.md).
  const runs = runtimeName === "node" ? 2 : 6;
  it(`ends with ERR_PEER_CLOSED when the remote closes its channel or its peer mid-stream, every time in ${runs}`, async () => {
    for (let run = 0; run < runs; run++) {
      const { a, b } = await connectedPair();
      const values = new Subject<Uint8Array>();
      const result = lastValueFrom(values.pipe(sendTo(a))).then(
        () => "completed",
        (error: PeerError) => error.code,
      );
      const chunkOf = new Uint8Array(16 * 1024);
      for (let i = 0; i < 64; i++) values.next(chunkOf);
      if (run % 2 === 0) b.channel?.close();
      else b.destroy();
      for (let i = 0; i < 64; i++) values.next(chunkOf);
      expect(await result, `run ${run}`).to.equal("ERR_PEER_CLOSED");
      a.destroy();
      b.destroy();
    }
  });
});
