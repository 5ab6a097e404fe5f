#!/usr/bin/env node
// `npm test`: every runtime rxpeer is tested on, one after the other:
//   node              vitest, @roamhq/wrtc (Node-only tests + the behaviour suite)
//   node-datachannel  vitest, node-datachannel's polyfill (the behaviour suite's data specs)
//   chromium          Karma, headless Chromium (behaviour suite + browser specs)
//   firefox           Karma, headless Firefox (the same), where Firefox is installed
// then one line per runtime `name: N passed, N failed` and, last, the total `N passed, N failed`.
// Fails when a runner fails, or when a suite that ran executed no test at all.
// Browser binaries come from scripts/browsers.mjs, which says where each one came from.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { findChromium, findFirefox } from "./browsers.mjs";

const outDir = join(process.cwd(), "node_modules", ".rxpeer-test");
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

function run(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

const chromium = await findChromium();
const firefox = findFirefox();
console.log(`chromium: ${chromium.path} (${chromium.source}), for Karma and the Playwright-driven tests`);
console.log(firefox ? `firefox: ${firefox.path} (${firefox.source}), for Karma` : "firefox: not installed, skipped");
// Every child (vitest's Playwright tests included) uses the same binaries.
const browserEnv = { CHROME_BIN: chromium.path, ...(firefox ? { FIREFOX_BIN: firefox.path } : {}) };

function vitestSuite(name, configArgs) {
  const report = join(outDir, `${name}.json`);
  const status = run(`${name} (vitest)`, "npx", ["vitest", "run", ...configArgs, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], browserEnv);
  const results = readJson(report);
  return {
    name,
    status,
    passed: results?.numPassedTests ?? 0,
    skipped: results?.numPendingTests ?? 0,
    // A file that fails to load has no test results of its own: count it as one failure.
    failed: results
      ? results.numFailedTests + results.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length
      : 1,
  };
}

function karmaSuite(name) {
  const report = join(outDir, `karma-${name}.json`);
  const status = run(`${name} (karma)`, "npx", ["karma", "start", "karma.conf.cjs"], { ...browserEnv, RXPEER_KARMA_BROWSER: name, RXPEER_KARMA_SUMMARY: report });
  const results = readJson(report);
  return { name, status, passed: results?.passed ?? 0, skipped: results?.skipped ?? 0, failed: (results?.failed ?? 0) + (results ? 0 : 1) };
}

const suites = [
  vitestSuite("node", []),
  vitestSuite("node-datachannel", ["--config", "vitest.node-datachannel.config.ts"]),
  karmaSuite("chromium"),
  ...(firefox ? [karmaSuite("firefox")] : []),
];

console.log("");
let ok = true;
for (const suite of suites) {
  const skipped = suite.skipped > 0 ? ` (${suite.skipped} skipped, not counted)` : "";
  console.log(`${suite.name}: ${suite.passed} passed, ${suite.failed} failed${skipped}`);
  if (suite.status !== 0) console.error(`${suite.name}: runner exited with ${suite.status}`);
  if (suite.status !== 0 || suite.failed > 0) ok = false;
  if (suite.passed === 0) {
    console.error(`${suite.name}: ran no test`);
    ok = false;
  }
}
if (!firefox) console.error("firefox: not installed, skipped");
const passed = suites.reduce((sum, s) => sum + s.passed, 0);
const failed = suites.reduce((sum, s) => sum + s.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
