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
// Short strings keep a random model's calls small; the grammar closes every string at its cap.
const LIMITS = { thoughtChars: 24, stringChars: 24, arrayItems: 3, planSteps: 3, planStepChars: 24, answerTokens: 512, observationChars: 300, keepRecentObservations: 2 };

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
        limits: { ...LIMITS, stringChars: 4000, answerTokens: 1024 },
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

  it(`${STEPS} agent steps give ${STEPS} schema-valid tool calls, every run ends within its budgets, nothing outside the workspace is touched`, async () => {
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
        // The fixed prompt stays small, and (append-only) a step evaluates only its new tokens:
        // never the fixed prompt again, unless compaction just rewrote older observations.
        const start = events.find((e): e is Extract<AgentEvent, { type: "run-start" }> => e.type === "run-start")!;
        assert.ok(start.fixedPromptTokens < 2000, `fixed prompt ${start.fixedPromptTokens} tokens`);
        let compactedSince = false;
        for (const event of events) {
          if (event.type === "compacted") compactedSince = true;
          if (event.type !== "step-end") continue;
          if (!compactedSince) assert.ok(event.evaluatedPromptTokens < start.fixedPromptTokens, `step ${event.step} evaluated ${event.evaluatedPromptTokens} tokens`);
          compactedSince = false;
        }
        // Commands ask and the approver refuses: none may have run.
        for (const event of events) if (event.type === "approval-answered") assert.equal(event.answer, "deny");
        steps += transcript.usage.steps;
      }
      assert.equal(calls, steps, "one valid call per step");
      assert.equal(await snapshot(outside), outsideBefore, "nothing outside the workspace changed");
      assert.deepEqual((await fs.readdir(parent)).sort(), ["outside", "ws"], "nothing was created beside the workspace");
      console.log(`    ${steps} steps in ${runs} runs`);
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });
});
