import assert from "node:assert/strict";
import type { AgentEvent } from "./agent-events";
import type { AgentBudgets } from "./budgets";
import { runAgent, type RunAgentOptions } from "./planner";
import { FakeApprover, FakeCheckpoints, FakeGate, fakeContext, fakeTools, MemoryWorkspace } from "./planner-test-fakes";
import { ScriptedModel, type ScriptedAnswer } from "./scripted-model";

const BUDGETS: AgentBudgets = { maxSteps: 20, maxTokens: 1_000_000, maxWallMs: 60_000 };
const call = (tool: string, args: Record<string, unknown>, thought = "") => ({ thought, tool, args });
const plan = (...steps: string[]) => ({ plan: steps });
const lastObservation = (segments: readonly string[]) => [...segments].reverse().find((s) => s.startsWith("Observation")) ?? "";

async function run(script: ScriptedAnswer[], ws: MemoryWorkspace, overrides: Partial<RunAgentOptions> = {}) {
  const model = overrides.model instanceof ScriptedModel ? overrides.model : new ScriptedModel(script);
  const checkpoints = new FakeCheckpoints();
  const events: AgentEvent[] = [];
  const transcript = await runAgent({
    request: "do it",
    model,
    tools: fakeTools(ws),
    context: await fakeContext(),
    gate: new FakeGate(),
    approver: new FakeApprover("deny"),
    checkpoints,
    budgets: BUDGETS,
    signal: new AbortController().signal,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { transcript, model, checkpoints, events };
}

describe("agent planner (scripted model)", () => {
  it("does a multi-file refactor: plan, reads, edits with checkpoints, a check, a summary", async () => {
    const ws = new MemoryWorkspace({ "a.ts": "export function oldName() {}", "b.ts": "import { oldName } from './a';\noldName();" });
    const { transcript, model, checkpoints } = await run(
      [
        plan("Read both files", "Rename in a.ts", "Rename in b.ts", "Type-check"),
        call("read_file", { path: "a.ts" }),
        call("replace_in_file", { path: "a.ts", old: "oldName", new: "newName" }),
        call("read_file", { path: "b.ts" }),
        call("replace_in_file", { path: "b.ts", old: "oldName", new: "newName" }),
        call("run_command", { command: "npx tsc --noEmit" }),
        call("finish", { summary: "Renamed oldName to newName in a.ts and b.ts", verified: "tsc passed" }),
      ],
      ws,
    );
    assert.equal(transcript.status, "finished");
    assert.deepEqual(transcript.plan, ["Read both files", "Rename in a.ts", "Rename in b.ts", "Type-check"]);
    assert.equal(ws.files.get("a.ts"), "export function newName() {}");
    assert.equal(ws.files.get("b.ts"), "import { newName } from './a';\nnewName();");
    assert.deepEqual(transcript.changedPaths, ["a.ts", "b.ts"]);
    assert.deepEqual(transcript.checkpointIds, ["cp-2", "cp-4", "cp-5"], "a checkpoint before each edit and command, none for reads");
    assert.deepEqual(checkpoints.log, ["before 2", "after 2", "before 4", "after 4", "before 5", "after 5"]);
    assert.deepEqual(checkpoints.paths, [["a.ts"], ["b.ts"], []], "each snapshot covers the call's own paths");
    assert.equal(transcript.summary?.verified, "tsc passed");
    assert.equal(transcript.steps.length, 6);
    // Append-only: each request's messages start with every message of the previous one.
    for (let i = 1; i < model.requests.length; i++) {
      const before = model.requests[i - 1]!.messages;
      assert.deepEqual(model.requests[i]!.messages.slice(0, before.length), before);
    }
  });

  it("sees a failing command, fixes the code and runs it again", async () => {
    const ws = new MemoryWorkspace({ "sum.js": "const sum = (a, b) => a - b;" });
    ws.commandResults.set("npm test", { exitCode: 1, output: "sum(1, 2): expected 3, got -1" });
    const { transcript } = await run(
      [
        plan("Run the tests", "Fix what fails"),
        call("run_command", { command: "npm test" }),
        (segments: readonly string[]) => {
          assert.match(lastObservation(segments), /\(error\).*exit 1[\s\S]*expected 3, got -1/);
          ws.commandResults.set("npm test", { exitCode: 0, output: "1 passing" });
          return call("replace_in_file", { path: "sum.js", old: "a - b", new: "a + b" });
        },
        call("run_command", { command: "npm test" }),
        (segments: readonly string[]) => {
          assert.match(lastObservation(segments), /exit 0\n1 passing/);
          return call("finish", { summary: "Fixed sum", verified: "npm test passes" });
        },
      ],
      ws,
    );
    assert.equal(transcript.status, "finished");
    assert.equal(ws.files.get("sum.js"), "const sum = (a, b) => a + b;");
    assert.deepEqual(ws.commands, ["npm test", "npm test"]);
    assert.equal(transcript.steps[0]!.result?.ok, false);
    assert.equal(transcript.steps[2]!.result?.ok, true);
  });

  it("re-plans when an observation says the plan is wrong", async () => {
    const ws = new MemoryWorkspace({ "src/index.ts": "x" });
    const { transcript, events } = await run(
      [
        plan("Edit lib.ts"),
        call("read_file", { path: "lib.ts" }),
        (segments: readonly string[]) => {
          assert.match(lastObservation(segments), /File not found: lib\.ts/);
          return call("replan", { reason: "lib.ts does not exist", steps: ["Read src/index.ts", "Edit it"] });
        },
        call("read_file", { path: "src/index.ts" }),
        call("finish", { summary: "nothing to change", verified: "not verified" }),
      ],
      ws,
    );
    assert.equal(transcript.status, "finished");
    assert.deepEqual(transcript.plan, ["Read src/index.ts", "Edit it"]);
    assert.deepEqual(transcript.steps[1]!.replan, { reason: "lib.ts does not exist", steps: ["Read src/index.ts", "Edit it"] });
    assert.ok(events.some((e) => e.type === "replan"));
  });

  it("stops on the step budget", async () => {
    const ws = new MemoryWorkspace({ "a": "1" });
    const script = [plan("loop"), ...Array.from({ length: 10 }, () => call("read_file", { path: "a" }))];
    const { transcript } = await run(script, ws, { budgets: { ...BUDGETS, maxSteps: 3 } });
    assert.equal(transcript.status, "budget");
    assert.equal(transcript.budgetStop, "steps");
    assert.equal(transcript.steps.length, 3);
  });

  it("stops on the token budget", async () => {
    const ws = new MemoryWorkspace({ "a": "x".repeat(400) });
    const script = [plan("loop"), ...Array.from({ length: 50 }, () => call("read_file", { path: "a" }))];
    const { transcript } = await run(script, ws, { budgets: { ...BUDGETS, maxTokens: 1500 } });
    assert.equal(transcript.status, "budget");
    assert.equal(transcript.budgetStop, "tokens");
    assert.ok(transcript.usage.tokens >= 1500);
    assert.ok(transcript.steps.length < 50);
  });

  it("stops on the wall-time budget", async () => {
    let clock = 0;
    const ws = new MemoryWorkspace({ "a": "1" });
    const script = [plan("loop"), ...Array.from({ length: 10 }, () => () => ((clock += 400), call("read_file", { path: "a" })))];
    const { transcript } = await run(script, ws, { budgets: { ...BUDGETS, maxWallMs: 1000 }, now: () => clock });
    assert.equal(transcript.status, "budget");
    assert.equal(transcript.budgetStop, "time");
    assert.equal(transcript.steps.length, 3);
  });

  it("cancels at any moment: during generation, nothing further runs", async () => {
    const ws = new MemoryWorkspace({ "a": "1" });
    const controller = new AbortController();
    const model = new ScriptedModel([plan("p"), call("read_file", { path: "a" }), call("run_command", { command: "make" })], 32_768, (index) => {
      if (index === 2) controller.abort();
    });
    const { transcript } = await run([], ws, { model, signal: controller.signal });
    assert.equal(transcript.status, "cancelled");
    assert.deepEqual(ws.commands, []);
  });

  it("cancels during a tool call: the call sees the abort, the checkpoint still records what changed", async () => {
    const ws = new MemoryWorkspace({});
    const controller = new AbortController();
    let sawAbort = false;
    const slow = {
      ...fakeTools(ws)[2]!,
      name: "run_command",
      run: (_args: Record<string, unknown>, context: { signal: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          context.signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(new Error("killed"));
          });
          controller.abort();
        }),
    };
    const checkpoints = new FakeCheckpoints();
    const transcript = await runAgent({
      request: "r",
      model: new ScriptedModel([plan("p"), call("run_command", { command: "sleep 100" })]),
      tools: [slow],
      context: await fakeContext(),
      gate: new FakeGate(),
      approver: new FakeApprover("deny"),
      checkpoints,
      budgets: BUDGETS,
      signal: controller.signal,
    });
    assert.equal(transcript.status, "cancelled");
    assert.equal(sawAbort, true);
    assert.deepEqual(checkpoints.log, ["before 1", "after 1"]);
  });

  it("turns an invalid answer into an actionable observation and carries on", async () => {
    const ws = new MemoryWorkspace({ "a": "1" });
    const { transcript } = await run(
      [plan("p"), call("delete_everything", {}), call("read_file", { path: 7 }), call("finish", { summary: "s", verified: "v" })],
      ws,
    );
    assert.equal(transcript.status, "finished");
    assert.match(transcript.steps[0]!.invalidCall!.error, /no tool "delete_everything"/);
    assert.match(transcript.steps[1]!.result!.observation, /args\.path must be a string/);
  });

  it("denied calls become observations; the tool never runs", async () => {
    const ws = new MemoryWorkspace({ "a": "1" });
    const { transcript } = await run(
      [plan("p"), call("replace_in_file", { path: "a", old: "1", new: "2" }), call("finish", { summary: "s", verified: "v" })],
      ws,
      { gate: new FakeGate({ edit: "deny" }) },
    );
    assert.equal(transcript.status, "finished");
    assert.equal(ws.files.get("a"), "1");
    assert.deepEqual(transcript.checkpointIds, []);
    assert.match(transcript.steps[0]!.result!.observation, /Not allowed: profile says deny for edit/);
  });

  it("routes ask to the approver: approve runs it, always is remembered by the gate, deny can stop a headless run", async () => {
    const ws = new MemoryWorkspace({ "a": "1" });
    const gate = new FakeGate({ command: "ask" });
    const approved = await run([plan("p"), call("run_command", { command: "make" }), call("finish", { summary: "s", verified: "v" })], ws, { gate, approver: new FakeApprover("always") });
    assert.equal(approved.transcript.status, "finished");
    assert.deepEqual(ws.commands, ["make"]);
    assert.equal(gate.remembered.length, 1);
    assert.equal(approved.transcript.steps[0]!.approval?.answer, "always");

    const refused = await run([plan("p"), call("run_command", { command: "make clean" }), call("finish", { summary: "s", verified: "v" })], ws, {
      gate: new FakeGate({ command: "ask" }),
      approver: new FakeApprover("deny"),
      stopOnRefusedApproval: true,
    });
    assert.equal(refused.transcript.status, "approval-needed");
    assert.deepEqual(ws.commands, ["make"]);
    assert.equal(refused.transcript.steps[0]!.approval?.request.command, "make clean");
  });

  it("truncates a large observation with a visible note and pages it on request", async () => {
    const ws = new MemoryWorkspace({ "big.txt": "a".repeat(2500) + "THE END" });
    const { transcript } = await run(
      [
        plan("p"),
        call("read_file", { path: "big.txt" }),
        (segments: readonly string[]) => {
          assert.match(lastObservation(segments), /\[characters 0-2000 of 2507\. Call more_output with \{"step": 1, "offset": 2000\} for the rest\.\]/);
          return call("more_output", { step: 1, offset: 2000 });
        },
        call("finish", { summary: "s", verified: "v" }),
      ],
      ws,
      { limits: { observationChars: 2000 } },
    );
    assert.equal(transcript.steps[0]!.result!.truncated, true);
    assert.match(transcript.steps[1]!.result!.observation, /THE END\n\[characters 2000-2507 of 2507\.\]$/);
  });

  it("summarises older observations when the context fills, and stops when even that cannot fit", async () => {
    const ws = new MemoryWorkspace({ "a": "b".repeat(1600) });
    const reads = Array.from({ length: 8 }, () => call("read_file", { path: "a" }));
    const small = new ScriptedModel([plan("p"), ...reads, call("finish", { summary: "s", verified: "v" })], 3000);
    const { transcript, events } = await run([], ws, { model: small, limits: { answerTokens: 256 } });
    assert.equal(transcript.status, "finished");
    const compacted = events.filter((e): e is Extract<AgentEvent, { type: "compacted" }> => e.type === "compacted");
    assert.ok(compacted.length > 0);
    assert.equal(compacted[0]!.summarisedSteps[0], 1, "oldest first");
    const lastRequest = small.requests[small.requests.length - 1]!.messages.map((m) => m.text).join("");
    assert.match(lastRequest, /\[summarised: \d+ characters; more_output with \{"step": 1, "offset": 0\} shows it\]/);

    const tiny = new ScriptedModel([plan("p"), ...reads], 900);
    const stopped = await run([], ws, { model: tiny, limits: { answerTokens: 256 } });
    assert.equal(stopped.transcript.status, "budget");
    assert.equal(stopped.transcript.budgetStop, "context");
  });
});
