// ENVIRONMENT.md reports messages sent inside the sender's open handler arriving
// reordered on @roamhq/wrtc. This repeats the race many times on real peers and
// requires every run to arrive in order.
import { describe, expect, it } from "vitest";
import { firstValueFrom, take, toArray } from "rxjs";
import wrtc from "@roamhq/wrtc";
import { Peer, linkPeers, type WebRTCImplementation } from "../../src/index.js";

const implementation = wrtc as unknown as WebRTCImplementation;

async function sendAtConnect(sender: "initiator" | "answerer"): Promise<string[]> {
  const a = new Peer({ initiator: true, wrtc: implementation, debug: 0 });
  const b = new Peer({ wrtc: implementation, debug: 0 });
  const [from, to] = sender === "initiator" ? [a, b] : [b, a];
  try {
    const received = firstValueFrom(to.data$.pipe(take(5), toArray()));
    from.connect$.subscribe(() => {
      for (let i = 0; i < 5; i++) from.send(String(i));
    });
    linkPeers(a, b);
    return (await received) as string[];
  } finally {
    a.destroy();
    b.destroy();
  }
}

describe("order of messages sent at connect (Node, @roamhq/wrtc)", () => {
  it.each(["initiator", "answerer"] as const)("keeps order over 30 fresh pairs when the %s sends", async (sender) => {
    for (let run = 0; run < 30; run++) {
      expect(await sendAtConnect(sender)).toEqual(["0", "1", "2", "3", "4"]);
    }
  });
});
