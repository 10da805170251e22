import assert from "node:assert/strict";
import { Engine } from "../../engine/engine";
import type { AgentEvent } from "./agent-events";
import { EngineAgentModel } from "./engine-agent-model";
import { runAgent } from "./planner";
import { FakeApprover, FakeCheckpoints, FakeGate, fakeContext, fakeTools, MemoryWorkspace } from "./planner-test-fakes";
import { validateAction, DEFAULT_SCHEMA_LIMITS } from "./action-schema";

/** The test model's path, or a skip with the reason (see engine.test.ts for why this is a dynamic import). */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../../test/helpers/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

const STEPS = Number(process.env.PINCER_AGENT_TEST_STEPS ?? 200);
const LIMITS = { thoughtChars: 24, stringChars: 24, arrayItems: 3, planSteps: 3, planStepChars: 24, answerTokens: 256, observationChars: 200, keepRecentObservations: 2 };

describe("agent planner on the real engine (tiny random model)", function () {
  this.timeout(20 * 60_000);
  let engine: Engine;

  before(async function () {
    const modelPath = await requireTestModel(this);
    engine = await Engine.load({ modelPath, settings: { gpu: "auto", gpuLayers: "auto", threads: 1, contextSize: 2048 }, log: () => undefined, slots: ["agent"] });
  });

  after(async () => {
    await engine?.dispose();
  });

  it(`${STEPS} agent steps give ${STEPS} schema-valid tool calls, each run ends within its budgets`, async () => {
    const model = new EngineAgentModel(engine.sequence("agent"), { temperature: 0.8 });
    const ws = new MemoryWorkspace({ "a.ts": "export const a = 1;\n" });
    const tools = fakeTools(ws);
    let steps = 0;
    let runs = 0;
    let calls = 0;
    while (steps < STEPS) {
      const events: AgentEvent[] = [];
      const started = Date.now();
      const transcript = await runAgent({
        request: "Rename a to b in a.ts",
        model,
        tools,
        context: await fakeContext(),
        gate: new FakeGate({ command: "ask" }),
        approver: new FakeApprover("deny"),
        checkpoints: new FakeCheckpoints(),
        budgets: { maxSteps: Math.min(25, STEPS - steps), maxTokens: 200_000, maxWallMs: 120_000 },
        signal: new AbortController().signal,
        onEvent: (event) => events.push(event),
        limits: LIMITS,
      });
      runs++;
      assert.ok(["finished", "budget"].includes(transcript.status), `run ${runs} ended ${transcript.status}: ${transcript.error ?? ""}`);
      assert.ok(transcript.usage.steps <= Math.min(25, STEPS - steps + 1));
      assert.ok(Date.now() - started < 125_000);
      assert.deepEqual(events.filter((e) => e.type === "invalid-call"), [], "every answer is a valid call");
      for (const event of events) {
        if (event.type !== "tool-call") continue;
        calls++;
        assert.ok(validateAction({ thought: event.thought, tool: event.tool, args: event.args }, tools, DEFAULT_SCHEMA_LIMITS).ok);
      }
      steps += transcript.usage.steps;
    }
    assert.equal(calls, steps, "one valid call per step");
    console.log(`    ${steps} steps in ${runs} runs`);
  });
});
