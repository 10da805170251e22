// `npm test`: everything that can run on this machine, in order of cost. Build and type-check,
// package the .vsix, run unit + LSP + real-model + package tests and the fault tier, then the end-to-end tier in real VS Code
// (code-server + Chromium) when it is installed (test/e2e/setup installs it; CI always does).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const node = process.execPath;
const statsDir = mkdtempSync(path.join(os.tmpdir(), "pincer-test-"));
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedSteps = [];

function step(name, command, args, options = {}) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(`=== ${name}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`);
  if (!ok) failedSteps.push(name);
  return ok;
}

function mochaTier(name, roots, timeout) {
  const statsFile = path.join(statsDir, `${name.replace(/\W+/g, "-")}.json`);
  step(name, node, ["--import", "tsx", "scripts/run-mocha.mjs", "--stats", statsFile, "--timeout", String(timeout), ...roots]);
  if (existsSync(statsFile)) {
    const stats = JSON.parse(readFileSync(statsFile, "utf8"));
    for (const key of Object.keys(totals)) totals[key] += stats[key];
  } else {
    totals.failed++;
  }
}

try {
  const built = step("build", node, ["scripts/build.mjs"]) && step("typecheck", node, ["node_modules/typescript/bin/tsc", "-b"]);
  const packaged = built && step("package", node, ["scripts/package.mjs"]);
  if (built) mochaTier("unit, LSP and real-model tests", ["server/src", "bench", "test/webview", "test/support", "test/lsp", "test/deploy", "test/real-model", ...(packaged ? ["test/package"] : [])], 60_000);
  // Disk full (a small tmpfs when mounting is allowed, else an injected short-write layer), kills
  // at random points of writes, concurrent writers: about a minute.
  if (built) mochaTier("fault tests", ["test/faults"], 120_000);
  if (packaged) {
    const e2eStats = path.join(statsDir, "e2e.json");
    step("end-to-end tests (code-server + Chromium)", node, ["test/e2e/run.mjs", "--stats", e2eStats]);
    if (existsSync(e2eStats)) {
      const stats = JSON.parse(readFileSync(e2eStats, "utf8"));
      for (const key of Object.keys(totals)) totals[key] += stats[key];
    }
  }
} finally {
  rmSync(statsDir, { recursive: true, force: true });
}

if (failedSteps.length > 0) console.log(`\nFailed steps: ${failedSteps.join(", ")}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = failedSteps.length > 0 || totals.failed > 0 ? 1 : 0;
