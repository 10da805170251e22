import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Engine } from "../../engine/engine";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import { CliFileWriter } from "../cli-file-writer";
import { ProcessCommandRunner } from "../command-runner";
import { DEFAULT_COMMAND_RULES } from "../command-rules-file";
import { createPermissionGate } from "../permissions";
import { createTools } from "../tools/index";
import { DEFAULT_SCHEMA_LIMITS, validateAction } from "./action-schema";
import type { AgentEvent } from "./agent-events";
import { EngineAgentModel } from "./engine-agent-model";
import { runAgent } from "./planner";
import { FakeApprover, FakeCheckpoints } from "./planner-test-fakes";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

/** The test model's path, or a skip with the reason (see engine.test.ts for why this is a dynamic import). */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

const STEPS = Number(process.env.PINCER_AGENT_TEST_STEPS ?? 200);
const RUN_STEPS = 25;
// Short observations keep the runs quick; every answer limit is the default one, fitted to the
// answer budget of this context (a random model fills every string to its cap).
const LIMITS = { observationChars: 300 };

async function snapshot(folder: string): Promise<string> {
  const entries = await fs.readdir(folder, { recursive: true, withFileTypes: true });
  const lines = await Promise.all(
    entries.map(async (e) => {
      const full = path.join(e.parentPath, e.name);
      return e.isFile() ? `${full}:${await fs.readFile(full, "utf8")}` : full;
    }),
  );
  return lines.sort().join("\n");
}

