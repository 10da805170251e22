// ReDoS: the model chooses search_text's regex. A catastrophically backtracking one must neither
// freeze the server (the JS engine backtracks; V8 cannot interrupt a match) nor outlive Stop. One row
// per attack, on real files; the JS search is the fallback when no ripgrep is given.
import assert from "node:assert/strict";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import { CliFileWriter } from "../cli-file-writer";
import { ProcessCommandRunner } from "../command-runner";
import type { ToolContext, ToolOutcome } from "../tool-types";
import { searchTextTool } from "./search-tools";

const RG = ["/usr/bin/rg", "/usr/local/bin/rg"].find((candidate) => existsSync(candidate));
/** The reported case: `(a+)+$` on 35 a's and a b backtracks about 2^35 times in a backtracking engine. */
const EVIL = "(a+)+$";
const EVIL_LINE = `${"a".repeat(35)}b`;

describe("search_text: a catastrophic regex (ReDoS) is bounded and cancellable", function () {
  this.timeout(30_000);
  let ws: string;
  let context: ToolContext;

  beforeEach(async () => {
    ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-redos-")));
    await fs.writeFile(path.join(ws, "a-good.txt"), "aaa\nnothing\n");
    await fs.writeFile(path.join(ws, "b-evil.txt"), `${EVIL_LINE}\n`);
    context = { roots: await WorkspaceRoots.create([ws]), signal: new AbortController().signal, files: new CliFileWriter(), commands: new ProcessCommandRunner() };
  });

  afterEach(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  it("ReDoS, JS fallback: (a+)+$ on the reported line stops within its 2 s budget, says the regex is too complex, keeps earlier matches", async () => {
    const started = performance.now();
    // The event loop keeps turning while the regex runs (other LSP requests are answered).
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    let outcome: ToolOutcome;
    try {
      outcome = await searchTextTool().run({ query: EVIL, regex: true }, context);
    } finally {
      clearInterval(ticker);
    }
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 3, `returned after ${seconds.toFixed(1)} s`);
    assert.equal(outcome.ok, false);
    assert.match(outcome.observation, /^the regex took longer than 2 s to match and was stopped: the regex is too complex/);
    assert.match(outcome.observation, /Matches found before it was stopped:\na-good\.txt:1: aaa/);
    assert.equal(outcome.details?.stopped, "regex-timeout");
    assert.ok(ticks >= 20, `the main thread ran ${ticks} timer ticks during the search`);
  });

  it("ReDoS + Stop: cancelling the run terminates the running match at once (no budget to wait for)", async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(searchTextTool({ regexBudgetMs: 60_000 }).run({ query: EVIL, regex: true, path: "b-evil.txt" }, { ...context, signal: controller.signal }), { name: "AbortError" });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 2, `cancel took ${seconds.toFixed(1)} s`);
  });

  it("a budget is shared by the whole search, not renewed per file", async () => {
    // 60 files, each in a batch of its own (over 256 KiB), each costing ~0.1 s of backtracking (22 a's):
    // every batch stays far under the budget, together they are far over it.
    await fs.rm(path.join(ws, "b-evil.txt"));
    const padding = "x\n".repeat(140_000);
    for (let i = 0; i < 60; i++) await fs.writeFile(path.join(ws, `c-slow-${String(i).padStart(2, "0")}.txt`), `${padding}${"a".repeat(22)}b\n`);
    const started = performance.now();
    const outcome = await searchTextTool({ regexBudgetMs: 1_500 }).run({ query: EVIL, regex: true }, context);
    const ms = performance.now() - started;
    assert.equal(outcome.details?.stopped, "regex-timeout", outcome.observation);
    assert.match(outcome.observation, /longer than 1\.5 s/);
    assert.ok(ms < 4_000, `${ms.toFixed(0)} ms`);
  });

  it("ripgrep (linear-time) answers the same regex at once", async function () {
    if (!RG) this.skip();
    const started = performance.now();
    const outcome = await searchTextTool().run({ query: EVIL, regex: true }, { ...context, ripgrepPath: RG });
    assert.ok(performance.now() - started < 3_000);
    assert.ok(outcome.ok);
    assert.match(outcome.observation, /a-good\.txt:1: aaa/);
  });

  it("ordinary regex and fixed-string searches still answer, and an invalid regex is a clear error", async () => {
    const regex = await searchTextTool().run({ query: "^a{3}$", regex: true }, context);
    assert.ok(regex.ok);
    assert.equal(regex.observation, "a-good.txt:1: aaa");
    const fixed = await searchTextTool().run({ query: "(a+)+$" }, context);
    assert.match(fixed.observation, /no matches/);
    const invalid = await searchTextTool().run({ query: "(a", regex: true }, context);
    assert.equal(invalid.ok, false);
    assert.match(invalid.observation, /invalid regex/);
  });
});
