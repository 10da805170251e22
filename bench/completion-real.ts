// bench/completion-real: next-line exact match on real weights. Held-out lines of real JavaScript
// from pinned packages in node_modules (bench/completion-real/positions.ts, seeded) are completed by
//   - Pincer: completeAt (server/src/completion/complete.ts), the code behind ghost text and
//     `pincer complete`: prompt layout, warm KV cache, suggestion cleanup;
//   - node-llama-cpp's plain completion: LlamaCompletion.generateCompletion on the same prompt
//     window (the file up to the cursor), greedy, stopped at the first newline; for a model with
//     FIM tokens, LlamaCompletion.generateInfillCompletion with the same prefix and the file's rest.
// Both run greedy with no repeat penalty, one after the other, on the same model, threads and context
// size. It prints exact match of the first suggested line (indentation included, trailing blanks
// dropped), the same ignoring indentation, and time per position.
//
// Usage: node --import tsx bench/completion-real.ts [--model gemma3-270m|qwen2.5-coder-0.5b|PATH]
//   [--positions 300] [--seed 1] [--threads 1] [--window 1024] [--max-tokens 48] [--only pincer|baseline] [--verbose]
// Real models come from `npm run fetch-test-models`.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { LlamaCompletion } from "node-llama-cpp";
import { completionBudget } from "../server/src/completion/budget";
import { completeAt } from "../server/src/completion/complete";
import { Engine } from "../server/src/engine/engine";
import { REAL_MODELS, realModel, repoRoot, type RealModelId } from "../test/support/test-model";
import { firstLine, samplePositions, SOURCE_PACKAGES, type Position } from "./completion-real/positions";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "gemma3-270m" },
    positions: { type: "string", default: "300" },
    seed: { type: "string", default: "1" },
    threads: { type: "string", default: "1" },
    window: { type: "string", default: "1024" },
    "max-tokens": { type: "string", default: "48" },
    only: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});
const log = (message: string) => process.stderr.write(`${message}\n`);
const threads = Number(values.threads);
const maxTokens = Number(values["max-tokens"]);
const windowTokens = Number(values.window);
const contextSize = 2048;

interface Outcome {
  got: string[];
  seconds: number;
}

function resolveModel(spec: string): string {
  if (REAL_MODELS.some((m) => m.id === spec)) {
    const model = realModel(spec as RealModelId);
    if (!existsSync(model.path)) throw new Error(`${model.path} is missing: run \`npm run fetch-test-models\``);
    return model.path;
  }
  return path.resolve(spec);
}

async function runPincer(engine: Engine, positions: readonly Position[]): Promise<Outcome> {
  const got: string[] = [];
  const started = performance.now();
  for (const [i, p] of positions.entries()) {
    // One document per position (a cursor jump): the prompt is laid out anew, and the KV cache keeps
    // whatever it shares with the previous prompt.
    const result = await completeAt(engine, { signal: NEVER_ABORTED, text: p.document, offset: p.offset, maxTokens, maxLines: 1, uri: `${p.file}#${p.line}`, path: path.basename(p.file), languageId: "javascript" });
    got.push(firstLine(result.insertText));
    if ((i + 1) % 50 === 0) log(`  pincer ${i + 1}/${positions.length}`);
  }
  return { got, seconds: (performance.now() - started) / 1000 };
}

async function runBaseline(engine: Engine, modelPath: string, positions: readonly Position[]): Promise<Outcome> {
  const model = await engine.llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize, threads });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  const got: string[] = [];
  const started = performance.now();
  try {
    for (const [i, p] of positions.entries()) {
      const prefix = p.document.slice(0, p.offset);
      const options = { maxTokens, temperature: 0, repeatPenalty: false as const, customStopTriggers: ["\n"] };
      const text = completion.infillSupported
        ? await completion.generateInfillCompletion(prefix, suffixWindow(engine, p.document.slice(p.offset)), options)
        : await completion.generateCompletion(prefix, options);
      got.push(firstLine(text));
      if ((i + 1) % 50 === 0) log(`  baseline ${i + 1}/${positions.length}`);
    }
  } finally {
    await context.dispose();
    await model.dispose();
  }
  return { got, seconds: (performance.now() - started) / 1000 };
}

