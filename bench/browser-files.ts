/**
 * The Chromium file figure (figure "browserFiles" of `npm run bench`, or on its own):
 *
 *   node --import tsx bench/browser-files.ts [MiB]     (default 256)
 *
 * Two pages of the web demo in two-tab mode (examples/web), each in a Chromium of its own
 * so each page's memory is its own browser's renderers, paired through a room: the first
 * makes a Blob of random bytes and sends it with `sendFile`; the second receives it with
 * `receiveFiles` into the Origin Private File System. The resident memory of each
 * browser's renderer processes (found through CDP `SystemInfo.getProcessInfo`) is read
 * from /proc every 50 ms from just before the transfer; it prints each side's peak growth,
 * the throughput, and whether the file in OPFS has the Blob's size and checksum. The Blob's bytes live in the browser's blob store and the received
 * file on disk: what a renderer holds is the pieces in flight, the window and garbage.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { startWebDemo } from "../examples/web/server.js";
import { launchChromium } from "../test/support/chromium.js";

const MiB = 1024 * 1024;
const TRANSFER_TIMEOUT_MS = 600_000;

export interface BrowserFilesResult {
  senderGrowthMiB: number;
  receiverGrowthMiB: number;
  mibPerSecond: number;
  /** The file in the receiving page's OPFS has the Blob's size and checksum. */
  intact: boolean;
}

/**
 * FNV-1a (32-bit) of the Blob sent or of the file received into OPFS, read as a stream in
 * the page after the measurement: a misplaced or changed byte shows, without holding the
 * file in memory (the demo's SHA-256 reads a file whole, so it stops at 64 MiB). Run in the page.
 */
async function checksumInPage(which: "sent" | "received"): Promise<number> {
  const blob =
    which === "sent"
      ? (window as unknown as { benchBlob: Blob }).benchBlob
      : await (await (await (await navigator.storage.getDirectory()).getDirectoryHandle("rxpeer-demo-tab")).getFileHandle("bench.bin")).getFile();
  const reader = blob.stream().getReader();
  let hash = 0x811c9dc5;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash >>> 0;
    for (let i = 0; i < value.length; i++) hash = Math.imul(hash ^ (value[i] ?? 0), 16777619);
  }
}

function rss(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // the process ended
  }
}

/** Samples the summed RSS of a browser's renderer processes until stopped; returns the peak above the start, MiB. */
async function sampleRenderers(browser: Browser): Promise<() => number> {
  const session = await browser.newBrowserCDPSession();
  const { processInfo } = (await session.send("SystemInfo.getProcessInfo")) as { processInfo: { type: string; id: number }[] };
  const pids = processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
  const total = (): number => pids.reduce((sum, pid) => sum + rss(pid), 0);
  const baseline = total();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, total())), 50);
  return () => {
    clearInterval(timer);
    return (Math.max(peak, total()) - baseline) / MiB;
  };
}

async function openTab(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  return page;
}

/** Sends a Blob of `size` random bytes from one page to OPFS in another, each page in its own Chromium. */
export async function measureBrowserFiles(size: number): Promise<BrowserFilesResult> {
  const demo = await startWebDemo({ port: 0 });
  const browsers = await Promise.all([launchChromium(), launchChromium()]);
  try {
    const url = `${demo.url}?room=bench-${process.pid}&tab`;
    const [sendingBrowser, receivingBrowser] = browsers as [Browser, Browser];
    const sender = await openTab(sendingBrowser, url);
    const receiver = await openTab(receivingBrowser, url);
    for (const page of [sender, receiver]) await page.locator("#tab .status[data-state=connected]").waitFor({ timeout: 20_000 });
    // The Blob is made before measuring: its bytes go to the blob store, the pieces made for it are garbage.
    await sender.evaluate((bytes) => {
      const parts: Uint8Array[] = [];
      for (let made = 0; made < bytes; made += 65_536) parts.push(crypto.getRandomValues(new Uint8Array(Math.min(65_536, bytes - made))));
      (window as unknown as { benchBlob: Blob }).benchBlob = new Blob(parts as BlobPart[]);
    }, size);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stops = await Promise.all([sampleRenderers(sendingBrowser), sampleRenderers(receivingBrowser)]);
    const started = performance.now();
    await sender.evaluate(() => {
      const w = window as unknown as { benchBlob: Blob; rxpeerDemo: { sendBlob(blob: Blob, name: string): Promise<void> } };
      return w.rxpeerDemo.sendBlob(w.benchBlob, "bench.bin");
    });
    const item = receiver.locator('#tab .received li[data-name="bench.bin"]');
    await item.waitFor({ timeout: TRANSFER_TIMEOUT_MS });
    const seconds = (performance.now() - started) / 1000;
    const [senderGrowthMiB = Number.NaN, receiverGrowthMiB = Number.NaN] = stops.map((stop) => stop());
    const received = Number(await item.getAttribute("data-size"));
    const [sent, arrived] = await Promise.all([sender.evaluate(checksumInPage, "sent" as const), receiver.evaluate(checksumInPage, "received" as const)]);
    return { senderGrowthMiB, receiverGrowthMiB, mibPerSecond: size / MiB / seconds, intact: received === size && sent === arrived };
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
    await demo.close();
  }
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 256) * MiB;
  const result = await measureBrowserFiles(size);
  console.log(`chromium: ${size / MiB} MiB Blob -> OPFS in another page: ${result.mibPerSecond.toFixed(1)} MiB/s, ${result.intact ? "every byte arrived (size and checksum equal)" : "the file in OPFS DIFFERS from the Blob"}`);
  console.log(`peak renderer RSS growth: sending page ${result.senderGrowthMiB.toFixed(1)} MiB, receiving page ${result.receiverGrowthMiB.toFixed(1)} MiB`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
