/**
 * `npm run demo`: two rxpeer peers on Node (through @roamhq/wrtc) connect in
 * this process and chat, printing what happens. No network, no flags.
 */
import wrtc from "@roamhq/wrtc";
import { firstValueFrom, take, toArray } from "rxjs";
import { Peer, linkPeers, type WebRTCImplementation } from "../src/index.js";

const implementation = wrtc as unknown as WebRTCImplementation;

async function main(): Promise<void> {
  const alice = new Peer({ initiator: true, wrtc: implementation, channelName: "chat" });
  const bob = new Peer({ wrtc: implementation });
  const started = performance.now();

  alice.signal$.subscribe((signal) => console.log(`alice -> bob  ${signal.type === "sdp" ? signal.data.type : "candidate"}`));
  bob.signal$.subscribe((signal) => console.log(`bob -> alice  ${signal.type === "sdp" ? signal.data.type : "candidate"}`));
  linkPeers(alice, bob);

  bob.data$.subscribe((text) => {
    console.log(`bob   got: ${String(text)}`);
    bob.send(`echo: ${String(text)}`);
  });
  const replies = firstValueFrom(alice.data$.pipe(take(3), toArray()));
  alice.data$.subscribe((text) => console.log(`alice got: ${String(text)}`));

  await firstValueFrom(alice.connect$);
  console.log(`connected in ${(performance.now() - started).toFixed(1)} ms on channel "${bob.channelName}"`);
  for (const line of ["hello bob", "how is the weather on loopback?", "bye"]) alice.send(line);

  const echoed = await replies;
  const bobClosed = firstValueFrom(bob.close$);
  alice.destroy();
  await bobClosed;
  console.log(`bob saw alice leave; ${echoed.length} echoes received. Done.`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
