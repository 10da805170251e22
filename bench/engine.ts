// bench/engine: load time, then prompt-processing and generation speed on the paths the features
// use, through Pincer's engine and through node-llama-cpp used directly, on the same prompts and
// thread count, and their ratio:
//  - chat turns (EngineSequence.chatTurns → LlamaChat): the chat, code actions, compaction;
//  - token stream (withTokens → TokenStream.generateAfter): inline completion and the agent's steps;
//  - token stream under a JSON-schema grammar (EngineSequence.jsonGrammar, cached): the agent's answers.
// Usage: node --import tsx bench/engine.ts MODEL.gguf [--runs N] [--prompt-tokens N] [--gen-tokens N] [--threads N]
import { parseArgs } from "node:util";
import { getLlama, LlamaChat, LlamaCompletion, type ChatHistoryItem, type Token } from "node-llama-cpp";
import { Engine } from "../server/src/engine/engine";
import { stderrLogger } from "../server/src/platform/log";

/** A benchmark is never cancelled; every engine call still takes a signal. */
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
const contextSize = promptTokens + genTokens + 512;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Pincer: Engine.load does the backend, checks, load, thread choice (measured when "auto") and context.
let started = performance.now();
const engine = await Engine.load({
  signal: NEVER_ABORTED,
  modelPath,
  settings: { gpu: "auto", gpuLayers: "auto", threads: values.threads ? Number(values.threads) : "auto", contextSize },
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
// The agent's answers are JSON under a schema; a bounded string lets a random model finish it.
const SCHEMA = { type: "object", properties: { thought: { type: "string", maxLength: 400 }, tool: { enum: ["read_file", "edit_file", "finish"] } }, required: ["thought", "tool"] } as const;

interface Sample {
  promptMs: number;
  genMs: number;
  generated: number;
}

/** Runs one prompt with at most `maxTokens` and returns the tokens generated. */
type Runner = (prompt: string, maxTokens: number) => Promise<number>;

/** One prompt-processing and one generation sample. */
async function sample(run: Runner, prompt: string): Promise<Sample> {
  // Prompt processing: evaluate the prompt and sample one token.
  let t = performance.now();
  await run(prompt, 1);
  const promptMs = performance.now() - t;
  // Generation: continue from the now-cached prompt, so the time is mostly generation.
  t = performance.now();
  const generated = await run(prompt, genTokens + 1);
  return { promptMs, genMs: performance.now() - t, generated };
}

const summarize = (samples: Sample[]) => ({
  pp: median(samples.map((s) => (promptTokens / s.promptMs) * 1000)),
  tg: median(samples.map((s) => (Math.max(1, s.generated - 1) / s.genMs) * 1000)),
});

// Pincer's feature paths.
const chatSequence = engine.sequence("chat");
const pincerChat: Runner = async (prompt, maxTokens) =>
  (await chatSequence.chatTurns([{ role: "system", text: "You are terse." }, { role: "user", text: prompt }], { signal: NEVER_ABORTED, maxTokens })).generatedTokens;
const streamRunner =
  (slot: "completion" | "agent", grammar: boolean): Runner =>
  (prompt, maxTokens) => {
    const sequence = engine.sequence(slot);
    return sequence.withTokens(NEVER_ABORTED, async (stream) => {
      const tokens = [...(stream.bos() === undefined ? [] : [stream.bos()!]), ...stream.tokenize(prompt)];
      const result = await stream.generateAfter(tokens, { signal: NEVER_ABORTED, maxTokens, ...(grammar ? { grammar: await sequence.jsonGrammar(SCHEMA) } : {}) });
      return result.tokens.length;
    });
  };

// Direct: the same library calls without Pincer around them, one context sequence per path.
started = performance.now();
const llama = await getLlama({ gpu: "auto", build: "never", maxThreads: 0 });
const model = await llama.loadModel({ modelPath, gpuLayers: "auto" });
const context = await model.createContext({ contextSize, threads, sequences: 3 });
const directLoadMs = performance.now() - started;
const directChat = new LlamaChat({ contextSequence: context.getSequence() });
const directChatRun: Runner = async (prompt, maxTokens) => {
  const history: ChatHistoryItem[] = [{ type: "system", text: "You are terse." }, { type: "user", text: prompt }, { type: "model", response: [] }];
  let generated = 0;
  await directChat.generateResponse(history, { maxTokens, onToken: (t) => (generated += t.length) });
  return generated;
};
const directCompletions = [new LlamaCompletion({ contextSequence: context.getSequence() }), new LlamaCompletion({ contextSequence: context.getSequence() })] as const;
const directGrammar = await llama.createGrammarForJsonSchema(SCHEMA as never);
const directStream =
  (index: 0 | 1, grammar: boolean): Runner =>
  async (prompt, maxTokens) => {
    let generated = 0;
    const tokens = model.tokenize(prompt) as Token[];
    await directCompletions[index].generateCompletion(tokens, { maxTokens, temperature: 0, ...(grammar ? { grammar: directGrammar } : {}), onToken: (t) => (generated += t.length) });
    return generated;
  };

const paths: { name: string; pincer: Runner; direct: Runner }[] = [
  { name: "chat turns", pincer: pincerChat, direct: directChatRun },
  { name: "token stream", pincer: streamRunner("completion", false), direct: directStream(0, false) },
  { name: "token stream + JSON grammar", pincer: streamRunner("agent", true), direct: directStream(1, true) },
];

const row = (name: string, a: number, b: number) => `| ${name.padEnd(54)} | ${a.toFixed(1).padStart(10)} | ${b.toFixed(1).padStart(10)} | ${(a / b).toFixed(3).padStart(6)} |`;
console.log(`model ${engine.facts.name} (${engine.facts.architecture}), backend ${engine.backend.backend}, ${threads} thread(s) (${engine.threads.source}), ${runs} runs, median`);
console.log(`prompt ${promptTokens} tokens, generation up to ${genTokens} tokens`);
console.log(`| ${"metric".padEnd(54)} |     pincer |     direct |  ratio |`);
console.log(`|${"-".repeat(56)}|-----------:|-----------:|-------:|`);
console.log(row("load (ms, lower is better)", pincerLoadMs, directLoadMs));
for (const path of paths) {
  // Interleaved, alternating which goes first, so machine noise and drift hit both alike.
  const pincerSamples: Sample[] = [];
  const directSamples: Sample[] = [];
  await path.pincer(prompts[runs]!, 8);
  await path.direct(prompts[runs]!, 8);
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ([path.pincer, path.direct] as const) : ([path.direct, path.pincer] as const);
    for (const run of order) (run === path.pincer ? pincerSamples : directSamples).push(await sample(run, prompts[i]!));
  }
  const pincer = summarize(pincerSamples);
  const direct = summarize(directSamples);
  console.log(row(`${path.name}: prompt processing (tok/s)`, pincer.pp, direct.pp));
  console.log(row(`${path.name}: generation (tok/s)`, pincer.tg, direct.tg));
}
await context.dispose();
await model.dispose();
await engine.dispose();
process.exit(0);
