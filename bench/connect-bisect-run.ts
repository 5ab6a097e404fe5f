/**
 * Runs bench/connect-bisect.ts on Node (@roamhq/wrtc) or in headless Chromium:
 *
 *   node --expose-gc --import tsx bench/connect-bisect-run.ts [--runtime=node|chromium] [--pairs=40] [--variants=raw,neg,...,rxpeer,rtco]
 *     [--timeline=1] [--profile=DIR]
 *
 * Variants: see VARIANTS in bench/connect-bisect.ts; "rxpeer" (this checkout), "rxpeer-main" (a copy
 * of main's src/ in bench/.main: git archive main src | tar -x -C bench/.main), "rtco" (@rtco/peer).
 * --timeline=1: per-pair timelines of every signaling step, candidate, state change and
 * channel event, side by side, and the median time of some spans per pair. --profile=DIR
 * (Chromium): the page's CPU profile (DevTools format, sampled every 50 us) written to DIR/page.cpuprofile,
 * and the page's bundle to DIR/page.js: bench/cpuprofile-summary.ts DIR sums it by file and function.
 * On Node, profile with `node --cpu-prof --cpu-prof-dir=DIR --cpu-prof-interval=50 ...` and sum the
 * profile it writes with `bench/cpuprofile-summary.ts DIR/<file>.cpuprofile`.
 */
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { findChromium } from "../scripts/browsers.mjs";
import type { BisectResult } from "./connect-bisect.js";

const option = (name: string, fallback: string): string => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const runtime = option("runtime", "node");
const pairs = Number(option("pairs", "40"));
const names = option("variants", "raw,neg,negAfter,marker,chain,sdp,json,all,rxpeer,rtco").split(",");
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

let results: BisectResult[];
if (runtime === "node") {
  const { default: wrtc } = await import("@roamhq/wrtc");
  const { bisect, instrumented, otherBuilds } = await import("./connect-bisect.js");
  // "rxpeer-main": a copy of another checkout's src/ in bench/.main (git archive main src | tar -x -C bench/.main).
  if (names.includes("rxpeer-main")) otherBuilds["rxpeer-main"] = (await import("./.main/src/index.js" as string)) as never;
  const { rtcoContender, rtcoPeerConnection } = await import("./contenders/rtco.js");
  const { default: RtcoPeer } = await import("@rtco/peer");
  (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = rtcoPeerConnection(wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection);
  const rtco = rtcoContender(RtcoPeer);
  // --timeline=1: the per-pair timelines, as in Chromium (the contenders' connections instrumented).
  const timed = option("timeline", "0") === "1" ? { ...wrtc, RTCPeerConnection: instrumented(wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection) } : wrtc;
  results = await bisect(timed as never, names, pairs, () => rtco.connect() as never);
} else {
  const page = await build({ stdin: { contents: `import { bisect, instrumented, otherBuilds } from "./bench/connect-bisect.ts"; ${names.includes("rxpeer-main") ? `import * as main from "./bench/.main/src/index.ts"; otherBuilds["rxpeer-main"] = main;` : ""} import RtcoPeer from "@rtco/peer"; import { rtcoContender } from "./bench/contenders/rtco.ts"; const rtco = rtcoContender(RtcoPeer); globalThis.runBisect = (names, pairs, timeline) => { if (timeline) globalThis.RTCPeerConnection = instrumented(globalThis.RTCPeerConnection); return bisect(undefined, names, pairs, () => rtco.connect()); };`, resolveDir: root, loader: "ts" }, bundle: true, format: "iife", platform: "browser", target: "es2022", conditions: ["browser"], write: false, logLevel: "warning" });
  const browser = await chromium.launch({ executablePath: (await findChromium()).path, args: ["--no-sandbox", "--disable-background-networking", "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--js-flags=--expose-gc"], headless: true });
  const tab = await browser.newPage();
  tab.on("pageerror", (error) => console.error(error.message));
  await tab.goto("about:blank");
  await tab.addScriptTag({ content: page.outputFiles[0]?.text ?? "" });
  const profile = option("profile", "");
  const cdp = profile ? await tab.context().newCDPSession(tab) : undefined;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
    await cdp.send("Profiler.start");
  }
  results = await tab.evaluate(([n, p, t]) => (globalThis as unknown as { runBisect: (n: string[], p: number, t: boolean) => Promise<BisectResult[]> }).runBisect(n, p, t), [names, pairs, option("timeline", "0") === "1"] as const);
  if (cdp) {
    const { profile: taken } = await cdp.send("Profiler.stop");
    const { writeFileSync, mkdirSync } = await import("node:fs");
    mkdirSync(profile, { recursive: true });
    writeFileSync(join(profile, "page.cpuprofile"), JSON.stringify(taken));
    // The page's bundle, whose "// path" comments bench/cpuprofile-summary.ts maps the profile's lines to files with.
    writeFileSync(join(profile, "page.js"), page.outputFiles[0]?.text ?? "");
  }
  await browser.close();
}
const { summary } = await import("./connect-bisect.js");
console.log(`${runtime}, ${pairs} pairs each\n${summary(results)}`);
process.exit(0);
