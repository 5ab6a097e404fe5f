// Headless Chromium for the Node tests that drive a page (cross-runtime, demo:web), through
// playwright-core: CHROME_BIN, else the system's Chromium, else the one inside
// @sparticuz/chromium (scripts/browsers.mjs decides, for every suite alike).
import { chromium, type Browser } from "playwright-core";
import { findChromium } from "../../scripts/browsers.mjs";
import chromiumFlags from "./chromium-flags.json";

/**
 * No sandbox (Chromium run as root needs that), a fake camera and microphone, no background
 * traffic. One list, shared with karma.conf.cjs.
 */
export const CHROMIUM_ARGS: readonly string[] = chromiumFlags;

let announced = false;

/** The Chromium binary to launch; says once per process which one it is. */
export async function chromiumPath(): Promise<string> {
  const found = await findChromium();
  if (!announced) {
    announced = true;
    console.log(`chromium (playwright): ${found.path} (${found.source})`);
  }
  return found.path;
}

/** Launches headless Chromium; the caller closes it. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}
