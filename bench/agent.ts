// bench/agent: the agent loop on a synthetic model (random weights, real shapes) with the real
// tools, gate and checkpoints in a scratch workspace. Prints the fixed prompt's tokens, prompt
// tokens evaluated per step (append-only KV reuse) against what a loop re-sending the whole
// conversation would evaluate, generated tokens and step latency. Numbers, not assertions.
// Usage: node --import tsx bench/agent.ts [--preset tiny|135m|500m] [--steps N] [--threads N] [--context N]
import { existsSync, mkdirSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ShadowCheckpoints } from "../server/src/agent/checkpoints";
import { CliFileWriter } from "../server/src/agent/cli-file-writer";
import { ProcessCommandRunner } from "../server/src/agent/command-runner";
import { DEFAULT_COMMAND_RULES } from "../server/src/agent/command-rules-file";
import { createPermissionGate } from "../server/src/agent/permissions";
import type { AgentEvent } from "../server/src/agent/planner/agent-events";
import type { AgentGenerateRequest, AgentModel } from "../server/src/agent/planner/agent-model";
import { EngineAgentModel } from "../server/src/agent/planner/engine-agent-model";
import { runAgent } from "../server/src/agent/planner/planner";
import { createTools } from "../server/src/agent/tools/index";
import { Engine } from "../server/src/engine/engine";
import { WorkspaceRoots } from "../server/src/platform/workspace-paths";
import { stderrLogger } from "../server/src/platform/log";
import { writeSyntheticModel, type PresetName } from "../test/support/synthetic-model";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { preset: { type: "string", default: "135m" }, steps: { type: "string", default: "40" }, threads: { type: "string", default: "1" }, context: { type: "string", default: "4096" } },
});
const preset = values.preset as PresetName;
const targetSteps = Number(values.steps);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : 0);
const p90 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]! : 0);

async function modelFile(): Promise<string> {
  // Same file as bench/completion for 135m (FIM tokens do not matter here), so it is written once.
  const file = path.join(REPO_ROOT, "bench", ".cache", `synthetic-${preset}-q8_0-fim.gguf`);
  if (existsSync(file)) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  log(`writing the synthetic ${preset} model to ${path.relative(REPO_ROOT, file)} (once)…`);
  await writeSyntheticModel({ out: file, preset, type: "q8_0", fim: true, tokenizerModel: process.env.PINCER_TEST_MODEL });
  return file;
}

/** Wraps the real model to record, per answer, what a stateless loop would have evaluated. */
class MeasuredModel implements AgentModel {
  readonly conversationTokens: number[] = [];
  readonly generationMs: number[] = [];
  constructor(private readonly inner: AgentModel) {}
  get contextSize(): number {
    return this.inner.contextSize;
  }
  countTokens(text: string): number {
    return this.inner.countTokens(text);
  }
  async generate(request: AgentGenerateRequest) {
    this.conversationTokens.push(request.segments.reduce((sum, text) => sum + this.inner.countTokens(text), 0));
    const started = performance.now();
    const result = await this.inner.generate(request);
    this.generationMs.push(performance.now() - started);
    return result;
  }
}

const engine = await Engine.load({
  signal: NEVER_ABORTED,
  modelPath: await modelFile(),
  settings: { gpu: "auto", gpuLayers: "auto", threads: Number(values.threads), contextSize: Number(values.context) },
  log: stderrLogger("error"),
  slots: ["agent"],
});
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-bench-agent-"));
const workspace = path.join(scratch, "ws");
await fs.mkdir(path.join(workspace, "src"), { recursive: true });
await fs.writeFile(path.join(workspace, "src", "sum.ts"), "export const sum = (a: number, b: number) => a - b;\n");
await fs.writeFile(path.join(workspace, "README.md"), "# demo\n");
const roots = await WorkspaceRoots.create([workspace]);
const model = new MeasuredModel(new EngineAgentModel(engine.sequence("agent"), { temperature: 0.8 }));
const tools = createTools();
const steps: Extract<AgentEvent, { type: "step-end" }>[] = [];
let fixedPromptTokens = 0;
let runs = 0;
// Short strings: random weights would otherwise fill every string to its cap, which no real model does.
const limits = { thoughtChars: 80, stringChars: 64, planStepChars: 60 };
try {
  while (steps.length < targetSteps) {
    runs++;
    await runAgent({
      request: "Fix sum in src/sum.ts so it adds, then run the tests",
      model,
      tools,
      context: { roots, files: new CliFileWriter(), commands: new ProcessCommandRunner() },
      gate: createPermissionGate({ profile: "edit", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots }),
      approver: { request: async () => "deny" },
      checkpoints: new ShadowCheckpoints({ storageDir: path.join(scratch, "storage"), roots }),
      budgets: { maxSteps: Math.min(20, targetSteps - steps.length), maxTokens: 1_000_000, maxWallMs: 600_000 },
      signal: new AbortController().signal,
      limits,
      onEvent: (event) => {
        if (event.type === "run-start") fixedPromptTokens = event.fixedPromptTokens;
        if (event.type === "step-end") steps.push(event);
      },
    });
  }
} finally {
  await engine.dispose();
  await fs.rm(scratch, { recursive: true, force: true });
}

const evaluated = steps.map((s) => s.evaluatedPromptTokens);
const generated = steps.map((s) => s.generatedTokens);
const stepMs = steps.map((s) => s.ms);
console.log(`bench/agent: synthetic ${preset} model, ${values.threads} thread(s), context ${values.context}, ${steps.length} steps in ${runs} runs`);
console.log(`  fixed prompt (instructions + ${tools.length} tools + 3 planner actions): ${fixedPromptTokens} tokens`);
console.log(`  prompt tokens evaluated per step: median ${median(evaluated)}, p90 ${p90(evaluated)}`);
console.log(`  a loop re-sending the conversation would evaluate: median ${median(model.conversationTokens)}, p90 ${p90(model.conversationTokens)}`);
console.log(`  generated tokens per step: median ${median(generated)}, p90 ${p90(generated)}`);
console.log(`  step latency (model + tool + checkpoint): median ${median(stepMs).toFixed(0)} ms, p90 ${p90(stepMs).toFixed(0)} ms`);
console.log(`  model time per answer: median ${median(model.generationMs).toFixed(0)} ms, p90 ${p90(model.generationMs).toFixed(0)} ms`);
