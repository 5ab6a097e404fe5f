#!/usr/bin/env node
// `npm test`: runs the Node suite (vitest, @roamhq/wrtc) and the browser suite
// (Karma, headless Chromium), then prints one line `N passed, N failed` summing both.
// Fails when either runner fails or when either runs no test at all.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const outDir = join(process.cwd(), "node_modules", ".rxpeer-test");
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const vitestReport = join(outDir, "vitest.json");
const karmaReport = join(outDir, "karma.json");

function run(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function readJson(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

const chromium = process.env.CHROME_BIN || ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const suites = [];

const vitestStatus = run("node (vitest)", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestReport}`]);
const vitest = readJson(vitestReport);
suites.push({
  name: "node",
  status: vitestStatus,
  passed: vitest?.numPassedTests ?? 0,
  // A file that fails to load has no test results of its own: count it as one failure.
  failed: vitest
    ? vitest.numFailedTests + vitest.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length
    : 1,
});

const karmaStatus = chromium
  ? run("chromium (karma)", "npx", ["karma", "start", "karma.conf.cjs"], { CHROME_BIN: chromium, RXPEER_KARMA_SUMMARY: karmaReport })
  : (console.error("no Chromium found: set CHROME_BIN or install chromium"), 1);
const karma = readJson(karmaReport);
suites.push({ name: "chromium", status: karmaStatus, passed: karma?.passed ?? 0, failed: (karma?.failed ?? 0) + (karma ? 0 : 1) });

let ok = true;
for (const suite of suites) {
  console.log(`${suite.name}: ${suite.passed} passed, ${suite.failed} failed (exit ${suite.status})`);
  if (suite.status !== 0 || suite.failed > 0) ok = false;
  if (suite.passed === 0) {
    console.error(`${suite.name}: ran no test`);
    ok = false;
  }
}
const passed = suites.reduce((sum, s) => sum + s.passed, 0);
const failed = suites.reduce((sum, s) => sum + s.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
