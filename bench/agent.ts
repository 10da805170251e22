// bench/agent: the agent loop with the real tools, gate and checkpoints in a scratch workspace, per
// model. Prints the well-formed rate (answers that parse and match their tool's schema), the fixed
// prompt's tokens, prompt tokens evaluated per step against the tokens that were new (an append-only
// layout evaluates exactly those) and against what a loop re-sending the conversation would evaluate,
// generated tokens and step latency. Numbers, not assertions.
// Usage: node --import tsx bench/agent.ts [--models tiny,gemma3-270m,qwen2.5-coder-0.5b,synthetic] [--preset tiny|135m|500m]
//          [--steps 200] [--threads 1] [--context 4096] [--temperature 0.8] [--seed 1]
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
import type { AgentGenerateRequest, AgentMessage, AgentModel } from "../server/src/agent/planner/agent-model";
import { EngineAgentModel } from "../server/src/agent/planner/engine-agent-model";
import { runAgent } from "../server/src/agent/planner/planner";
import { createTools } from "../server/src/agent/tools/index";
import { Engine } from "../server/src/engine/engine";
import { stderrLogger } from "../server/src/platform/log";
import { WorkspaceRoots } from "../server/src/platform/workspace-paths";
import { writeSyntheticModel, type PresetName } from "../test/support/synthetic-model";
import { realModel, realModelProblem, TEST_MODEL_PATH, type RealModelId } from "../test/support/test-model";

/** A benchmark is never cancelled; every engine call still takes a signal. */
const NEVER_ABORTED = new AbortController().signal;

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    models: { type: "string", default: "tiny,gemma3-270m,qwen2.5-coder-0.5b" },
    preset: { type: "string", default: "135m" },
    steps: { type: "string", default: "200" },
    threads: { type: "string", default: "1" },
    context: { type: "string", default: "4096" },
    temperature: { type: "string", default: "0.8" },
    seed: { type: "string", default: "1" },
  },
});
const targetSteps = Number(values.steps);
const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : 0);
const p90 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]! : 0);

async function modelFile(name: string): Promise<string | undefined> {
  if (name === "tiny") return existsSync(TEST_MODEL_PATH) ? TEST_MODEL_PATH : undefined;
  if (name === "synthetic") {
    // Same file as bench/completion for 135m (FIM tokens do not matter here), so it is written once.
    const file = path.join(REPO_ROOT, "bench", ".cache", `synthetic-${values.preset}-q8_0-fim.gguf`);
    if (existsSync(file)) return file;
    mkdirSync(path.dirname(file), { recursive: true });
    log(`writing the synthetic ${values.preset} model to ${path.relative(REPO_ROOT, file)} (once)…`);
    await writeSyntheticModel({ out: file, preset: values.preset as PresetName, type: "q8_0", fim: true, tokenizerModel: process.env.PINCER_TEST_MODEL });
    return file;
  }
  const problem = realModelProblem(name as RealModelId);
  if (problem) {
    log(`skipping ${name}: ${problem} (npm run fetch-test-models)`);
    return undefined;
  }
  return realModel(name as RealModelId).path;
}

/** Wraps the real model to record, per answer, what a stateless loop would have evaluated. */
class MeasuredModel implements AgentModel {
  readonly conversationTokens: number[] = [];
  readonly generationMs: number[] = [];
  constructor(private readonly inner: AgentModel) {}
  get contextSize(): number {
    return this.inner.contextSize;
  }
  countTokens(messages: readonly AgentMessage[]): number {
    return this.inner.countTokens(messages);
  }
  async generate(request: AgentGenerateRequest) {
    this.conversationTokens.push(this.inner.countTokens(request.messages));
    const started = performance.now();
    const result = await this.inner.generate(request);
    this.generationMs.push(performance.now() - started);
    return result;
  }
}

async function benchModel(name: string, file: string): Promise<void> {
  const engine = await Engine.load({
    signal: NEVER_ABORTED,
    modelPath: file,
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
  const model = new MeasuredModel(new EngineAgentModel(engine.sequence("agent"), { temperature: Number(values.temperature), seed: Number(values.seed) }));
  const tools = createTools();
  const steps: Extract<AgentEvent, { type: "step-end" }>[] = [];
  let wellFormed = 0;
  let appendOnly = 0;
  let fixedPromptTokens = 0;
  let runs = 0;
  const started = performance.now();
  try {
    while (steps.length < targetSteps) {
      runs++;
      let compacted = false;
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
        limits: { observationChars: 600 },
        onEvent: (event) => {
          if (event.type === "run-start") fixedPromptTokens = event.fixedPromptTokens;
          if (event.type === "tool-call") wellFormed++;
          if (event.type === "compacted") compacted = true;
          if (event.type === "step-end") {
            steps.push(event);
            if (!compacted && event.evaluatedPromptTokens === event.newPromptTokens) appendOnly++;
            compacted = false;
          }
        },
      });
    }
  } finally {
    await engine.dispose();
    await fs.rm(scratch, { recursive: true, force: true });
  }
  const evaluated = steps.map((s) => s.evaluatedPromptTokens);
  const fresh = steps.map((s) => s.newPromptTokens);
  const generated = steps.map((s) => s.generatedTokens);
  const stepMs = steps.map((s) => s.ms);
  const pct = (n: number) => `${((100 * n) / Math.max(1, steps.length)).toFixed(1)}%`;
  console.log(`bench/agent: ${name} (${path.basename(file)}), ${values.threads} thread(s), context ${values.context}, temperature ${values.temperature}, seed ${values.seed}: ${steps.length} steps in ${runs} runs, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(`  well-formed calls (parse and match their tool's schema): ${wellFormed}/${steps.length} = ${pct(wellFormed)}`);
  console.log(`  fixed prompt (system turn: instructions + ${tools.length} tools + 3 planner actions): ${fixedPromptTokens} tokens`);
  console.log(`  prompt tokens evaluated per step: median ${median(evaluated)}, p90 ${p90(evaluated)}; new per step: median ${median(fresh)}, p90 ${p90(fresh)}; steps that evaluated exactly their new tokens: ${pct(appendOnly)}`);
  console.log(`  a loop re-sending the conversation would evaluate: median ${median(model.conversationTokens)}, p90 ${p90(model.conversationTokens)}`);
  console.log(`  generated tokens per step: median ${median(generated)}, p90 ${p90(generated)}`);
  console.log(`  step latency (model + tool + checkpoint): median ${median(stepMs).toFixed(0)} ms, p90 ${p90(stepMs).toFixed(0)} ms`);
  console.log(`  model time per answer: median ${median(model.generationMs).toFixed(0)} ms, p90 ${p90(model.generationMs).toFixed(0)} ms`);
}

for (const name of values.models.split(",").map((s) => s.trim()).filter(Boolean)) {
  const file = await modelFile(name);
  if (file) await benchModel(name, file);
}
