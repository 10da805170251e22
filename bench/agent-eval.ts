// bench/agent-eval: the agent on small, checkable tasks (bench/agent-eval/tasks.ts), each in a
// throwaway git workspace with the real tools and gate, per model and answer format. Prints, per
// model × format: tasks solved, well-formed calls (parse and match their tool's schema), calls whose
// tool ran without error, steps, prompt tokens evaluated and tokens generated, and wall time; and one
// line per task. Numbers, not assertions: the point is to rank prompts, formats and models honestly.
// Not run in CI.
// Usage: node --import tsx bench/agent-eval.ts [--models tiny,gemma3-270m,qwen2.5-coder-0.5b] [--formats json,functions,functions-forced]
//          [--tasks id,id] [--seed 1] [--temperature 0] [--max-steps 10] [--threads 1] [--context 4096] [--out results.json]
import { promises as fs, existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CliFileWriter } from "../server/src/agent/cli-file-writer";
import { ProcessCommandRunner } from "../server/src/agent/command-runner";
import { DEFAULT_COMMAND_RULES } from "../server/src/agent/command-rules-file";
import { createPermissionGate } from "../server/src/agent/permissions";
import { DEFAULT_SCHEMA_LIMITS, plannerActionDefinitions } from "../server/src/agent/planner/action-schema";
import type { AgentEvent } from "../server/src/agent/planner/agent-events";
import type { AgentModel } from "../server/src/agent/planner/agent-model";
import { EngineAgentModel } from "../server/src/agent/planner/engine-agent-model";
import { runAgent } from "../server/src/agent/planner/planner";
import { FakeCheckpoints } from "../server/src/agent/planner/planner-test-fakes";
import { describeWorkspace } from "../server/src/agent/planner/workspace-context";
import { createTools } from "../server/src/agent/tools/index";
import { resolveModelChatWrapper } from "../server/src/engine/chat-wrapper";
import { Engine, sharedBackend } from "../server/src/engine/engine";
import { WorkspaceRoots } from "../server/src/platform/workspace-paths";
import { realModel, realModelProblem, TEST_MODEL_PATH, type RealModelId } from "../test/support/test-model";
import { FunctionCallingAgentModel, type FunctionFormat } from "./agent-eval/function-calling-model";
import { TASKS, type EvalTask } from "./agent-eval/tasks";
import { EvalWorkspace } from "./agent-eval/workspace";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

type Format = "json" | FunctionFormat;
const { values } = parseArgs({
  options: {
    models: { type: "string", default: "tiny,gemma3-270m,qwen2.5-coder-0.5b" },
    formats: { type: "string", default: "json" },
    tasks: { type: "string", default: "" },
    seed: { type: "string", default: "1" },
    temperature: { type: "string", default: "0" },
    "max-steps": { type: "string", default: "10" },
    threads: { type: "string", default: "1" },
    context: { type: "string", default: "4096" },
    out: { type: "string" },
  },
});
const seed = Number(values.seed);
const temperature = Number(values.temperature);
const maxSteps = Number(values["max-steps"]);
const contextSize = Number(values.context);
const threads = Number(values.threads);
const log = (line: string) => process.stderr.write(`${line}\n`);
const wanted = values.tasks ? new Set(values.tasks.split(",")) : undefined;
const tasks = TASKS.filter((task) => !wanted || wanted.has(task.id));

/** Commands the agent may run in an eval workspace without asking; every other command asks, and asking is refused (headless). */
const EVAL_RULES = { allow: [...DEFAULT_COMMAND_RULES.allow, "cat *", "node test.js", "node main.js", "node app.js", "node index.js"], deny: DEFAULT_COMMAND_RULES.deny };

interface TaskResult {
  task: string;
  ok: boolean;
  detail: string;
  status: string;
  steps: number;
  wellFormed: number;
  okCalls: number;
  promptTokens: number;
  generatedTokens: number;
  ms: number;
  /** Each step: the tool called (or "invalid") and whether its observation was ok, for reading a run afterwards. */
  trace: string[];
}

function modelPath(name: string): string | undefined {
  if (name === "tiny") return existsSync(TEST_MODEL_PATH) ? TEST_MODEL_PATH : undefined;
  if (existsSync(name)) return name;
  const problem = realModelProblem(name as RealModelId);
  if (problem) {
    log(`skipping ${name}: ${problem} (npm run fetch-test-models)`);
    return undefined;
  }
  return realModel(name as RealModelId).path;
}

/** One model loaded for one format; `model(i)` gives the AgentModel for task i (sampling seeded per task). */
async function loadFormat(file: string, format: Format): Promise<{ model: (task: number) => AgentModel; dispose: () => Promise<void> }> {
  if (format === "json") {
    const engine = await Engine.load({ signal: NEVER_ABORTED, modelPath: file, settings: { gpu: "off", gpuLayers: "auto", threads, contextSize }, log: () => undefined, slots: ["agent"] });
    return { model: (task) => new EngineAgentModel(engine.sequence("agent"), { temperature, seed: seed + task }), dispose: () => engine.dispose() };
  }
  const { llama } = await sharedBackend("off", () => undefined);
  const model = await llama.loadModel({ modelPath: file });
  const context = await model.createContext({ contextSize, threads });
  const sequence = context.getSequence();
  const wrapper = resolveModelChatWrapper(model).wrapper;
  const described = [...createTools(), ...plannerActionDefinitions(DEFAULT_SCHEMA_LIMITS)];
  return {
    model: (task) => new FunctionCallingAgentModel(llama, sequence, wrapper, format, described, { temperature, seed: seed + task }),
    dispose: async () => {
      await context.dispose();
      await model.dispose();
    },
  };
}

