// Runs the pair soak (test/support/pair-soak.ts) in headless Chromium from a Node test,
// through playwright-core: Chromium gets --js-flags=--expose-gc (so the page can collect
// garbage and check WeakRefs), and the page reads its heap over CDP (Runtime.getHeapUsage).
// Whatever stays reachable is looked up in a heap snapshot: the figures say what holds it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { PairSoakFigures } from "./pair-soak.js";
import { launchChromium } from "./chromium.js";
import { retainerPaths } from "./heap-retainers.js";

/**
 * Whether what kept `label` reachable is Chromium's own leak (docs/runtimes.md, "a closed
 * connection it can keep for good"): a connection whose every retainer path starts at one of
 * Blink's scheduled state-change callbacks, held by a C++ persistent handle. Anything held from
 * JavaScript, or with no path found, is not.
 *
 * @example
 * ```ts
 * keptByChromium("8: initiator's connection", ["native RTCPeerConnection @7 <-[internal void blink::RTCPeerConnection::ChangePeerConnectionState(...)@rtc_peer_connection.cc:3114]- synthetic C++ Persistent roots @9 <-[[29]]- synthetic (GC roots) @3"]); // true
 * ```
 */
export function keptByChromium(label: string, paths: readonly string[]): boolean {
  const scheduledChange = /^native RTCPeerConnection(?: @\d+)? <-\[internal [^\]]*\bblink::RTCPeerConnection::Change\w+State\([^\]]*\]- synthetic C\+\+ Persistent roots\b/;
  return label.endsWith("connection") && paths.length > 0 && paths.every((path) => scheduledChange.test(path));
}

/**
 * What the soak left reachable that is rxpeer's to answer for: all of it but what Chromium
 * itself keeps ({@link keptByChromium}), which is logged as a figure instead.
 *
 * @example
 * ```ts
 * expect(leftByRxpeer(await soakPairsInChromium(10))).toEqual([]);
 * ```
 */
export function leftByRxpeer(figures: PairSoakFigures): string[] {
  const kept = figures.keptByChromium ?? [];
  if (kept.length > 0) console.log(`[figure] kept by Chromium itself (docs/runtimes.md): ${kept.join(", ")}`);
  return figures.reachable.filter((label) => !kept.includes(label));
}

/** Soaks `pairs` pairs in a fresh headless Chromium and returns the page's figures, with the retainers of anything left reachable. */
export async function soakPairsInChromium(pairs: number, samples = 10): Promise<PairSoakFigures> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./pair-soak-page.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "iife",
    conditions: ["browser"],
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const server = createServer((request, response) => {
    if (request.url === "/soak.js") response.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else response.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>rxpeer pair soak</title><script src="/soak.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const browser = await launchChromium(["--js-flags=--expose-gc"]);
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await page.exposeFunction("heapUsage", async () => ((await cdp.send("Runtime.getHeapUsage")) as { usedSize: number }).usedSize);
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const figures = await page.evaluate(([n, s]) => window.pairSoak(n, s), [pairs, samples] as const);
    if (pageErrors.length > 0) throw new Error(`errors in the page: ${pageErrors.join("; ")}`);
    if (figures.reachable.length === 0) return figures;
    // A snapshot that fails must not hide what the soak found: the figures say why there are no paths.
    const paths = await retainerPaths(cdp, figures.reachable.map((_, i) => `window.pairSoakLeft[${i}].ref.deref()`)).catch((error: unknown) => [[`(no heap snapshot: ${String(error)})`]]);
    const pathsOf = (i: number): string[] => paths[i] ?? paths[0] ?? [];
    return {
      ...figures,
      retainers: figures.reachable.flatMap((label, i) => pathsOf(i).map((path) => `${label}: ${path}`)),
      keptByChromium: figures.reachable.filter((label, i) => keptByChromium(label, pathsOf(i))),
    };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
