/**
 * Runs tasks in headless Chromium (the one scripts/browsers.mjs finds) through
 * playwright-core, or in headless Firefox through puppeteer-core: the page bundle
 * (bench/browser-page.ts, by esbuild) and simple-peer's browser build are served from
 * 127.0.0.1, and each task runs in that one page.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { launchFirefox } from "../test/support/firefox.js";
import { findChromium } from "../scripts/browsers.mjs";
import type { Watermarks } from "./contenders/raw.js";
import type { BenchPage } from "./browser-page.js";
import type { Sample, Task } from "./tasks.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Flags for headless Chromium as root on these machines (see ENVIRONMENT.md). */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-renderer-backgrounding", "--disable-background-timer-throttling"];

export interface BrowserBench {
  version: string;
  run(task: Task, marks?: Watermarks): Promise<Sample[]>;
  close(): Promise<void>;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, "bench", "browser-page.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    conditions: ["browser"],
    minify: false,
    write: false,
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no bench bundle");
  return output.text;
}

// A cross-origin isolated page gets performance.now() at 5 us instead of 100 us: ping-pong needs it.
const ISOLATION = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };

function serve(files: Record<string, { type: string; body: string }>): Promise<Server> {
  const server = createServer((request, response) => {
    const file = files[request.url ?? ""];
    if (!file) {
      response.writeHead(request.url === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    response.writeHead(200, { "content-type": file.type, ...ISOLATION }).end(file.body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A page that runs bench tasks, whichever browser drives it. */
interface DrivenPage {
  version: string;
  /** Runs `runTask` in the page. */
  run(task: Task, marks: Watermarks | null): Promise<Sample[]>;
  isolated(): Promise<boolean>;
  close(): Promise<void>;
}

// Sent to the page as source: it may use nothing from this file.
function runInPage([task, marks]: readonly [Task, Watermarks | null]): Promise<Sample[]> {
  return (globalThis as unknown as { rxpeerBench: BenchPage }).rxpeerBench.runTask(task, marks ?? undefined);
}

function waitForBench(): boolean {
  return "rxpeerBench" in globalThis;
}

/** What bench needs of a page, which Playwright's and Puppeteer's pages both offer. */
interface ScriptablePage {
  goto(url: string): Promise<unknown>;
  waitForFunction(predicate: () => boolean): Promise<unknown>;
  evaluate(fn: typeof runInPage, arg: readonly [Task, Watermarks | null]): Promise<Sample[]>;
  evaluate(fn: () => boolean): Promise<boolean>;
}

/** A launched browser, whichever library drove it. */
interface LaunchedBrowser {
  newPage(): Promise<ScriptablePage>;
  version: string;
  close(): Promise<void>;
}

/** Opens `url` in a new page of `browser` and waits for the bench to load; closes the browser if that fails. */
async function drive(browser: LaunchedBrowser, url: string): Promise<DrivenPage> {
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(waitForBench);
    return {
      version: browser.version,
      run: (task, marks) => page.evaluate(runInPage, [task, marks] as const),
      isolated: () => page.evaluate(() => globalThis.crossOriginIsolated),
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

async function openChromium(url: string, report: (line: string) => void): Promise<DrivenPage> {
  const browser: Browser = await chromium.launch({ executablePath: (await findChromium()).path, args: [...CHROMIUM_ARGS, "--js-flags=--expose-gc"], headless: true });
  const newPage = async (): Promise<ScriptablePage> => {
    const page = await browser.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") report(message.text());
    });
    page.on("pageerror", (error) => report(error.message));
    return page;
  };
  return drive({ newPage, version: browser.version(), close: () => browser.close() }, url);
}

async function openFirefox(url: string, report: (line: string) => void): Promise<DrivenPage> {
  const browser = await launchFirefox();
  const version = await browser.version().catch(async (err: unknown) => {
    await browser.close();
    throw err;
  });
  const newPage = async (): Promise<ScriptablePage> => {
    const page = await browser.newPage();
    page.on("pageerror", (error) => report(String(error)));
    return page;
  };
  return drive({ newPage, version: version.replace(/^firefox\//, ""), close: () => browser.close() }, url);
}

/** Starts the browser on a page holding every contender. */
export async function openBrowserBench(name: "chromium" | "firefox" = "chromium"): Promise<BrowserBench> {
  const files = {
    "/": { type: "text/html", body: '<!doctype html><meta charset="utf-8"><title>rxpeer bench</title><script src="/simplepeer.min.js"></script><script src="/bench.js"></script>' },
    "/bench.js": { type: "text/javascript", body: await bundle() },
    "/simplepeer.min.js": { type: "text/javascript", body: readFileSync(join(root, "node_modules", "simple-peer", "simplepeer.min.js"), "utf8") },
  };
  const server = await serve(files);
  const { port } = server.address() as AddressInfo;
  const report = (line: string): void => console.error(`[${name}] ${line}`);
  try {
    const page = await (name === "chromium" ? openChromium : openFirefox)(`http://127.0.0.1:${port}/`, report);
    if (!(await page.isolated())) report("page is not cross-origin isolated: timers are coarse (100 us)");
    return {
      version: page.version,
      run: (task, marks) => page.run(task, marks ?? null),
      close: async () => {
        await page.close();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  } catch (err) {
    server.close();
    throw err;
  }
}
