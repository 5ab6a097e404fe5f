// Browser half of the suite: the behaviour specs (test/behaviour) and browser-only
// specs (test/browser) run in headless Chromium on its native WebRTC.
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

const specs = [...findSpecs(path.join(root, "test", "behaviour")), ...findSpecs(path.join(root, "test", "browser"))];
if (specs.length === 0) throw new Error("karma: no spec files found under test/behaviour or test/browser");
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

module.exports = (config) => {
  config.set({
    basePath: root,
    frameworks: ["mocha"],
    files: [{ pattern: bundle, watched: false }],
    plugins: ["karma-mocha", "karma-chrome-launcher", { "reporter:summary": ["type", SummaryReporter] }],
    reporters: ["dots", "summary"],
    browsers: ["ChromeHeadlessRxpeer"],
    customLaunchers: {
      ChromeHeadlessRxpeer: {
        base: "ChromeHeadless",
        // The same flags as the Playwright-driven tests (test/support/chromium.ts), plus autoplay.
        flags: [...require("./test/support/chromium-flags.json"), "--autoplay-policy=no-user-gesture-required"],
      },
    },
    client: { mocha: { timeout: 30000 }, captureConsole: false },
    failOnEmptyTestSuite: true,
    browserNoActivityTimeout: 120000,
    browserDisconnectTimeout: 10000,
    captureTimeout: 60000,
    singleRun: true,
    concurrency: 1,
  });
};
