// Node to Chromium: an rxpeer on Node (@roamhq/wrtc) and an rxpeer in headless Chromium
// meet in a room of the example signaling server on loopback, exchange text both ways,
// and a 4 MiB file each way (chunk + sendTo / dechunk) whose SHA-256 must match.
// The page's side is test/support/cross-runtime-page.ts, bundled here with esbuild.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { filter, firstValueFrom, lastValueFrom, of } from "rxjs";
import { WebSocket } from "ws";
import wrtc from "@roamhq/wrtc";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { chunk, connectSignaling, dechunk, sendTo } from "../../operators/index.js";
import { startSignalingServer, type SignalingServer } from "../../examples/signaling-server/server.js";
import { roomChannel } from "../../examples/signaling-server/client.js";
import type { FileDigest } from "../support/cross-runtime-page.js";
import { launchChromium } from "../support/chromium.js";

const FILE_SIZE = 4 * 1024 * 1024;

let signaling: SignalingServer;
let pageServer: Server;
let pageUrl: string;
let browser: Browser;

beforeAll(async () => {
  const [bundle, server, launched] = await Promise.all([
    build({
      entryPoints: [fileURLToPath(new URL("../support/cross-runtime-page.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "iife",
      write: false,
      logLevel: "silent",
    }),
    startSignalingServer(),
    launchChromium(),
  ]);
  signaling = server;
  browser = launched;
  const script = bundle.outputFiles[0]?.text ?? "";
  // Served over http://127.0.0.1, a secure context, so crypto.subtle exists in the page.
  pageServer = createServer((request, response) => {
    if (request.url === "/page.js") response.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else response.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>rxpeer cross-runtime</title><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", () => resolve()));
  pageUrl = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await browser?.close();
  await signaling?.close();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
});

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("Node to Chromium through the example signaling server", () => {
  it("connects, chats both ways and moves a 4 MiB file each way with equal SHA-256", async () => {
    const page: Page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pageUrl);

    const node = new Peer({ initiator: true, wrtc: wrtc as unknown as WebRTCImplementation, debug: 0 });
    const nodeErrors: string[] = [];
    node.error$.subscribe((error) => nodeErrors.push(`${error.code}: ${error.message}`));
    try {
      const room = `cross-${Date.now()}`;
      const channel = roomChannel(signaling.url, room, {
        WebSocketCtor: WebSocket,
        onServerError: (error) => nodeErrors.push(`${error.code}: ${error.message}`),
      });
      connectSignaling(node, channel);
      const texts = node.data$.pipe(filter((data): data is string => typeof data === "string"));
      const fromChromium = firstValueFrom(texts.pipe(filter((text) => text.startsWith("hello from chromium"))));
      const fileFromChromium = firstValueFrom(
        node.data$.pipe(
          filter((data): data is ArrayBuffer => data instanceof ArrayBuffer),
          dechunk(),
        ),
      );

      await Promise.all([page.evaluate(({ url, room }) => window.crossRuntime.join(url, room), { url: signaling.url, room }), firstValueFrom(node.connect$)]);

      // Text, both ways.
      node.send("hello from node");
      expect(await page.evaluate(() => window.crossRuntime.nextText("hello from node"))).toBe("hello from node");
      await page.evaluate(() => window.crossRuntime.sendText("hello from chromium"));
      expect(await fromChromium).toBe("hello from chromium");

      // 4 MiB, Node to Chromium.
      const bytes = new Uint8Array(randomBytes(FILE_SIZE));
      const sent = await lastValueFrom(of(bytes).pipe(chunk(), sendTo(node)));
      expect(sent).toBeGreaterThan(FILE_SIZE); // frames carry a header each
      const atChromium: FileDigest = await page.evaluate(() => window.crossRuntime.receivedFile());
      expect(atChromium).toEqual({ size: FILE_SIZE, sha256: sha256(bytes) });

      // 4 MiB, Chromium to Node.
      const fromPage: FileDigest = await page.evaluate((size) => window.crossRuntime.sendFile(size), FILE_SIZE);
      const received = await fileFromChromium;
      expect(received).toBeInstanceOf(ArrayBuffer);
      const receivedBytes = new Uint8Array(received as ArrayBuffer);
      expect({ size: receivedBytes.byteLength, sha256: sha256(receivedBytes) }).toEqual(fromPage);

      expect(await page.evaluate(() => window.crossRuntime.errors())).toEqual([]);
      expect(nodeErrors).toEqual([]);
      expect(pageErrors).toEqual([]);

      // Chromium leaving closes the Node side too.
      const nodeClosed = firstValueFrom(node.close$);
      await page.evaluate(() => window.crossRuntime.leave());
      await nodeClosed;
    } finally {
      node.destroy();
      await page.close();
    }
  }, 60_000);
});