describe("agent planner on the real engine (tiny random model)", function () {
  this.timeout(20 * 60_000);
  let engine: Engine;

  before(async function () {
    const modelPath = await requireTestModel(this);
    engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "auto", gpuLayers: "auto", threads: 1, contextSize: 4096 }, log: () => undefined, slots: ["agent"] });
  });

  after(async () => {
    await engine?.dispose();
  });

  it("cancels a generation in flight and leaves the sequence usable", async () => {
    const workspace = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-agent-cancel-"));
    try {
      const roots = await WorkspaceRoots.create([workspace]);
      const model = new EngineAgentModel(engine.sequence("agent"), { temperature: 0.8 });
      const controller = new AbortController();
      let abortedAt = 0;
      const options = {
        request: "Do nothing",
        model,
        tools: createTools(),
        context: { roots, files: new CliFileWriter(), commands: new ProcessCommandRunner() },
        gate: createPermissionGate({ profile: "read-only", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots }),
        approver: new FakeApprover("deny"),
        checkpoints: new FakeCheckpoints(),
        budgets: { maxSteps: 10, maxTokens: 500_000, maxWallMs: 300_000 },
        limits: LIMITS,
      };
      const transcript = await runAgent({
        ...options,
        signal: controller.signal,
        onEvent: (event) => {
          // The step's answer is being generated right after its step-start.
          if (event.type === "step-start" && event.step === 2) {
            abortedAt = Date.now();
            queueMicrotask(() => controller.abort());
          }
        },
      });
      assert.equal(transcript.status, "cancelled");
      assert.ok(Date.now() - abortedAt < 2000, `stopped ${Date.now() - abortedAt} ms after the cancel`);
      const again = await runAgent({ ...options, budgets: { ...options.budgets, maxSteps: 1 }, signal: new AbortController().signal });
      assert.ok(["finished", "budget"].includes(again.status), `next run ended ${again.status}: ${again.error ?? ""}`);
    } finally {
      await fs.rm(workspace, { recursive: true, force: true });
    }
  });

  // The bug: strings could outgrow the step's token budget (a path up to 12,000 characters), so a
  // model that fills its strings was cut off mid-call: 28 of 61 steps failed with these defaults.
  it(`${STEPS} agent steps with the default limits give ${STEPS} schema-valid tool calls, each evaluating only its new tokens; every run ends within its budgets, nothing outside the workspace is touched`, async () => {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-agent-"));
    const workspace = path.join(parent, "ws");
    const outside = path.join(parent, "outside");
    await fs.mkdir(path.join(workspace, "src"), { recursive: true });
    await fs.mkdir(outside);
    await fs.writeFile(path.join(workspace, "src", "a.ts"), "export const a = 1;\n");
    await fs.writeFile(path.join(outside, "secret.txt"), "do not read\n");
    const outsideBefore = await snapshot(outside);
    const roots = await WorkspaceRoots.create([workspace]);
    const model = new EngineAgentModel(engine.sequence("agent"), { temperature: 0.8 });
    const tools = createTools();
    const gate = createPermissionGate({ profile: "edit", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots });
    let steps = 0;
    let runs = 0;
    let calls = 0;
    let exact = 0;
    const evaluated: number[] = [];
    try {
      while (steps < STEPS) {
        const events: AgentEvent[] = [];
        const maxSteps = Math.min(RUN_STEPS, STEPS - steps);
        const transcript = await runAgent({
          request: "Rename a to b in src/a.ts",
          model,
          tools,
          context: { roots, files: new CliFileWriter(), commands: new ProcessCommandRunner() },
          gate,
          approver: new FakeApprover("deny"),
          checkpoints: new FakeCheckpoints(),
          budgets: { maxSteps, maxTokens: 500_000, maxWallMs: 300_000 },
          signal: new AbortController().signal,
          onEvent: (event) => events.push(event),
          limits: LIMITS,
        });
        runs++;
        assert.ok(["finished", "budget"].includes(transcript.status), `run ${runs} ended ${transcript.status}: ${transcript.error ?? ""}`);
        if (transcript.status === "budget") assert.ok(transcript.budgetStop === "steps" || transcript.budgetStop === "context", `stopped on ${transcript.budgetStop}`);
        assert.ok(transcript.usage.steps <= maxSteps);
        assert.deepEqual(events.filter((e) => e.type === "invalid-call"), [], "every answer is a valid call");
        for (const event of events) {
          if (event.type !== "tool-call") continue;
          calls++;
          assert.ok(validateAction({ thought: event.thought, tool: event.tool, args: event.args }, tools, DEFAULT_SCHEMA_LIMITS).ok);
        }
        // The fixed prompt stays small, and (append-only) a step evaluates exactly its new tokens,
        // unless compaction just rewrote older observations.
        const start = events.find((e): e is Extract<AgentEvent, { type: "run-start" }> => e.type === "run-start")!;
        assert.ok(start.fixedPromptTokens < 2000, `fixed prompt ${start.fixedPromptTokens} tokens`);
        let compactedSince = false;
        for (const event of events) {
          if (event.type === "compacted") compactedSince = true;
          if (event.type !== "step-end") continue;
          if (!compactedSince) {
            assert.equal(event.evaluatedPromptTokens, event.newPromptTokens, `step ${event.step} evaluated ${event.evaluatedPromptTokens} tokens, ${event.newPromptTokens} new`);
            exact++;
          }
          evaluated.push(event.evaluatedPromptTokens);
          compactedSince = false;
        }
        // Commands ask and the approver refuses: none may have run.
        for (const event of events) if (event.type === "approval-answered") assert.equal(event.answer, "deny");
        // A run stopped by its context budget started a step it could not answer: count answered steps.
        steps += events.filter((e) => e.type === "step-end").length;
      }
      assert.equal(calls, steps, "one valid call per step");
      assert.equal(await snapshot(outside), outsideBefore, "nothing outside the workspace changed");
      assert.deepEqual((await fs.readdir(parent)).sort(), ["outside", "ws"], "nothing was created beside the workspace");
      const sorted = [...evaluated].sort((a, b) => a - b);
      console.log(`    ${steps} steps in ${runs} runs; ${exact} steps checked append-only; prompt tokens evaluated per step: median ${sorted[sorted.length >> 1]}, max ${sorted[sorted.length - 1]}`);
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });
});