/** Counts every answer's tokens, the plan's included. */
function metered(inner: AgentModel, counts: { promptTokens: number; generatedTokens: number }): AgentModel {
  return {
    get contextSize() {
      return inner.contextSize;
    },
    countTokens: (messages) => inner.countTokens(messages),
    generate: async (request) => {
      const result = await inner.generate(request);
      counts.promptTokens += result.evaluatedPromptTokens;
      counts.generatedTokens += result.generatedTokens;
      return result;
    },
  };
}

async function runTask(task: EvalTask, model: AgentModel): Promise<TaskResult> {
  const ws = await EvalWorkspace.create(task.files);
  const started = performance.now();
  const counts = { steps: 0, wellFormed: 0, okCalls: 0, promptTokens: 0, generatedTokens: 0 };
  const trace: string[] = [];
  try {
    const roots = await WorkspaceRoots.create([ws.root]);
    const onEvent = (event: AgentEvent) => {
      if (event.type === "tool-call") {
        counts.wellFormed++;
        trace.push(`${event.tool} ${JSON.stringify(event.args).slice(0, 120)}`);
      }
      if (event.type === "invalid-call") trace.push(`invalid: ${event.error}`);
      if (event.type === "observation") {
        if (event.ok) counts.okCalls++;
        trace.push(`  → ${event.ok ? "ok" : "error"}: ${event.text.slice(0, 120)}`);
      }
      if (event.type === "step-end") counts.steps++;
    };
    const transcript = await runAgent({
      request: task.request,
      workspaceContext: await describeWorkspace(roots),
      model: metered(model, counts),
      tools: createTools(),
      context: { roots, files: new CliFileWriter(), commands: new ProcessCommandRunner() },
      gate: createPermissionGate({ profile: "full", rules: EVAL_RULES, trusted: true, headless: true, roots }),
      approver: { request: async () => "deny" },
      checkpoints: new FakeCheckpoints(),
      budgets: { maxSteps, maxTokens: 1_000_000, maxWallMs: 20 * 60_000 },
      signal: new AbortController().signal,
      onEvent,
    });
    const verdict = await task.check(ws, transcript);
    return { task: task.id, ...verdict, status: transcript.status, ...counts, ms: performance.now() - started, trace };
  } finally {
    await ws.dispose();
  }
}

const rows: { model: string; format: Format; results: TaskResult[] }[] = [];
for (const name of values.models.split(",").map((s) => s.trim()).filter(Boolean)) {
  const file = modelPath(name);
  if (!file) continue;
  for (const format of values.formats.split(",").map((s) => s.trim()) as Format[]) {
    log(`${name} · ${format}: loading ${path.basename(file)}`);
    const loaded = await loadFormat(file, format);
    const results: TaskResult[] = [];
    try {
      for (const [index, task] of tasks.entries()) {
        const result = await runTask(task, loaded.model(index));
        results.push(result);
        log(`  ${result.ok ? "PASS" : "fail"} ${task.id.padEnd(18)} ${result.status.padEnd(8)} ${String(result.steps).padStart(2)} steps, ${result.wellFormed}/${result.steps} well-formed, ${(result.ms / 1000).toFixed(0)} s: ${result.detail}`);
      }
    } finally {
      await loaded.dispose();
    }
    rows.push({ model: name, format, results });
  }
}

const sum = (results: TaskResult[], key: keyof TaskResult) => results.reduce((total, r) => total + (r[key] as number), 0);
const pct = (n: number, d: number) => (d === 0 ? "–" : `${((100 * n) / d).toFixed(0)}%`);
console.log(`bench/agent-eval: ${tasks.length} tasks, seed ${seed}, temperature ${temperature}, max ${maxSteps} steps, ${threads} thread(s), context ${contextSize}`);
console.log("| model | format | solved | well-formed calls | calls that ran ok | steps | prompt tokens | generated tokens | tokens / well-formed call | wall time |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const { model, format, results } of rows) {
  const steps = sum(results, "steps");
  const wellFormed = sum(results, "wellFormed");
  const prompt = sum(results, "promptTokens");
  const generated = sum(results, "generatedTokens");
  console.log(
    `| ${model} | ${format} | ${results.filter((r) => r.ok).length}/${results.length} | ${wellFormed}/${steps} = ${pct(wellFormed, steps)} | ${sum(results, "okCalls")}/${wellFormed} = ${pct(sum(results, "okCalls"), wellFormed)} | ${steps} | ${prompt} | ${generated} | ${wellFormed ? Math.round((prompt + generated) / wellFormed) : "–"} | ${(sum(results, "ms") / 1000).toFixed(0)} s |`,
  );
}
console.log("\nper task (solved by):");
for (const task of tasks) {
  const by = rows.filter((row) => row.results.find((r) => r.task === task.id)?.ok).map((row) => `${row.model}/${row.format}`);
  console.log(`  ${task.id.padEnd(18)} ${task.kind.padEnd(9)} ${by.join(", ") || "–"}`);
}
if (values.out) await fs.writeFile(values.out, `${JSON.stringify({ seed, temperature, maxSteps, contextSize, threads, rows }, null, 1)}\n`);
