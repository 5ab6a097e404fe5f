// `npm run demo:web` end to end: the command's server, driven in headless Chromium with
// its fake camera. In the page, alice and bob connect through the signaling server; chat
// goes through both ways, each camera plays on the other side, and a file picked on
// alice's side arrives at bob's with the same size and SHA-256.
// With RXPEER_UPDATE_SCREENSHOT=1 it also saves docs/demo-web.png (npm run docs:screenshot).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";

const FILE_SIZE = 3 * 1024 * 1024;

let server: ChildProcess;
let exited: Promise<number | null>;
let pageUrl: string;
let tabUrl: string;
let browser: Browser;

/** The demo:web script from package.json, run as its own process so SIGTERM reaches it directly (npm does not forward it). */
function startDemoProcess(): ChildProcess {
  const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = (scripts["demo:web"] ?? "").split(" ");
  if (command !== "node") throw new Error(`demo:web is expected to run node, it runs: ${scripts["demo:web"]}`);
  return spawn(command, args, { env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
}

beforeAll(async () => {
  server = startDemoProcess();
  exited = new Promise((resolve) => server.once("exit", (code) => resolve(code)));
  let output = "";
  const launched = launchChromium();
  pageUrl = await new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer): void => {
      output += data.toString();
      const url = /open (http:\/\/\S+)/.exec(output)?.[1];
      const tabs = /pair two tabs: open (http:\/\/\S+)/.exec(output)?.[1];
      if (url && tabs) {
        tabUrl = tabs;
        resolve(url);
      }
    };
    server.stdout?.on("data", onData);
    server.stderr?.on("data", onData);
    void exited.then((code) => reject(new Error(`demo:web exited with ${code} before serving:\n${output}`)));
  });
  browser = await launched;
});

afterAll(async () => {
  await browser?.close();
  if (server?.exitCode === null) server.kill("SIGTERM");
  await exited;
});

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Resolves once the remote <video> of `pane` has a picture and its time moves on. */
async function videoPlays(page: Page, pane: string): Promise<{ width: number; height: number }> {
  const selector = `#${pane} video.remote`;
  await page.waitForFunction((s) => (document.querySelector<HTMLVideoElement>(s)?.videoWidth ?? 0) > 0, selector, { timeout: 15_000 });
  const before = await page.$eval(selector, (video: HTMLVideoElement) => video.currentTime);
  await page.waitForFunction(([s, t]) => (document.querySelector<HTMLVideoElement>(s as string)?.currentTime ?? 0) > (t as number) + 0.2, [selector, before] as const, {
    timeout: 15_000,
  });
  return page.$eval(selector, (video: HTMLVideoElement) => ({ width: video.videoWidth, height: video.videoHeight }));
}

