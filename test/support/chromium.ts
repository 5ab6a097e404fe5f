// Headless Chromium for the Node tests that drive a page (cross-runtime, demo:web), through
// playwright-core and the system's Chromium: CHROME_BIN, else /usr/bin/chromium.
import { chromium, type Browser } from "playwright-core";
import chromiumFlags from "./chromium-flags.json";

export const CHROMIUM_PATH = process.env.CHROME_BIN || "/usr/bin/chromium";

/**
 * No sandbox (Chromium run as root needs that), a fake camera and microphone, no background
 * traffic. One list, shared with karma.conf.cjs.
 */
export const CHROMIUM_ARGS: readonly string[] = chromiumFlags;

/** Launches headless Chromium; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}
