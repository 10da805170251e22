// Runs mocha programmatically so the caller gets the pass/fail/skip counts.
// Usage: node --import tsx scripts/run-mocha.mjs --stats FILE [--timeout MS] DIR_OR_FILE...
// Directories are searched for *.test.ts / *.test.mjs.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Mocha from "mocha";

const args = process.argv.slice(2);
let statsFile;
let timeout = 30_000;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--stats") statsFile = args[++i];
  else if (args[i] === "--timeout") timeout = Number(args[++i]);
  else roots.push(args[i]);
}

function collect(entry, out) {
  if (statSync(entry).isDirectory()) {
    for (const child of readdirSync(entry).sort()) {
      if (child === "node_modules") continue;
      collect(path.join(entry, child), out);
    }
  } else if (/\.test\.(ts|mjs)$/.test(entry)) out.push(path.resolve(entry));
  return out;
}

// Tests never write into the person's cache (OCR language links, calibrations, indexes): a
// temporary one for this run, inherited by every server and CLI the tests start.
let testCache;
if (!process.env.PINCER_CACHE_DIR) {
  testCache = mkdtempSync(path.join(os.tmpdir(), "pincer-test-cache-"));
  process.env.PINCER_CACHE_DIR = testCache;
  process.on("exit", () => rmSync(testCache, { recursive: true, force: true }));
}

const mocha = new Mocha({ timeout, reporter: "spec" });
for (const root of roots) for (const file of collect(root, [])) mocha.addFile(file);
await mocha.loadFilesAsync();
const runner = mocha.run((failures) => {
  const { passes, failures: failed, pending } = runner.stats;
  if (statsFile) writeFileSync(statsFile, JSON.stringify({ passed: passes, failed, skipped: pending }));
  process.exitCode = failures > 0 ? 1 : 0;
});
