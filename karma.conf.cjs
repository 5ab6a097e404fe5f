// Browser half of the suite: the behaviour specs (test/behaviour) and browser-only
// specs (test/browser) run in a headless browser on its native WebRTC: Chromium, or
// Firefox with RXPEER_KARMA_BROWSER=firefox. scripts/browsers.mjs picks the binary
// (CHROME_BIN / FIREFOX_BIN, the system's, else Chromium from @sparticuz/chromium).
// Specs are bundled here with esbuild rather than a Karma preprocessor, so a spec
// that fails to resolve breaks the run instead of silently running nothing.
const path = require("node:path");
const fs = require("node:fs");
const esbuild = require("esbuild");

const root = __dirname;
const outDir = path.join(root, "node_modules", ".karma");
const bundle = path.join(outDir, "specs.js");
const summaryFile = process.env.RXPEER_KARMA_SUMMARY || path.join(outDir, "summary.json");

function findSpecs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findSpecs(full);
    return entry.name.endsWith(".spec.ts") ? [full] : [];
  });
}

// RXPEER_KARMA_SPECS, a regular expression, keeps only the spec files whose path matches it (for a run by hand).
const only = process.env.RXPEER_KARMA_SPECS ? new RegExp(process.env.RXPEER_KARMA_SPECS) : undefined;
const specs = [...findSpecs(path.join(root, "test", "behaviour")), ...findSpecs(path.join(root, "test", "browser"))].filter(
  (file) => !only || only.test(file),
);
if (specs.length === 0) throw new Error(`karma: no spec files found under test/behaviour or test/browser${only ? ` matching ${only}` : ""}`);
fs.mkdirSync(outDir, { recursive: true });
esbuild.buildSync({
  stdin: {
    contents: specs.map((file) => `import ${JSON.stringify("./" + path.relative(root, file).split(path.sep).join("/"))};`).join("\n"),
    resolveDir: root,
    sourcefile: "karma-specs.ts",
    loader: "ts",
  },
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  conditions: ["browser"],
  sourcemap: "inline",
  outfile: bundle,
  define: { "process.env.NODE_ENV": '"test"' },
  logLevel: "warning",
  // package.json says sideEffects: false for users; specs are nothing but side effects.
  ignoreAnnotations: true,
});

// Writes pass/fail counts for scripts/test.mjs to add up with vitest's.
function SummaryReporter(baseReporterDecorator) {
  baseReporterDecorator(this);
  const counts = { passed: 0, failed: 0, skipped: 0 };
  this.onSpecComplete = (_browser, result) => {
    if (result.skipped) counts.skipped++;
    else if (result.success) counts.passed++;
    else counts.failed++;
  };
  this.onRunComplete = (_browsers, results) => {
    if (results.error) counts.failed++;
    fs.writeFileSync(summaryFile, JSON.stringify(counts));
  };
}
SummaryReporter.$inject = ["baseReporterDecorator"];

// Firefox's fake camera and microphone, granted without a prompt. Karma's page is served
// from localhost, a secure context, so navigator.mediaDevices exists there.
const FIREFOX_PREFS = {
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,
  "media.autoplay.default": 0,
  "media.autoplay.blocking_policy": 0,
};

async function browserLauncher(name) {
  const { findChromium, findFirefox } = await import("./scripts/browsers.mjs");
  if (name === "firefox") {
    const firefox = findFirefox();
    if (!firefox) throw new Error("karma: no Firefox found (set FIREFOX_BIN or install firefox-esr)");
    process.env.FIREFOX_BIN = firefox.path;
    console.log(`firefox (karma): ${firefox.path} (${firefox.source})`);
    return { FirefoxHeadlessRxpeer: { base: "FirefoxHeadless", prefs: FIREFOX_PREFS } };
  }
  if (name !== "chromium") throw new Error(`karma: RXPEER_KARMA_BROWSER must be chromium or firefox, not ${name}`);
  const chromium = await findChromium();
  process.env.CHROME_BIN = chromium.path;
  console.log(`chromium (karma): ${chromium.path} (${chromium.source})`);
  return {
    ChromeHeadlessRxpeer: {
      base: "ChromeHeadless",
      // The same flags as the Playwright-driven tests (test/support/chromium.ts), plus autoplay.
      flags: [...require("./test/support/chromium-flags.json"), "--autoplay-policy=no-user-gesture-required"],
    },
  };
}

module.exports = async (config) => {
  const customLaunchers = await browserLauncher(process.env.RXPEER_KARMA_BROWSER || "chromium");
  config.set({
    basePath: root,
    frameworks: ["mocha"],
    files: [{ pattern: bundle, watched: false }],
    plugins: ["karma-mocha", "karma-chrome-launcher", "karma-firefox-launcher", { "reporter:summary": ["type", SummaryReporter] }],
    reporters: ["dots", "summary"],
    browsers: Object.keys(customLaunchers),
    customLaunchers,
    client: { mocha: { timeout: 30000 }, captureConsole: false },
    failOnEmptyTestSuite: true,
    browserNoActivityTimeout: 120000,
    browserDisconnectTimeout: 10000,
    captureTimeout: 60000,
    singleRun: true,
    concurrency: 1,
  });
};
