// Headless Firefox for the Node tests and the bench that drive a page, through puppeteer-core
// over WebDriver BiDi (stock Firefox; Playwright would need its own patched build).
// The binary comes from scripts/browsers.mjs: FIREFOX_BIN, else the system's; none means skip.
import puppeteer, { type Browser } from "puppeteer-core";
import { findFirefox } from "../../scripts/browsers.mjs";

/** The Firefox binary, or undefined where none is installed (tests then skip, loudly). */
export const FIREFOX_PATH: string | undefined = findFirefox()?.path;

/** Fake camera and microphone, granted without a prompt (the same prefs as karma.conf.cjs). */
export const FIREFOX_PREFS: Readonly<Record<string, boolean | number>> = {
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
};

/** Launches headless Firefox; the caller closes it. Throws where Firefox is not installed. */
export async function launchFirefox(): Promise<Browser> {
  if (!FIREFOX_PATH) throw new Error("firefox: not installed");
  console.log(`firefox (puppeteer): ${FIREFOX_PATH}`);
  return puppeteer.launch({ browser: "firefox", executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: { ...FIREFOX_PREFS } });
}
