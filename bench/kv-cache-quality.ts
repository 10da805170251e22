// bench/kv-cache-quality: what a quantized KV cache (pincer.memory.kvCacheType) costs in answers, on a
// real model: greedy continuations of code at fixed places in this repository's sources, once per
// cache type, each compared token for token with the f16 cache's (flash attention on for every type,
// as the engine runs them). Prints the share of continuations identical to f16's and the mean length
// of the part that agrees before the first difference.
//
// Usage: node --import tsx bench/kv-cache-quality.ts [--model PATH] [--places N] [--prompt-tokens N]
//   [--tokens N] [--threads N] [--types f16,q8_0,q4_0]
// The default model is the real-model tier's Qwen2.5-Coder 0.5B (scripts/fetch-test-models.mjs).
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { getLlama, GgmlType, LlamaCompletion, type LlamaModel, type Token } from "node-llama-cpp";
import { REPO_ROOT } from "./sessions/record";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: path.join(os.homedir(), ".cache", "pincer-test-models", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf") },
    places: { type: "string", default: "12" },
    "prompt-tokens": { type: "string", default: "600" },
    tokens: { type: "string", default: "24" },
    threads: { type: "string", default: "2" },
    types: { type: "string", default: "f16,q8_0,q4_0" },
  },
});
const TYPES: Record<string, GgmlType> = { f16: GgmlType.F16, q8_0: GgmlType.Q8_0, q4_0: GgmlType.Q4_0 };
const FILES = ["server/src/engine/engine.ts", "server/src/chat/chat-service.ts", "server/src/completion/completion-session.ts", "server/src/agent/planner/planner.ts"];

/** Prompts: the `promptTokens` tokens before evenly spread line starts of the files. */
function prompts(model: LlamaModel, count: number, promptTokens: number): Token[][] {
  const out: Token[][] = [];
  const perFile = Math.ceil(count / FILES.length);
  for (const file of FILES) {
    const tokens = model.tokenize(readFileSync(path.join(REPO_ROOT, file), "utf8"));
    for (let i = 1; i <= perFile && out.length < count; i++) {
      const end = Math.floor((tokens.length * i) / (perFile + 1));
      out.push(tokens.slice(Math.max(0, end - promptTokens), end));
    }
  }
  return out;
}

async function main(): Promise<void> {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
  const model = await llama.loadModel({ modelPath: values.model });
  const places = prompts(model, Number(values.places), Number(values["prompt-tokens"]));
  const types = values.types.split(",");
  const answers = new Map<string, number[][]>();
  for (const type of types) {
    const ggml = TYPES[type];
    if (ggml === undefined) throw new Error(`unknown type ${type}`);
    const context = await model.createContext({
      contextSize: Number(values["prompt-tokens"]) + Number(values.tokens) + 64,
      threads: Number(values.threads),
      flashAttention: true,
      experimentalKvCacheKeyType: ggml,
      experimentalKvCacheValueType: ggml,
    });
    const sequence = context.getSequence();
    const completion = new LlamaCompletion({ contextSequence: sequence });
    const started = performance.now();
    const list: number[][] = [];
    for (const prompt of places) {
      await sequence.clearHistory();
      const text = await completion.generateCompletion(model.detokenize(prompt), { maxTokens: Number(values.tokens), temperature: 0 });
      list.push(model.tokenize(text));
    }
    process.stderr.write(`${type}: ${places.length} continuations in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    answers.set(type, list);
    await context.dispose();
  }
  const reference = answers.get("f16");
  console.log(`\n${path.basename(values.model)}: ${places.length} places, ${values["prompt-tokens"]} prompt tokens, ${values.tokens} greedy tokens; load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log("\n| KV cache | identical to f16 | mean tokens agreeing before the first difference |");
  console.log("|---|--:|--:|");
  for (const type of types) {
    const list = answers.get(type)!;
    if (!reference) break;
    let identical = 0;
    let agreeing = 0;
    list.forEach((tokens, i) => {
      const ref = reference[i]!;
      let n = 0;
      while (n < tokens.length && n < ref.length && tokens[n] === ref[n]) n++;
      agreeing += n;
      if (n === tokens.length && n === ref.length) identical++;
    });
    console.log(`| ${type} | ${identical}/${list.length} | ${(agreeing / list.length).toFixed(1)} of ${values.tokens} |`);
  }
  await model.dispose();
}

await main();
process.exit(0);
