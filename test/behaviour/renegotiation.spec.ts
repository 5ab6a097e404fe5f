// Offer/answer exchanges after connect, asked for with a `renegotiate` signal: one side at a
// time, both at once (glare), and after a stray answer. rxpeer keeps the signaling state its
// own steps leave rather than reading it back at each step, so each exchange must leave both
// sides able to offer again, with their connections stable and the channel still carrying data.
import { expect } from "chai";
import { filter, firstValueFrom, fromEvent, type Observable } from "rxjs";
import type { Peer, PeerError, SignalData } from "../../src/index.js";
import { connectedPair } from "../support/peers.js";
import { runtimeName } from "#test-runtime";

const RENEGOTIATE = { renegotiate: true } as unknown as SignalData;

function description(peer: Peer, type: "offer" | "answer"): Promise<SignalData> {
  return firstValueFrom(peer.signal$.pipe(filter((signal) => signal.type === "sdp" && signal.data.type === type)));
}

// Resolves once the connection is stable (at once if it already is).
async function stable(peer: Peer): Promise<void> {
  const pc = peer.connection;
  if (pc.signalingState === "stable") return;
  await firstValueFrom((fromEvent(pc, "signalingstatechange") as Observable<Event>).pipe(filter(() => pc.signalingState === "stable")));
}

// `from` asks itself for an offer; resolves once `to` has answered it and both are stable.
async function exchange(from: Peer, to: Peer): Promise<void> {
  const offered = description(from, "offer");
  const answered = description(to, "answer");
  await from.signal(RENEGOTIATE);
  await offered;
  await answered;
  await Promise.all([stable(from), stable(to)]);
}

async function carriesBothWays(a: Peer, b: Peer, text: string): Promise<void> {
  const atB = firstValueFrom(b.data$);
  const atA = firstValueFrom(a.data$);
  a.send(`${text} from a`);
  b.send(`${text} from b`);
  expect(String(await atB)).to.equal(`${text} from a`);
  expect(String(await atA)).to.equal(`${text} from b`);
}

function errorsOf(...peers: Peer[]): PeerError[] {
  const errors: PeerError[] = [];
  for (const peer of peers) peer.error$.subscribe((error) => errors.push(error));
  return errors;
}

// node-datachannel makes no new offer for a data-only connection that has nothing to change
// (main's rxpeer alike): nothing to renegotiate there.
(runtimeName === "node-datachannel" ? describe.skip : describe)("renegotiating after connect", () => {
  it("offers again after each exchange, from either side in turn", async () => {
    const { a, b } = await connectedPair();
    const errors = errorsOf(a, b);
    await exchange(a, b);
    await exchange(b, a);
    await exchange(a, b);
    await exchange(a, b);
    await exchange(b, a);
    await carriesBothWays(a, b, "after five exchanges");
    expect(errors).to.deep.equal([]);
  });

  it("settles a glare (both ask at once) and both sides offer again after it", async () => {
    const { a, b } = await connectedPair();
    const errors = errorsOf(a, b);
    const offers = [description(a, "offer"), description(b, "offer")];
    // The initiator's offer wins: the answerer (polite) rolls its own back and answers.
    const answered = description(b, "answer");
    await Promise.all([a.signal(RENEGOTIATE), b.signal(RENEGOTIATE)]);
    await Promise.all(offers);
    await answered;
    await Promise.all([stable(a), stable(b)]);
    await exchange(b, a);
    await exchange(a, b);
    await carriesBothWays(a, b, "after a glare");
    expect(errors).to.deep.equal([]);
  });

  it("refuses an answer relayed twice as ERR_NEGOTIATION, then offers again", async () => {
    const { a, b } = await connectedPair();
    const errors = errorsOf(a, b);
    const answered = description(b, "answer");
    await exchange(a, b);
    const stray = await answered;
    await a.signal(stray);
    expect(errors.map((error) => error.code)).to.deep.equal(["ERR_NEGOTIATION"]);
    expect(errors[0]?.message).to.match(/no offer of ours is pending/);
    expect(a.connection.signalingState).to.equal("stable");
    await exchange(a, b);
    await exchange(b, a);
    await carriesBothWays(a, b, "after a stray answer");
    expect(errors).to.have.length(1);
  });

  it("reports a pranswer with no offer of ours pending, then offers again", async () => {
    const { a, b } = await connectedPair();
    const errors = errorsOf(a, b);
    const answered = description(b, "answer");
    await exchange(a, b);
    const answer = await answered;
    if (answer.type !== "sdp") throw new Error("expected a description");
    await a.signal({ ...answer, data: { ...answer.data, type: "pranswer" } });
    expect(errors.map((error) => error.code)).to.deep.equal(["ERR_NEGOTIATION"]);
    expect(a.connection.signalingState).to.equal("stable");
    await exchange(a, b);
    await exchange(b, a);
    await carriesBothWays(a, b, "after a stray pranswer");
    expect(errors).to.have.length(1);
  });
});
