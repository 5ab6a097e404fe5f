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
    return { ...figures, retainers: figures.reachable.flatMap((label, i) => (paths[i] ?? paths[0] ?? []).map((path) => `${label}: ${path}`)) };
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
