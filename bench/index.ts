// bench/index: the codebase index on a real corpus, node_modules/node-llama-cpp + node_modules/apache-arrow
// (two workspace folders, about 126k lines), copied to a temporary folder so one file can be edited.
// Measures: full index time and peak RSS, a no-change update, a one-file incremental update, query
// latency p50/p95 and recall@10 on the labelled queries (bench/index/queries.ts), lexical only; then,
// with an embedding model, embedding throughput and fused recall@10 on the chunks it embedded.
// Usage: node --import tsx bench/index.ts [--embedding-model PATH] [--embed-limit N (default 0: all)]
//   recall@10 = share of queries with at least one expected file among the first 10 hits.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { embedderFor } from "../server/src/codebase/embedding-prompts";
import { CodebaseIndex } from "../server/src/codebase/index-service";
import { EmbeddingModel } from "../server/src/engine/embedding";
import { QUERIES } from "./index/queries";

/** These calls are never cancelled. */
const signal = new AbortController().signal;

const { values } = parseArgs({ options: { "embedding-model": { type: "string" }, "embed-limit": { type: "string", default: "0" }, runs: { type: "string", default: "3" } } });
const repo = path.resolve(import.meta.dirname, "..");
const work = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-bench-index-")));
const folders: string[] = [];
for (const pkg of ["node-llama-cpp", "apache-arrow"]) {
  const to = path.join(work, "ws", pkg);
  await fs.cp(path.join(repo, "node_modules", pkg), to, { recursive: true, filter: async (src) => !/\.(node|bundle|so|dylib|dll|exe)$/.test(src) && (await fs.stat(src)).size < 4 * 1024 * 1024 });
  folders.push(to);
}
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
  ["peak RSS during index", `${mb(peak)} MB (${mb(rssBefore)} MB before)`],
  ["update, nothing changed", `${noChangeMs.toFixed(0)} ms`],
  ["update, one file changed", `${oneMs.toFixed(0)} ms (${one.changed} file, ${one.chunksAdded} chunks)`],
  ["query latency lexical p50 / p95", `${lexical.p50.toFixed(1)} / ${lexical.p95.toFixed(1)} ms`],
  ["recall@10 lexical", `${lexical.recall.toFixed(2)} (${lexical.found}/${QUERIES.length})`],
];

const modelPath = values["embedding-model"];
if (modelPath) {
  const model = await EmbeddingModel.load({ signal, modelPath, gpu: "off", log: () => undefined });
  const embedder = embedderFor(model, path.basename(modelPath));
  await index.setEmbedder(embedder);
  const limit = Number(values["embed-limit"]);
  t = performance.now();
  const report = await index.update({ signal, embed: true, embedLimit: limit > 0 ? limit : undefined });
  const embedMs = performance.now() - t;
  sample();
  const fused = await evaluate(false);
  rows.push(
    ["embedding model", `${model.facts.name} (${model.dimensions} dims, context ${model.contextSize}, ${model.facts.sizeBytes > 0 ? `${mb(model.facts.sizeBytes)} MB` : ""})`],
    ["embedding throughput", `${(report.embedded / (embedMs / 1000)).toFixed(1)} chunks/s (${report.embedded} chunks in ${(embedMs / 1000).toFixed(0)} s)`],
    ["chunks with a vector", `${index.status.embedded} of ${index.status.chunks}`],
    ["query latency fused p50 / p95", `${fused.p50.toFixed(1)} / ${fused.p95.toFixed(1)} ms (query embedding included)`],
    ["recall@10 fused", `${fused.recall.toFixed(2)} (${fused.found}/${QUERIES.length})`],
    ["peak RSS with the model", `${mb(peak)} MB`],
  );
  await model.dispose();
}
clearInterval(sampler);
await index.close();
console.log(`\n| measure | value |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")}`);
console.log(`os: ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
await fs.rm(work, { recursive: true, force: true });

async function evaluate(lexicalOnly: boolean): Promise<{ p50: number; p95: number; recall: number; found: number }> {
  const times: number[] = [];
  let found = 0;
  for (let run = 0; run < Number(values.runs); run++) {
    for (const { query, expect } of QUERIES) {
      const result = await index.search(query, { signal, limit: 10, lexicalOnly });
      times.push(result.tookMs);
      if (run === 0 && result.hits.some((hit) => expect.some((re) => re.test(hit.path)))) found++;
      if (run === 0 && process.env.PINCER_BENCH_VERBOSE) console.log(lexicalOnly ? "L" : "F", query, "→", result.hits.slice(0, 3).map((h) => h.path).join(", "));
    }
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.floor(times.length * 0.95)]!, recall: found / QUERIES.length, found };
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
