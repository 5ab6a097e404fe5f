// A Chromium page that goes away: closed, or its renderer crashed. Either way Chromium
// sends the remote no SCTP or DTLS goodbye (seen here: a closed page's peers just stop),
// so without the liveness check the Node side would wait for ICE's consent timeout. With
// it, the rxpeer on Node reports ERR_CONNECTION_FAILURE and closes within the bound.
// And a page whose script is busy for longer than the timeout is not gone: its WebRTC
// threads still answer ICE, and the Node side must not give it up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { filter, firstValueFrom } from "rxjs";
import { WebSocket } from "ws";
import wrtc from "@roamhq/wrtc";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { connectSignaling } from "../../operators/index.js";
import { startSignalingServer, type SignalingServer } from "../../examples/signaling-server/server.js";
import { roomChannel } from "../../examples/signaling-server/client.js";
import { launchChromium } from "../support/chromium.js";
import { serveCrossRuntimePage, type CrossRuntimePageServer } from "../support/cross-runtime-server.js";
import { VANISHED_REMOTE_CLOSE_BOUND_MS } from "../support/remote-faults.js";
import { DEFAULT_LIVENESS_TIMEOUT_MS } from "../../src/liveness.js";

let signaling: SignalingServer;
let pages: CrossRuntimePageServer | undefined;
let pageUrl: string;
let browser: Browser;

beforeAll(async () => {
  const [served, server, launched] = await Promise.all([serveCrossRuntimePage(), startSignalingServer(), launchChromium()]);
  pages = served;
  pageUrl = served.url;
  signaling = server;
  browser = launched;
});

afterAll(async () => {
  await browser?.close();
  await signaling?.close();
  await pages?.close();
});

/** A Node peer connected to a peer in a fresh page; resolves once both are connected. */
async function connectToPage(): Promise<{ node: Peer; page: Page; errors: string[] }> {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const node = new Peer({ initiator: true, wrtc: wrtc as unknown as WebRTCImplementation, debug: 0 });
  const errors: string[] = [];
  node.error$.subscribe((error) => errors.push(error.code));
  const room = `liveness-${Date.now()}-${Math.random()}`;
  connectSignaling(node, roomChannel(signaling.url, room, { WebSocketCtor: WebSocket }));
  await Promise.all([page.evaluate(({ url, room }) => window.crossRuntime.join(url, room), { url: signaling.url, room }), firstValueFrom(node.connect$)]);
  return { node, page, errors };
}

/** Ways a page goes away without a word to its remote. */
const departures: { how: string; leave: (page: Page) => Promise<void> }[] = [
  {
    how: "crashed",
    leave: async (page) => {
      const session = await page.context().newCDPSession(page);
      // The renderer dies at once; the command itself never answers.
      void session.send("Page.crash").catch(() => undefined);
    },
  },
  { how: "closed", leave: (page) => page.close() },
];

describe("a Chromium remote that goes away", () => {
  it.each(departures)("$how: the Node peer reports ERR_CONNECTION_FAILURE and closes within the bound", async ({ how, leave }) => {
    const { node, page, errors } = await connectToPage();
    try {
      const closed = firstValueFrom(node.close$);
      const start = performance.now();
      await leave(page);
      await closed;
      const closeAfterMs = performance.now() - start;
      console.log(`[figure] Chromium page ${how}: Node close$ after ${closeAfterMs.toFixed(0)} ms`);
      expect(closeAfterMs).toBeLessThan(VANISHED_REMOTE_CLOSE_BOUND_MS);
      expect(errors).toEqual(["ERR_CONNECTION_FAILURE"]);
    } finally {
      node.destroy();
      await page.close().catch(() => undefined);
    }
  }, 30_000);
});

describe("a Chromium remote whose page is busy", () => {
  it("for longer than livenessTimeout, in one task: the Node peer does not give it up, and the pair talks on", async () => {
    const { node, page, errors } = await connectToPage();
    try {
      const busyMs = DEFAULT_LIVENESS_TIMEOUT_MS + 3_000;
      // No heartbeat, no message, no timer runs in the page meanwhile; its ICE still answers.
      await page.evaluate((ms) => {
        const end = performance.now() + ms;
        while (performance.now() < end);
      }, busyMs);
      const fromPage = firstValueFrom(node.data$.pipe(filter((data) => data === "page, after the busy spell")));
      const toPage = page.evaluate(() => window.crossRuntime.nextText("node, after"));
      node.send("node, after the busy spell");
      await page.evaluate(() => window.crossRuntime.sendText("page, after the busy spell"));
      expect(await toPage).toBe("node, after the busy spell");
      expect(await fromPage).toBe("page, after the busy spell");
      expect({ errors, destroyed: node.destroyed }).toEqual({ errors: [], destroyed: false });
      expect(await page.evaluate(() => window.crossRuntime.errors())).toEqual([]);
    } finally {
      node.destroy();
      await page.close().catch(() => undefined);
    }
  }, 30_000);
});