/** The suffix as Pincer's FIM layout shows it: its budget's share, cut at a line end (completion/budget.ts). */
function suffixWindow(engine: Engine, suffix: string): string {
  const kept = engine.keepFirstTokens(suffix, completionBudget(contextSize, maxTokens).suffixTokens);
  return kept.length === suffix.length || !kept.includes("\n") ? kept : kept.slice(0, kept.lastIndexOf("\n") + 1);
}

function score(positions: readonly Position[], outcome: Outcome): { exact: number; loose: number } {
  let exact = 0;
  let loose = 0;
  for (const [i, p] of positions.entries()) {
    const got = outcome.got[i]!;
    if (got === p.expected.replace(/\s+$/, "")) exact++;
    if (got.trim() !== "" && got.trim() === p.expected.trim()) loose++;
  }
  return { exact, loose };
}

const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

async function main(): Promise<void> {
  const modelPath = resolveModel(values.model!);
  log(`loading ${path.basename(modelPath)} (threads ${threads}, context ${contextSize})`);
  const engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads, contextSize }, log: () => undefined, slots: ["completion"] });
  try {
    const positions = samplePositions({
      nodeModules: path.join(repoRoot, "node_modules"),
      positions: Number(values.positions),
      seed: Number(values.seed),
      windowTokens,
      perFile: 8,
      countTokens: (text) => engine.tokenCount(text),
    });
    const files = new Set(positions.map((p) => p.file)).size;
    log(`${positions.length} held-out lines from ${files} files (seed ${values.seed}; ${SOURCE_PACKAGES.join(", ")})`);
    const pincer = values.only === "baseline" ? undefined : await runPincer(engine, positions);
    const baseline = values.only === "pincer" ? undefined : await runBaseline(engine, modelPath, positions);

    const n = positions.length;
    const rows: string[] = [];
    const row = (name: string, outcome: Outcome | undefined) => {
      if (!outcome) return;
      const { exact, loose } = score(positions, outcome);
      rows.push(`| ${name} | ${exact}/${n} (${percent(exact, n)}) | ${loose}/${n} (${percent(loose, n)}) | ${((1000 * outcome.seconds) / n).toFixed(0)} ms |`);
    };
    row("Pincer (completeAt)", pincer);
    row(`node-llama-cpp ${engine.sequence("completion").infillSupported ? "LlamaCompletion infill" : "LlamaCompletion (plain)"}`, baseline);
    console.log(`\n### Next-line exact match: ${engine.facts.name}, ${threads} thread(s), ${n} positions, seed ${values.seed}, ${os.cpus().length} CPUs\n`);
    console.log("| system | exact match | ignoring indentation | time per position |");
    console.log("| --- | --- | --- | --- |");
    for (const line of rows) console.log(line);
    if (pincer && baseline) {
      const a = score(positions, pincer).exact;
      const b = score(positions, baseline).exact;
      const same = positions.filter((_, i) => pincer.got[i] === baseline.got[i]).length;
      if (values.verbose) {
        for (const [i, p] of positions.entries()) {
          if (pincer.got[i] !== baseline.got[i]) log(`differ at ${path.relative(repoRoot, p.file)}:${p.line + 1}: expected ${JSON.stringify(p.expected)}, Pincer ${JSON.stringify(pincer.got[i])}, node-llama-cpp ${JSON.stringify(baseline.got[i])}`);
        }
      }
      console.log(`\nPincer / node-llama-cpp exact match: ${b === 0 ? "n/a" : (a / b).toFixed(3)}; identical suggestions at ${same}/${n} positions (${percent(same, n)})`);
    }
  } finally {
    await engine.dispose();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
