// Every runtime against the others: rxpeer on Node (@roamhq/wrtc), on Node with
// node-datachannel, in headless Chromium and in headless Firefox. Each pair meets in a room
// of the example signaling server on loopback, exchanges text both ways and a 4 MiB file
// each way (chunk + sendTo / dechunk) whose SHA-256 must match; then the answerer leaves and
// the initiator must see the close. Every runtime is the initiator in one pair and the
// answerer in another. The browsers run test/support/cross-runtime-page.ts (bundled here
// with esbuild); Node runs the same endpoint (test/support/cross-runtime-endpoint.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser as PlaywrightBrowser } from "playwright-core";
import type { Browser as PuppeteerBrowser } from "puppeteer-core";
import { WebSocket } from "ws";
import wrtc from "@roamhq/wrtc";
import * as nodeDatachannel from "node-datachannel/polyfill";
import type { WebRTCImplementation } from "../../src/index.js";
import { startSignalingServer, type SignalingServer } from "../../examples/signaling-server/server.js";
import { crossRuntimeEndpoint, type CrossRuntimeEndpoint } from "../support/cross-runtime-endpoint.js";
import { launchChromium } from "../support/chromium.js";
import { serveCrossRuntimePage, type CrossRuntimePageServer } from "../support/cross-runtime-server.js";
import { FIREFOX_PATH, launchFirefox } from "../support/firefox.js";

const FILE_SIZE = 4 * 1024 * 1024;

type RuntimeName = "node" | "node-datachannel" | "chromium" | "firefox";

/** The endpoint's methods, each answering through a promise (a page answers asynchronously). */
type Remote = { [K in keyof CrossRuntimeEndpoint]: (...args: Parameters<CrossRuntimeEndpoint[K]>) => Promise<Awaited<ReturnType<CrossRuntimeEndpoint[K]>>> };

interface Side {
  remote: Remote;
  /** Errors thrown in the page itself (none for Node). */
  pageErrors: string[];
  close(): Promise<void>;
}

function remoteOf(call: (method: string, args: unknown[]) => Promise<unknown>): Remote {
  return new Proxy({} as Remote, { get: (_target, method: string) => (...args: unknown[]) => call(method, args) });
}

let signaling: SignalingServer;
let pages: CrossRuntimePageServer | undefined;
let pageUrl: string;
let chromium: PlaywrightBrowser | undefined;
let firefox: PuppeteerBrowser | undefined;

if (!FIREFOX_PATH) console.error("firefox: not installed, skipped (cross-runtime pairs with Firefox)");

beforeAll(async () => {
  const [served, server, launchedChromium, launchedFirefox] = await Promise.all([
    serveCrossRuntimePage(),
    startSignalingServer(),
    launchChromium(),
    FIREFOX_PATH ? launchFirefox() : undefined,
  ]);
  pages = served;
  pageUrl = served.url;
  signaling = server;
  chromium = launchedChromium;
  firefox = launchedFirefox;
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await firefox?.close();
  await signaling?.close();
  await pages?.close();
});

// A page's endpoint is called by name with JSON-safe arguments, the same way in both drivers
// (each sends this function's source to the page, so it may use nothing from this file).
function callInPage([method, args]: readonly [string, unknown[]]): unknown {
  const endpoint = window.crossRuntime as unknown as Record<string, (...values: unknown[]) => unknown>;
  return endpoint[method]?.(...args);
}

async function open(runtime: RuntimeName): Promise<Side> {
  if (runtime === "node" || runtime === "node-datachannel") {
    const implementation = (runtime === "node" ? wrtc : nodeDatachannel) as unknown as WebRTCImplementation;
    const endpoint = crossRuntimeEndpoint({ wrtc: implementation, WebSocketCtor: WebSocket as never });
    const table = endpoint as unknown as Record<string, (...values: unknown[]) => unknown>;
    return { remote: remoteOf(async (method, args) => table[method]?.(...args)), pageErrors: [], close: async () => endpoint.leave() };
  }
  const pageErrors: string[] = [];
  if (runtime === "chromium") {
    if (!chromium) throw new Error("chromium did not launch");
    const page = await chromium.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pageUrl);
    return { remote: remoteOf((method, args) => page.evaluate(callInPage, [method, args] as const)), pageErrors, close: () => page.close() };
  }
  if (!firefox) throw new Error("firefox did not launch");
  const page = await firefox.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(pageUrl);
  return { remote: remoteOf((method, args) => page.evaluate(callInPage, [method, args] as const)), pageErrors, close: () => page.close() };
}

// Every runtime initiates once and answers once; Node's two runtimes also meet each other.
const PAIRS: readonly [RuntimeName, RuntimeName][] = [
  ["node", "chromium"],
  ["chromium", "node-datachannel"],
  ["node-datachannel", "firefox"],
  ["firefox", "node"],
  ["chromium", "firefox"],
  ["firefox", "chromium"],
  ["node-datachannel", "node"],
  ["node", "node-datachannel"],
];

describe("every runtime against the others, through the example signaling server", () => {
  for (const [initiatorName, answererName] of PAIRS) {
    const needsFirefox = initiatorName === "firefox" || answererName === "firefox";
    it.skipIf(needsFirefox && !FIREFOX_PATH)(`${initiatorName} (initiator) to ${answererName} (answerer): connects, chats both ways and moves 4 MiB each way with equal SHA-256`, async () => {
      const [initiator, answerer] = await Promise.all([open(initiatorName), open(answererName)]);
      try {
        const room = `cross-${initiatorName}-${answererName}-${Date.now()}`;
        await Promise.all([initiator.remote.join(signaling.url, room, true), answerer.remote.join(signaling.url, room, false)]);

        await initiator.remote.sendText(`hello from ${initiatorName}`);
        expect(await answerer.remote.nextText("hello from")).toBe(`hello from ${initiatorName}`);
        await answerer.remote.sendText(`hello from ${answererName}`);
        expect(await initiator.remote.nextText("hello from")).toBe(`hello from ${answererName}`);

        const forward = await initiator.remote.sendFile(FILE_SIZE);
        expect(await answerer.remote.receivedFile()).toEqual(forward);
        const back = await answerer.remote.sendFile(FILE_SIZE);
        expect(await initiator.remote.receivedFile()).toEqual(back);
        expect(forward.sha256).not.toBe(back.sha256);

        expect(await initiator.remote.errors()).toEqual([]);
        expect(await answerer.remote.errors()).toEqual([]);
        expect([...initiator.pageErrors, ...answerer.pageErrors]).toEqual([]);

        // The answerer leaving closes the initiator too.
        const initiatorClosed = initiator.remote.closed();
        await answerer.remote.leave();
        await initiatorClosed;
      } finally {
        await Promise.all([initiator.close(), answerer.close()]);
      }
    }, 90_000);
  }
});
