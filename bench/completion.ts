// bench/completion: replays a recorded typing session (bench/sessions/typing.json, made by
// bench/sessions/record.ts) key by key, with its pauses, against
//   - Pincer: the bundled server (dist/server/main.mjs serve --stdio) over a real LSP connection,
//     didChange + textDocument/inlineCompletion per key, per-request costs from pincer/completionStats;
//   - the naive baseline: node-llama-cpp's LlamaCompletion.generateInfillCompletion on one context,
//     with the same prefix/suffix windows Pincer cuts (server/src/completion/budget.ts),
// one after the other, on the same model, threads and context size, and prints a Markdown table.
// Files: bench/completion/session.ts (the places to type at), replay.ts (the replay rules below),
// replay-pincer.ts and replay-baseline.ts (the two targets), report.ts (figures, tables, targets).
//
// Replay rules (the same for both): keys are sent at their recorded times on the wall clock. When a
// key's time comes while the previous request is still in flight, that request is cancelled (LSP
// $/cancelRequest, or the AbortSignal for the baseline) and the new one is sent, as VS Code does.
// Latency is client-side, from sending a request to its answer, over the requests that completed.
// At each cursor jump (a new place, maybe a new file) the span is removed and one request is sent
// there; it is allowed to finish, and then the user reads the suggestion and the code around it for the
// place's read time (recorded per place, 1.5-4 s, or --read-ms for all) before typing: the same pause
// for every target, in which Pincer grows the full prompt. Those first requests at a place are the
// "relayout" rows; every other request is a keystroke row. After the last key of a span the user
// reads the suggestion: the request then in flight finishes before the next jump.
//
// A third target is llama.cpp's own llama-server, built from node-llama-cpp's bundled llama.cpp source
// (test/support/llama-server-build.ts, cached outside the repository) and driven the way llama.vscode drives it
// (bench/completion/replay-llama-server.ts). With --rounds N every target replays the session once
// per round, the order rotated, and bench/completion/compare.ts prints the side-by-side table and the
// issue's targets as ratios within each round.
//
// Usage: node --import tsx bench/completion.ts [--model PATH] [--session PATH | --files F...]
//   [--keys N] [--targets pincer,llama-server,baseline] [--rounds N] [--threads N|auto]
//   [--llama-threads N] [--llama-batch-threads N] [--first-ms MS] [--context-size N] [--max-tokens N]
//   [--debounce MS] [--read-ms MS] [--details] [--verbose] [--build] [--build-llama-server]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { SERVER_BUNDLE } from "../test/support/lsp-client";
import { printComparison, type TargetRun } from "./completion/compare";
import { runBaseline, type BaselineRun } from "./completion/replay-baseline";
import { runLlamaServer } from "./completion/replay-llama-server";
import { runPincer, type PincerRun } from "./completion/replay-pincer";
import type { BenchOptions } from "./completion/replay";
import { printReport } from "./completion/report";
import { cachedLlamaServer, ensureLlamaServer } from "../test/support/llama-server-build";
import { loadSession, log, placesOf } from "./completion/session";
import { REPO_ROOT } from "./sessions/record";
import { writeSyntheticModel } from "../test/support/synthetic-model";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    session: { type: "string" },
    files: { type: "string", multiple: true },
    keys: { type: "string" },
    only: { type: "string" },
    targets: { type: "string" },
    rounds: { type: "string", default: "1" },
    threads: { type: "string", default: "1" },
    "llama-threads": { type: "string", default: "1" },
    "llama-batch-threads": { type: "string", default: "2" },
    "first-ms": { type: "string", default: "1000" },
    details: { type: "boolean", default: false },
    "build-llama-server": { type: "boolean", default: false },
    "context-size": { type: "string", default: "4096" },
    "max-tokens": { type: "string", default: "16" },
    debounce: { type: "string", default: "0" },
    "read-ms": { type: "string" },
    verbose: { type: "boolean", default: false },
    build: { type: "boolean", default: false },
  },
});
const options: BenchOptions = {
  threads: values.threads === "auto" ? "auto" : Number(values.threads),
  firstSuggestionMs: Number(values["first-ms"]),
  contextSize: Number(values["context-size"]),
  maxTokens: Number(values["max-tokens"]),
  maxLines: 1,
  debounceMs: Number(values.debounce),
};

// ---------------------------------------------------------------------------------------------
// Main

