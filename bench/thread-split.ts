// bench/thread-split: separate thread counts for prompt evaluation and generation, measured through
// the engine's own TokenStream and ThreadSplit (server/src/engine/thread-split.ts). For each
// (prompt threads, generation threads) pair it times a first suggestion at a new place (a prompt of
// --prompt tokens, then --generate tokens) and a keystroke (2 new tokens, then --generate tokens);
// the pairs are interleaved round by round so a change in the machine's load hits them all alike.
//
// Usage: node --import tsx bench/thread-split.ts [--model PATH] [--rounds 5] [--prompt 384] [--generate 16]
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { LlamaContext } from "node-llama-cpp";
import { sharedBackend } from "../server/src/engine/engine";
import { EvalSpeed } from "../server/src/engine/eval-speed";
import { ThreadSplit, withBaseThreads } from "../server/src/engine/thread-split";
import { TokenStream } from "../server/src/engine/token-stream";
import { percentile } from "./completion/report";
import { REPO_ROOT } from "./sessions/record";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: path.join(REPO_ROOT, "bench", ".cache", "synthetic-135m-q8_0-fim.gguf") },
    rounds: { type: "string", default: "5" },
    prompt: { type: "string", default: "384" },
    generate: { type: "string", default: "16" },
  },
});
/** The benchmark never cancels; the stream still takes a signal. */
const NEVER_ABORTED = new AbortController().signal;
const rounds = Number(values.rounds);
const promptTokens = Number(values.prompt);
const generate = Number(values.generate);

// The engine's own backend (maxThreads 0: node-llama-cpp does not cap threads unless a phase asks).
const { llama } = await sharedBackend("off", () => undefined);
const model = await llama.loadModel({ modelPath: values.model! });
const cores = Math.max(1, llama.cpuMathCores);
const counts = [...new Set([1, 2, cores].filter((n) => n <= Math.max(2, cores)))];
const pairs = counts.flatMap((p) => counts.map((g) => [p, g] as const));
const text = (await import("node:fs")).readFileSync(path.join(REPO_ROOT, "node_modules", "vscode-jsonrpc", "lib", "common", "connection.js"), "utf8");
const tokens = model.tokenize(text);

interface Sample {
  firstMs: number[];
  keyMs: number[];
  promptTps: number[];
  genMs: number[];
}
const samples = new Map<string, Sample>(pairs.map(([p, g]) => [`${p}/${g}`, { firstMs: [], keyMs: [], promptTps: [], genMs: [] }]));
const contexts = new Map<string, LlamaContext>();
for (const [p, g] of pairs) contexts.set(`${p}/${g}`, await withBaseThreads(llama, () => model.createContext({ contextSize: 2048, sequences: 1, threads: Math.max(p, g) })));

const loadBefore = os.loadavg()[0]!;
for (let round = 0; round < rounds; round++) {
  for (const [p, g] of round % 2 === 0 ? pairs : [...pairs].reverse()) {
    const key = `${p}/${g}`;
    const sequence = contexts.get(key)!.getSequence();
    const speed = new EvalSpeed({ promptTokensPerSecond: 100, generationMsPerToken: 50 });
    const stream = new TokenStream(sequence, model, { speed, threads: new ThreadSplit(llama, p, g) });
    // A different window each round, so nothing is cached from the last one.
    const start = (round * 997) % Math.max(1, tokens.length - promptTokens - 8);
    const prompt = tokens.slice(start, start + promptTokens);
    let started = performance.now();
    // The prompt on the prompt count (as a background batch or a request's prompt chunks), then the
    // suggestion: its last prompt token and the generated ones.
    await stream.prepare(prompt.slice(0, -1), prompt.length);
    const promptMs = performance.now() - started;
    const result = await stream.generateAfter(prompt, { maxTokens: generate, signal: NEVER_ABORTED });
    const firstMs = performance.now() - started;
    const genMs = (firstMs - promptMs) / Math.max(1, result.tokens.length);
    started = performance.now();
    await stream.generateAfter([...prompt, ...tokens.slice(start + promptTokens, start + promptTokens + 2)], { maxTokens: generate, signal: NEVER_ABORTED });
    const keyMs = performance.now() - started;
    const sample = samples.get(key)!;
    sample.firstMs.push(firstMs);
    sample.keyMs.push(keyMs);
    sample.promptTps.push(((prompt.length - 1) * 1000) / promptMs);
    sample.genMs.push(genMs);
    await sequence.clearHistory();
    sequence.dispose();
    if (round === 0 && contexts.get(key)!.currentThreads !== Math.max(p, g)) console.error(`note: ${key} context ended on ${contexts.get(key)!.currentThreads} threads`);
  }
}
const loadAfter = os.loadavg()[0]!;

console.log(`\n### Thread split: ${path.basename(values.model!)}, ${rounds} rounds, ${os.cpus().length} CPUs, load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}\n`);
console.log(`| prompt / generation threads | first suggestion (${promptTokens} + ${generate} tokens) p50 ms | keystroke (2 + ${generate} tokens) p50 ms | prompt tokens/s p50 | ms per generated token p50 |`);
console.log("|---|--:|--:|--:|--:|");
for (const [key, s] of samples) {
  const f = (values: number[], digits = 0) => percentile(values, 50)?.toFixed(digits) ?? "—";
  console.log(`| ${key} | ${f(s.firstMs)} | ${f(s.keyMs)} | ${f(s.promptTps)} | ${f(s.genMs, 1)} |`);
}
for (const context of contexts.values()) await context.dispose();
await model.dispose();
process.exit(0);
