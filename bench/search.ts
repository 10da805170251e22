// bench/search: what the JS search_text pays for running the model's regex in a worker thread with a
// time budget (the ReDoS fix), against matching on the main thread as before, on generated files;
// plus the worker's start-up, and how long the reported catastrophic regex takes to be stopped.
// Usage: node --import tsx bench/search.ts [--files N (default 2000)] [--runs N (default 7)]
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { withRegexWorker } from "../server/src/agent/tools/regex-worker";
import { searchTextTool } from "../server/src/agent/tools/search-tools";
import { walk } from "../server/src/agent/tools/tool-support";
import type { ToolContext } from "../server/src/agent/tool-types";
import { WorkspaceRoots } from "../server/src/platform/workspace-paths";

const { values } = parseArgs({ options: { files: { type: "string", default: "2000" }, runs: { type: "string", default: "7" } } });
const fileCount = Number(values.files);
const runs = Number(values.runs);
const ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-bench-search-")));
const perFolder = 100;
for (let f = 0; f < fileCount; f++) {
  const folder = path.join(ws, `d${Math.floor(f / perFolder)}`);
  if (f % perFolder === 0) await fs.mkdir(folder);
  await fs.writeFile(path.join(folder, `f${f % perFolder}.ts`), Array.from({ length: 200 }, (_, i) => `export const value${i} = compute(${i}, "text ${f % perFolder}");`).join("\n"));
}
const context = { roots: await WorkspaceRoots.create([ws]), signal: new AbortController().signal } as unknown as ToolContext;
const query = 'value199 = compute\\(199, "text 5"\\)';

const median = async (body: () => Promise<unknown>): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await body();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
};

/** The search before the fix: the same walk and reads, the regex on the main thread. */
const mainThread = async () => {
  const pattern = new RegExp(query);
  const { entries } = await walk(ws, ws, { maxDepth: 30, limit: 20_000, signal: context.signal });
  let hits = 0;
  for (const entry of entries) {
    if (entry.kind !== "file") continue;
    await fs.stat(entry.absolute);
    for (const line of (await fs.readFile(entry.absolute, "utf8")).split("\n")) if (pattern.test(line.slice(0, 10_000))) hits++;
  }
  return hits;
};

const tool = searchTextTool();
const rows: [string, number][] = [
  ["regex, main thread (before)", await median(mainThread)],
  ["regex, worker with budget (now)", await median(() => tool.run({ query, regex: true }, context))],
  ["fixed string (no worker)", await median(() => tool.run({ query: 'value199 = compute(199, "text 5")' }, context))],
  ["worker start + one match + terminate", await median(() => withRegexWorker("x", "", 2_000, context.signal, (m) => m.matchTexts(["x"], { maxHits: 1, maxLineChars: 10 }, () => undefined)))],
];
await fs.writeFile(path.join(ws, "evil.txt"), `${"a".repeat(35)}b\n`);
const evilStarted = performance.now();
await tool.run({ query: "(a+)+$", regex: true, path: "evil.txt" }, context);
rows.push(["(a+)+$ on 35 a's + b: stopped after", performance.now() - evilStarted]);

console.log(`search_text over ${fileCount} files × 200 lines (${runs} runs, median):`);
for (const [label, ms] of rows) console.log(`  ${label.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms`);
await fs.rm(ws, { recursive: true, force: true });
