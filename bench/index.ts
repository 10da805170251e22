// bench/index: the codebase index on a real corpus, node_modules/node-llama-cpp + node_modules/apache-arrow
// (two workspace folders, about 126k lines), copied to a temporary folder so one file can be edited.
// Measures: full index time and peak RSS, a no-change update, a one-file incremental update, query
// latency p50/p95 and recall@10 on the labelled queries (bench/index/queries.ts), lexical only; then,
// with an embedding model, embedding throughput and fused recall@10 on the chunks it embedded.
// Usage: node --import tsx bench/index.ts [--embedding-model PATH] [--embed-limit N (default 0: all)]
//   [--threads N (embedding threads)] [--context N (embedding context tokens; default the engine's 512)] [--subset N: only the files of the labelled answers plus N other
//   source files drawn with a fixed seed, for models too slow to embed the whole corpus; both modes
//   are then measured on that subset]
//   recall@10 = share of queries with at least one expected file among the first 10 hits;
//   MRR@10 = mean of 1/rank of the first expected hit (0 when none is in the first 10).
//   Fused recall is measured at several semantic weights (fusion.ts; 1 is the plain RRF).
import { execFile } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { embedderFor } from "../server/src/codebase/embedding-prompts";
import { CodebaseIndex } from "../server/src/codebase/index-service";
import { EmbeddingModel } from "../server/src/engine/embedding";
import { QUERIES } from "./index/queries";

/** These calls are never cancelled. */
const signal = new AbortController().signal;

const { values } = parseArgs({ options: { "embedding-model": { type: "string" }, "embed-limit": { type: "string", default: "0" }, runs: { type: "string", default: "3" }, threads: { type: "string" }, context: { type: "string" }, subset: { type: "string" } } });
const repo = path.resolve(import.meta.dirname, "..");
const work = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-bench-index-")));
const folders: string[] = [];
for (const pkg of ["node-llama-cpp", "apache-arrow"]) {
  const to = path.join(work, "ws", pkg);
  await fs.cp(path.join(repo, "node_modules", pkg), to, { recursive: true, filter: async (src) => !/\.(node|bundle|so|dylib|dll|exe)$/.test(src) && (await fs.stat(src)).size < 4 * 1024 * 1024 });
  folders.push(to);
}
if (values.subset !== undefined) await keepSubset(folders, Number(values.subset));
// The target (≤ 300 MB) is for `pincer index` as people run it: the built CLI in a process of its own
// (this one carries tsx and the copy above), over one folder holding both packages.
const cli = await cliPeak(path.join(work, "ws"));
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const sampler = setInterval(sample, 10);
const rssBefore = process.memoryUsage().rss;
const index = await CodebaseIndex.open({ folders, storageDir: path.join(work, "storage") });

let t = performance.now();
const full = await index.update({ signal });
const fullMs = performance.now() - t;
sample();
const lines = await countLines(folders);
t = performance.now();
await index.update({ signal });
const noChangeMs = performance.now() - t;
const edited = path.join(folders[1]!, "src", "table.ts");
await fs.appendFile(edited, "\nexport function benchAddedHelper(rows: number): number {\n  return rows * 2;\n}\n");
t = performance.now();
const one = await index.update({ signal, paths: [edited] });
const oneMs = performance.now() - t;

const lexical = await evaluate(true);
const rows: string[][] = [
  ["corpus", `${folders.length} folders, ${full.scanned} files, ${lines} lines, ${index.status.chunks} chunks`],
  ["full index (lexical)", `${(fullMs / 1000).toFixed(1)} s`],
  ["`pincer index` (built CLI, own process): time, peak RSS", cli ?? "not measured: run `npm run build` first"],
  ["peak RSS during index, in this process", `${mb(peak)} MB (${mb(rssBefore)} MB before)`],
  ["update, nothing changed", `${noChangeMs.toFixed(0)} ms`],
  ["update, one file changed", `${oneMs.toFixed(0)} ms (${one.changed} file, ${one.chunksAdded} chunks)`],
  ["query latency lexical p50 / p95", `${lexical.p50.toFixed(1)} / ${lexical.p95.toFixed(1)} ms`],
  ["recall@10 / MRR@10 lexical", `${lexical.recall.toFixed(2)} (${lexical.found}/${QUERIES.length}) / ${lexical.mrr.toFixed(2)}`],
];