async function defaultModel(): Promise<string> {
  const file = path.join(REPO_ROOT, "bench", ".cache", "synthetic-135m-q8_0-fim.gguf");
  if (existsSync(file)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  log(`writing the synthetic 135M FIM model to ${path.relative(REPO_ROOT, file)} (once)…`);
  const started = performance.now();
  const written = await writeSyntheticModel({ out: file, preset: "135m", type: "q8_0", fim: true });
  log(`  ${(written.parameters / 1e6).toFixed(0)}M parameters, ${(written.bytes / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

function ensureBundle(): void {
  const missing = !existsSync(SERVER_BUNDLE);
  if (missing || values.build) {
    log(missing ? "dist/server/main.mjs is missing: npm run build" : "npm run build");
    const result = spawnSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) throw new Error("npm run build failed");
    return;
  }
  const built = statSync(SERVER_BUNDLE).mtimeMs;
  const newer = walk(path.join(REPO_ROOT, "server", "src")).filter((f) => !f.endsWith(".test.ts") && statSync(f).mtimeMs > built);
  if (newer.length > 0) log(`warning: ${newer.length} server source file(s) are newer than dist/server/main.mjs (e.g. ${path.relative(REPO_ROOT, newer[0]!)}); pass --build to rebuild.`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : entry.name.endsWith(".ts") ? [full] : [];
  });
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const { session, source } = loadSession({ session: values.session, files: values.files });
  const limit = values.keys ? Number(values.keys) : Number.POSITIVE_INFINITY;
  const { places, texts } = placesOf(session, limit);
  if (values["read-ms"] !== undefined) for (const place of places) place.readMs = Number(values["read-ms"]);
  const keyCount = places.reduce((n, p) => n + p.keys.length, 0);
  const typingS = places.reduce((n, p) => n + p.readMs + p.keys.reduce((m, k) => m + k.dt, 0), 0) / 1000;
  const modelPath = path.resolve(values.model ?? (await defaultModel()));
  const targets = (values.targets ?? values.only ?? (cachedLlamaServer() || values["build-llama-server"] ? "pincer,llama-server,baseline" : "pincer,baseline")).split(",");
  for (const t of targets) if (!["pincer", "llama-server", "baseline"].includes(t)) throw new Error(`unknown target ${t}: use pincer, llama-server, baseline`);
  log(`session ${source}: ${places.length} places in ${new Set(places.map((p) => p.file)).size} files, ${keyCount} keys, ${typingS.toFixed(0)} s of typing; model ${modelPath}`);
  if (targets.includes("pincer")) ensureBundle();
  const llamaBinary = targets.includes("llama-server") ? ensureLlamaServer(log) : undefined;
  const infill = await modelHasInfill(modelPath);

  const runs: TargetRun[] = [];
  const rounds = Math.max(1, Number(values.rounds));
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order so no target always runs first (or after the same one).
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
    let pincer: PincerRun | undefined;
    let baseline: BaselineRun | undefined;
    const machine: string[] = [];
    for (const target of order) {
      const started = performance.now();
      const before = os.loadavg()[0]!;
      let rows;
      let label: string;
      if (target === "pincer") {
        pincer = await runPincer(modelPath, places, texts, options);
        rows = pincer.rows;
        label = `Pincer over LSP, threads ${options.threads}${pincer.threadsNote ? ` (${pincer.threadsNote})` : ""}, first suggestion ≤ ${options.firstSuggestionMs} ms`;
        log(`pincer: replay done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${pincer.pairing}`);
      } else if (target === "baseline") {
        baseline = await runBaseline(modelPath, places, texts, { ...options, threads: options.threads === "auto" ? 1 : options.threads });
        rows = baseline.rows;
        label = `node-llama-cpp infill, ${options.threads === "auto" ? 1 : options.threads} thread(s)`;
        log(`baseline: replay done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${baseline.meterCheck}`);
      } else {
        const threads = Number(values["llama-threads"]);
        const batchThreads = Number(values["llama-batch-threads"]);
        const run = await runLlamaServer(modelPath, places, texts, options, { binary: llamaBinary!, threads, batchThreads, infill });
        rows = run.rows;
        label = `llama-server ${infill ? "/infill" : "/completion"} (llama.vscode's requests), -t ${threads} -tb ${batchThreads}`;
        log(`llama-server: replay done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${run.info}`);
      }
      const after = os.loadavg()[0]!;
      machine.push(`${target}: load average ${before.toFixed(2)} before, ${after.toFixed(2)} after`);
      runs.push({ target, label, round, rows, load: [before, after] });
    }
    if (values.details) printReport({ pincer, baseline, places, modelPath, source, options: { ...options, threads: options.threads === "auto" ? 0 : options.threads }, machine, verbose: values.verbose });
  }
  console.log(`\n${places.length} places in ${new Set(places.map((p) => p.file)).size} files, ${keyCount} keys; read time after each first suggestion ${values["read-ms"] !== undefined ? `${values["read-ms"]} ms` : "as recorded (1.5-4 s a place)"}; maxTokens ${options.maxTokens}, context ${options.contextSize}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})`);
  printComparison(runs, path.basename(modelPath));

  const resultsDir = path.join(REPO_ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  const out = path.join(resultsDir, `completion-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(out, JSON.stringify({ model: modelPath, options, session: source, runs }, null, 1));
  log(`per-request rows: ${path.relative(REPO_ROOT, out)}`);
}

/** Whether the model has fill-in-the-middle tokens (llama-server's /infill needs them). */
async function modelHasInfill(modelPath: string): Promise<boolean> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  const info = await readGgufFileInfo(modelPath, { readTensorInfo: false });
  const keys = info.metadata.tokenizer?.ggml as Record<string, unknown> | undefined;
  return keys?.fim_pre_token_id !== undefined || keys?.prefix_token_id !== undefined;
}

await main();
process.exit(0);
