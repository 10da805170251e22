// bench/engine: load time, prompt-processing and generation speed through Pincer's engine and
// through node-llama-cpp used directly, on the same prompts and thread count, and their ratio.
// Usage: node --import tsx bench/engine.ts MODEL.gguf [--runs N] [--prompt-tokens N] [--gen-tokens N] [--threads N]
import { parseArgs } from "node:util";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { Engine } from "../server/src/engine/engine";
import { stderrLogger } from "../server/src/platform/log";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "5" }, "prompt-tokens": { type: "string", default: "256" }, "gen-tokens": { type: "string", default: "128" }, threads: { type: "string" } },
});
const modelPath = positionals[0];
if (!modelPath) {
  console.error("usage: node --import tsx bench/engine.ts MODEL.gguf [--runs N] [--prompt-tokens N] [--gen-tokens N] [--threads N]");
  process.exit(2);
}
const runs = Number(values.runs);
const promptTokens = Number(values["prompt-tokens"]);
const genTokens = Number(values["gen-tokens"]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Pincer: Engine.load does the backend, checks, load, thread choice (measured when "auto") and context.
let started = performance.now();
const engine = await Engine.load({
  signal: NEVER_ABORTED,
  modelPath,
  settings: { gpu: "auto", gpuLayers: "auto", threads: values.threads ? Number(values.threads) : "auto", contextSize: promptTokens + genTokens + 256 },
  log: stderrLogger("error"),
});
const pincerLoadMs = performance.now() - started;
const threads = engine.threads.threads;

// Prompts differ in their first words so no run reuses another's KV cache.
const filler = "const value = compute(input, options) + offset; // keep going\n";
const prompts = Array.from({ length: runs + 1 }, (_, i) => {
  let text = `Run ${i} of the benchmark.\n`;
  while (engine.tokenCount(text) < promptTokens) text += filler;
  return engine.keepFirstTokens(text, promptTokens);
});

interface Sample {
  promptMs: number;
  genMs: number;
  generated: number;
}

type Runner = (prompt: string, maxTokens: number) => Promise<number>;

/** One prompt-processing and one generation sample. */
async function sample(run: Runner, prompt: string): Promise<Sample> {
  // Prompt processing: evaluate the prompt and sample one token.
  let t = performance.now();
  await run(prompt, 1);
  const promptMs = performance.now() - t;
  // Generation: continue from the now-cached prompt, so the time is generation only.
  t = performance.now();
  const generated = await run(prompt, genTokens + 1);
  return { promptMs, genMs: performance.now() - t, generated };
}

const summarize = (samples: Sample[]) => ({
  pp: median(samples.map((s) => (promptTokens / s.promptMs) * 1000)),
  tg: median(samples.map((s) => (Math.max(1, s.generated - 1) / s.genMs) * 1000)),
});

const sequence = engine.sequence("chat");
const pincerRun: Runner = async (prompt, maxTokens) => (await sequence.generate(prompt, { signal: NEVER_ABORTED, maxTokens, temperature: 0 })).generatedTokens;

// Direct: the same library calls without Pincer around them.
started = performance.now();
const llama = await getLlama({ gpu: "auto", build: "never", maxThreads: 0 });
const model = await llama.loadModel({ modelPath, gpuLayers: "auto" });
const context = await model.createContext({ contextSize: promptTokens + genTokens + 256, threads });
const directLoadMs = performance.now() - started;
const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
const directRun: Runner = async (prompt, maxTokens) => {
  let generated = 0;
  await completion.generateCompletion(prompt, { maxTokens, temperature: 0, onToken: (t) => (generated += t.length) });
  return generated;
};

// Interleaved, alternating which goes first, so machine noise and drift hit both alike.
const pincerSamples: Sample[] = [];
const directSamples: Sample[] = [];
await pincerRun(prompts[runs]!, 8);
await directRun(prompts[runs]!, 8);
for (let i = 0; i < runs; i++) {
  if (i % 2 === 0) {
    pincerSamples.push(await sample(pincerRun, prompts[i]!));
    directSamples.push(await sample(directRun, prompts[i]!));
  } else {
    directSamples.push(await sample(directRun, prompts[i]!));
    pincerSamples.push(await sample(pincerRun, prompts[i]!));
  }
}
const pincer = summarize(pincerSamples);
const direct = summarize(directSamples);

const row = (name: string, a: number, b: number, unit: string) =>
  `| ${name.padEnd(26)} | ${a.toFixed(1).padStart(10)} | ${b.toFixed(1).padStart(10)} | ${(a / b).toFixed(3).padStart(6)} | ${unit}`;
console.log(`model ${engine.facts.name} (${engine.facts.architecture}), backend ${engine.backend.backend}, ${threads} thread(s) (${engine.threads.source}), ${runs} runs, median`);
console.log(`prompt ${promptTokens} tokens, generation up to ${genTokens} tokens`);
console.log("| metric                     |     pincer |     direct |  ratio |");
console.log("|----------------------------|-----------:|-----------:|-------:|");
console.log(row("load (ms, lower is better)", pincerLoadMs, directLoadMs, "ms"));
console.log(row("prompt processing (tok/s)", pincer.pp, direct.pp, "tok/s"));
console.log(row("generation (tok/s)", pincer.tg, direct.tg, "tok/s"));
await context.dispose();
await model.dispose();
await engine.dispose();
process.exit(0);
