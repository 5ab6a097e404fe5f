// Which browser binaries the tests use, decided in one place for scripts/test.mjs,
// karma.conf.cjs, the Playwright-driven tests and the bench.
//
// Chromium: CHROME_BIN, else a system Chromium, else the one inside @sparticuz/chromium
// (a registry package, so `npm install && npm test` works with no browser installed).
// Firefox: FIREFOX_BIN, else a system Firefox (ESR or stable), else none.
//
// RXPEER_IGNORE_SYSTEM_BROWSERS=1 pretends no browser is installed (CHROME_BIN,
// FIREFOX_BIN and the system paths are all ignored): the way to try the fresh-machine
// path here without uninstalling anything.
import { existsSync } from "node:fs";

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const SYSTEM_FIREFOX = ["/usr/bin/firefox-esr", "/usr/bin/firefox"];

const ignoreSystem = () => process.env.RXPEER_IGNORE_SYSTEM_BROWSERS === "1";

/**
 * The Chromium to run, and where it came from.
 * @returns {Promise<{ path: string, source: string }>}
 */
export async function findChromium() {
  if (!ignoreSystem()) {
    if (process.env.CHROME_BIN) return { path: process.env.CHROME_BIN, source: "CHROME_BIN" };
    const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
    if (system) return { path: system, source: "system" };
  }
  const { default: packaged } = await import("@sparticuz/chromium");
  return { path: await packaged.executablePath(), source: "@sparticuz/chromium" };
}

/**
 * The Firefox to run, or undefined where none is installed.
 * @returns {{ path: string, source: string } | undefined}
 */
export function findFirefox() {
  if (ignoreSystem()) return undefined;
  if (process.env.FIREFOX_BIN) return { path: process.env.FIREFOX_BIN, source: "FIREFOX_BIN" };
  const system = SYSTEM_FIREFOX.find((path) => existsSync(path));
  return system ? { path: system, source: "system" } : undefined;
}