describe("npm run demo:web", () => {
  it("connects two panes: chat, camera both ways and a file arrive intact", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    try {
      await page.goto(pageUrl);
      await page.locator("#alice .status[data-state=connected]").waitFor({ timeout: 15_000 });
      await page.locator("#bob .status[data-state=connected]").waitFor({ timeout: 15_000 });

      // Chat, both ways.
      await page.fill("#alice .message", "hi bob, this is alice");
      await page.press("#alice .message", "Enter");
      await page.locator("#bob .log li.them", { hasText: "hi bob, this is alice" }).waitFor({ timeout: 10_000 });
      await page.fill("#bob .message", "hello alice!");
      await page.click("#bob .chat button");
      await page.locator("#alice .log li.them", { hasText: "hello alice!" }).waitFor({ timeout: 10_000 });

      // Cameras (Chromium's fake device), each shown on the other side.
      await page.click("#alice .camera");
      await page.click("#bob .camera");
      const [atBob, atAlice] = await Promise.all([videoPlays(page, "bob"), videoPlays(page, "alice")]);
      expect(atBob.width).toBeGreaterThan(0);
      expect(atAlice.width).toBeGreaterThan(0);

      // A file from alice to bob, compared by size and SHA-256 as bob's page shows them.
      const bytes = new Uint8Array(randomBytes(FILE_SIZE));
      await page.setInputFiles("#alice .file", { name: "random.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
      const received = page.locator('#bob .received li[data-name="random.bin"]');
      await received.waitFor({ timeout: 20_000 });
      expect(await received.getAttribute("data-size")).toBe(String(FILE_SIZE));
      expect(await received.getAttribute("data-sha256")).toBe(sha256(bytes));
      await page.locator("#alice .transfer-label", { hasText: "Sent random.bin" }).waitFor({ timeout: 10_000 });
      expect(await page.locator("#alice progress").evaluate((bar: HTMLProgressElement) => bar.value)).toBe(1);

      if (process.env.RXPEER_UPDATE_SCREENSHOT) await page.screenshot({ path: "docs/demo-web.png" });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it("cancels a file from either side: the other side is told, and a file after it arrives", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    try {
      await page.goto(pageUrl);
      await page.locator("#alice .status[data-state=connected]").waitFor({ timeout: 15_000 });
      await page.locator("#bob .status[data-state=connected]").waitFor({ timeout: 15_000 });
      const big = { mimeType: "application/octet-stream", buffer: Buffer.alloc(32 * 1024 * 1024, 7) };

      // Bob cancels while receiving: alice's sendFile errors with the receiver's cancel.
      await page.setInputFiles("#alice .file", { name: "first.bin", ...big });
      await page.locator("#bob .cancel:not([hidden])").click({ timeout: 10_000 });
      await page.locator("#alice .transfer-label", { hasText: /Sending first\.bin stopped: the receiver cancelled/ }).waitFor({ timeout: 10_000 });
      await page.locator("#bob .transfer-label", { hasText: "Receiving first.bin stopped: cancelled" }).waitFor({ timeout: 10_000 });

      // Alice cancels while sending: bob's stream errors with the sender's abort.
      await page.setInputFiles("#alice .file", { name: "second.bin", ...big });
      await page.locator("#alice .cancel:not([hidden])").click({ timeout: 10_000 });
      await page.locator("#alice .transfer-label", { hasText: "Sending second.bin cancelled" }).waitFor({ timeout: 10_000 });
      await page.locator("#bob .transfer-label", { hasText: /Receiving second\.bin stopped: the sender aborted/ }).waitFor({ timeout: 10_000 });

      // Neither left anything behind: a small file goes through whole.
      const bytes = new Uint8Array(randomBytes(100_000));
      await page.setInputFiles("#alice .file", { name: "third.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
      const received = page.locator('#bob .received li[data-name="third.bin"]');
      await received.waitFor({ timeout: 20_000 });
      expect(await received.getAttribute("data-sha256")).toBe(sha256(bytes));
      expect(await page.locator('#bob .received li[data-name="first.bin"], #bob .received li[data-name="second.bin"]').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it("pairs two tabs opened on the room URL it prints: chat and a file between them", async () => {
    expect(tabUrl).toMatch(/\?room=tabs-[a-z0-9]+&tab$/);
    const context = await browser.newContext();
    const problems: string[] = [];
    try {
      const [first, second] = [await context.newPage(), await context.newPage()];
      for (const page of [first, second]) page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await first.goto(tabUrl);
      await first.locator("#tab .status", { hasText: "waiting for the other tab" }).waitFor({ timeout: 10_000 });
      await second.goto(tabUrl);
      await first.locator("#tab .status[data-state=connected]").waitFor({ timeout: 15_000 });
      await second.locator("#tab .status[data-state=connected]").waitFor({ timeout: 15_000 });
      expect(await first.locator(".pane").count()).toBe(1);

      await first.fill("#tab .message", "hello from the first tab");
      await first.press("#tab .message", "Enter");
      await second.locator("#tab .log li.them", { hasText: "hello from the first tab" }).waitFor({ timeout: 10_000 });

      const bytes = new Uint8Array(randomBytes(500_000));
      await second.setInputFiles("#tab .file", { name: "from-second.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
      const received = first.locator('#tab .received li[data-name="from-second.bin"]');
      await received.waitFor({ timeout: 20_000 });
      expect(await received.getAttribute("data-sha256")).toBe(sha256(bytes));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("shuts down cleanly on SIGTERM", async () => {
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