const modelPath = values["embedding-model"];
if (modelPath) {
  const model = await EmbeddingModel.load({ signal, modelPath, gpu: "off", log: () => undefined, threads: values.threads ? Number(values.threads) : undefined, contextSize: values.context ? Number(values.context) : undefined });
  const embedder = embedderFor(model, path.basename(modelPath));
  await index.setEmbedder(embedder);
  const limit = Number(values["embed-limit"]);
  t = performance.now();
  const report = await index.update({ signal, embed: true, embedLimit: limit > 0 ? limit : undefined });
  const embedMs = performance.now() - t;
  sample();
  const fused = await evaluate(false);
  const weighted = [];
  for (const weight of [0.5, 0.25, 0]) weighted.push({ weight, ...(await evaluate(false, weight === 0 ? { lexicalWeight: 0 } : { semanticWeight: weight }, 1)) });
  rows.push(
    ["embedding model", `${model.facts.name} (${model.dimensions} dims, context ${model.contextSize}, ${model.facts.sizeBytes > 0 ? `${mb(model.facts.sizeBytes)} MB` : ""})`],
    ["embedding throughput", `${(report.embedded / (embedMs / 1000)).toFixed(1)} chunks/s (${report.embedded} chunks in ${(embedMs / 1000).toFixed(0)} s)`],
    ["chunks with a vector", `${index.status.embedded} of ${index.status.chunks}`],
    ["query latency fused p50 / p95", `${fused.p50.toFixed(1)} / ${fused.p95.toFixed(1)} ms (query embedding included)`],
    ["recall@10 / MRR@10 fused", `${fused.recall.toFixed(2)} (${fused.found}/${QUERIES.length}) / ${fused.mrr.toFixed(2)}`],
    ...weighted.map((w) => [`recall@10 / MRR@10 ${w.weight === 0 ? "semantic only" : `fused, semantic weight ${w.weight}`}`, `${w.recall.toFixed(2)} (${w.found}/${QUERIES.length}) / ${w.mrr.toFixed(2)}`]),
    ["peak RSS with the model", `${mb(peak)} MB`],
  );
  await model.dispose();
}
clearInterval(sampler);
await index.close();
console.log(`\n| measure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}`);
console.log(`os: ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
await fs.rm(work, { recursive: true, force: true });

async function evaluate(lexicalOnly: boolean, weights: { lexicalWeight?: number; semanticWeight?: number } = {}, runs = Number(values.runs)): Promise<{ p50: number; p95: number; recall: number; found: number; mrr: number }> {
  const times: number[] = [];
  let found = 0;
  let reciprocal = 0;
  for (let run = 0; run < runs; run++) {
    for (const { query, expect } of QUERIES) {
      const result = await index.search(query, { signal, limit: 10, lexicalOnly, ...weights });
      times.push(result.tookMs);
      const rank = result.hits.findIndex((hit) => expect.some((re) => re.test(hit.path)));
      if (run === 0 && rank >= 0) {
        found++;
        reciprocal += 1 / (rank + 1);
      }
      if (run === 0 && process.env.PINCER_BENCH_VERBOSE) console.log(lexicalOnly ? "L" : "F", query, "→", result.hits.slice(0, 3).map((h) => h.path).join(", "));
    }
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]!, recall: found / QUERIES.length, found, mrr: reciprocal / QUERIES.length };
}

/**
 * Deletes every file but the labelled answers and `distractors` other source files (same seed each
 * run). One copy per module: .d.ts and .mjs files go, and a .js beside its .ts.
 */
async function keepSubset(dirs: readonly string[], distractors: number): Promise<void> {
  const answers: string[] = [];
  const others: string[] = [];
  for (const dir of dirs) {
    for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const copy = /\.(d\.ts|mjs)$/.test(file) || (file.endsWith(".js") && (await fs.stat(file.replace(/\.js$/, ".ts")).catch(() => undefined)) !== undefined);
      if (copy) {
        await fs.rm(file);
        continue;
      }
      const shown = `${path.basename(dir)}/${path.relative(dir, file).split(path.sep).join("/")}`;
      if (QUERIES.some((q) => q.expect.some((re) => re.test(shown)))) answers.push(file);
      else others.push(file);
    }
  }
  others.sort();
  let seed = 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let i = others.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  const sources = others.filter((file) => /\.(m?[jt]s|cjs)$/.test(file) && !file.endsWith(".min.js"));
  const kept = new Set(sources.slice(0, distractors));
  for (const file of others) if (!kept.has(file)) await fs.rm(file);
  console.log(`subset: ${answers.length} answer files + ${kept.size} distractors`);
}

/** Runs `pincer index --workspace dir` with a cache of its own; its time and peak RSS (the process's maxRSS). */
async function cliPeak(dir: string): Promise<string | undefined> {
  if (!existsSync(path.join(repo, "dist", "server", "main.mjs"))) return undefined;
  const report = "data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))";
  const started = performance.now();
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", report, path.join(repo, "bin", "pincer.js"), "index", "--workspace", dir, "--json"], {
    env: { ...process.env, PINCER_CACHE_DIR: path.join(work, "cli-cache") },
    maxBuffer: 16 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const kb = Number(/maxrss (\d+)/.exec(stderr)?.[1]);
  const { chunks } = JSON.parse(stdout) as { chunks: number };
  return `${(ms / 1000).toFixed(1)} s, ${(kb / 1024).toFixed(0)} MB (${chunks} chunks)`;
}

async function countLines(dirs: string[]): Promise<number> {
  let total = 0;
  for (const dir of dirs) {
    for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(m?[jt]s|cjs)$/.test(entry.name) || entry.name.endsWith(".min.js")) continue;
      const text = await fs.readFile(path.join(entry.parentPath, entry.name), "utf8");
      total += text.split("\n").length;
    }
  }
  return total;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
