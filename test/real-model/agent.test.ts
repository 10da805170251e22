// The agent on real weights (items 2 and 3 of issue 12), for every real test model: the agent's
// conversation is the model's own chat template token for token, every answer over 100 steps (200 with
// PINCER_REAL_AGENT_STEPS=200; CI keeps 100 to stay within its time) parses
// and matches its tool's schema, and each step evaluates exactly its new tokens (the KV cache holds
// the rest). Real tools, gate and workspace; the model's calls are whatever it samples.
import assert from "node:assert/strict";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { JinjaTemplateChatWrapper, type ChatHistoryItem, type LlamaModel } from "node-llama-cpp";
import { CliFileWriter } from "../../server/src/agent/cli-file-writer";
import { ProcessCommandRunner } from "../../server/src/agent/command-runner";
import { DEFAULT_COMMAND_RULES } from "../../server/src/agent/command-rules-file";
import { createPermissionGate } from "../../server/src/agent/permissions";
import { DEFAULT_SCHEMA_LIMITS, validateAction } from "../../server/src/agent/planner/action-schema";
import type { AgentEvent } from "../../server/src/agent/planner/agent-events";
import type { AgentMessage } from "../../server/src/agent/planner/agent-model";
import { EngineAgentModel } from "../../server/src/agent/planner/engine-agent-model";
import { runAgent } from "../../server/src/agent/planner/planner";
import { FakeCheckpoints } from "../../server/src/agent/planner/planner-test-fakes";
import { describeWorkspace } from "../../server/src/agent/planner/workspace-context";
import { createTools } from "../../server/src/agent/tools/index";
import { Engine } from "../../server/src/engine/engine";
import { WorkspaceRoots } from "../../server/src/platform/workspace-paths";
import { repoRoot, requireRealModel, type RealModelId } from "../support/test-model";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const STEPS = Number(process.env.PINCER_REAL_AGENT_STEPS ?? 100);
const RUN_STEPS = 25;
/** One thread: fastest on the 2-vCPU CI machine (see bench/completion-real.ts). */
const THREADS = 1;
const CONTEXT_SIZE = 4096;
// A short thought and short observations keep 100 real-weight steps to minutes; every other cap
// is the default one, fitted to the answer budget.
const LIMITS = { thoughtChars: 24, observationChars: 300 };
const GEMMA3_TEMPLATE = readFileSync(path.join(repoRoot, "test", "fixtures", "chat-templates", "gemma-3.jinja"), "utf8");

const REQUESTS = ["Rename the function add to sum in src/math.ts and update its callers", "Find where VERSION is defined and add a test for it", "List the files and tell me what this project does"];

for (const id of ["gemma3-270m", "qwen2.5-coder-0.5b"] as const satisfies readonly RealModelId[]) {
  describe(`real model ${id}: the agent in the model's own chat template`, function () {
    this.timeout(60 * 60_000);
    let engine: Engine;
    let reference: LlamaModel;
    let parent: string;
    let workspace: string;

    before(async function () {
      const modelPath = requireRealModel(this, id);
      engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads: THREADS, contextSize: CONTEXT_SIZE }, log: () => undefined, slots: ["agent"] });
      reference = await engine.llama.loadModel({ modelPath, vocabOnly: true });
      parent = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-real-agent-")));
      workspace = path.join(parent, "ws");
      await fs.mkdir(path.join(workspace, "src"), { recursive: true });
      await fs.writeFile(path.join(workspace, "src", "math.ts"), "export function add(a: number, b: number): number {\n  return a + b;\n}\n");
      await fs.writeFile(path.join(workspace, "src", "main.ts"), 'import { add } from "./math";\nexport const VERSION = "1.2.0";\nconsole.log(add(1, 2));\n');
      await fs.writeFile(path.join(workspace, "README.md"), "# calc\n\nA tiny calculator.\n");
    });

    after(async () => {
      await reference?.dispose();
      await engine?.dispose();
      if (parent) await fs.rm(parent, { recursive: true, force: true });
    });

    it("lays the agent's conversation out token for token as the model's template renders it", async () => {
      const messages: AgentMessage[] = [];
      const model = new EngineAgentModel(engine.sequence("agent"));
      const roots = await WorkspaceRoots.create([workspace]);
      // One short run records the planner's real messages (system, request, plan, cue, answers, observations).
      await runAgent({
        request: REQUESTS[0]!,
        workspaceContext: await describeWorkspace(roots),
        model: {
          contextSize: model.contextSize,
          countTokens: (m) => model.countTokens(m),
          generate: async (request) => {
            messages.splice(0, messages.length, ...request.messages);
            return model.generate(request);
          },
        },
        tools: createTools(),
        context: { roots, files: new CliFileWriter(), commands: new ProcessCommandRunner() },
        gate: createPermissionGate({ profile: "read-only", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots }),
        approver: { request: async () => "deny" },
        checkpoints: new FakeCheckpoints(),
        budgets: { maxSteps: 3, maxTokens: 1_000_000, maxWallMs: 600_000 },
        signal: new AbortController().signal,
        limits: LIMITS,
      });
      assert.ok(messages.some((m) => m.role === "observation"), "the run produced observations");
      const history: ChatHistoryItem[] = [
        ...messages.map((m): ChatHistoryItem => (m.role === "system" ? { type: "system", text: m.text } : m.role === "assistant" ? { type: "model", response: [m.text] } : { type: "user", text: m.text })),
        { type: "model", response: [] },
      ];
      const template = referenceWrapper(reference).generateContextState({ chatHistory: history }).contextText.tokenize(reference.tokenizer);
      const pincer = engine.sequence("agent").chatLayout(messages.map((m) => ({ role: m.role === "observation" ? "user" : m.role, text: m.text })));
      const show = (tokens: readonly number[]) => JSON.stringify(reference.detokenize(tokens as never[], true));
      assert.deepEqual(pincer, template, `the agent prompt is the template's own tokens:\nPincer:   ${show(pincer)}\ntemplate: ${show(template)}`);
    });

    it(`${STEPS} steps: every answer parses and matches its tool's schema, and each step evaluates exactly its new tokens`, async () => {
      const roots = await WorkspaceRoots.create([workspace]);
      const model = new EngineAgentModel(engine.sequence("agent"), { temperature: 0.7, seed: 7 });
      const tools = createTools();
      let steps = 0;
      let calls = 0;
      let exact = 0;
      let runs = 0;
      const evaluated: number[] = [];
      const generated: number[] = [];
      const started = Date.now();
      while (steps < STEPS) {
        const events: AgentEvent[] = [];
        const transcript = await runAgent({
          request: REQUESTS[runs % REQUESTS.length]!,
          workspaceContext: await describeWorkspace(roots),
          model,
          tools,
          context: { roots, files: new CliFileWriter(), commands: new ProcessCommandRunner() },
          // Read-only: the model's edits and commands are denied, so every run starts from the same files.
          gate: createPermissionGate({ profile: "read-only", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots }),
          approver: { request: async () => "deny" },
          checkpoints: new FakeCheckpoints(),
          budgets: { maxSteps: Math.min(RUN_STEPS, STEPS - steps), maxTokens: 1_000_000, maxWallMs: 1_800_000 },
          signal: new AbortController().signal,
          onEvent: (event) => events.push(event),
          limits: LIMITS,
        });
        runs++;
        assert.ok(["finished", "budget"].includes(transcript.status), `run ${runs} ended ${transcript.status}: ${transcript.error ?? ""}`);
        assert.deepEqual(events.filter((e) => e.type === "invalid-call"), [], "every answer is a valid call");
        let compacted = false;
        for (const event of events) {
          if (event.type === "tool-call") {
            calls++;
            assert.ok(validateAction({ thought: event.thought, tool: event.tool, args: event.args }, tools, DEFAULT_SCHEMA_LIMITS).ok);
          }
          if (event.type === "compacted") compacted = true;
          if (event.type !== "step-end") continue;
          steps++;
          evaluated.push(event.evaluatedPromptTokens);
          generated.push(event.generatedTokens);
          if (!compacted) {
            assert.equal(event.evaluatedPromptTokens, event.newPromptTokens, `run ${runs} step ${event.step}: evaluated ${event.evaluatedPromptTokens} prompt tokens, ${event.newPromptTokens} new`);
            exact++;
          }
          compacted = false;
        }
      }
      assert.equal(calls, steps, "one well-formed call per step");
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
      console.log(
        `      ${id}: ${steps} steps in ${runs} runs, ${calls} well-formed calls (100%); ${exact} steps evaluated exactly their new tokens; ` +
          `prompt tokens evaluated per step: median ${median(evaluated)}; generated: median ${median(generated)}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    });
  });
}

/** The model's own template (the GGUF's, or Gemma 3's published one) as node-llama-cpp renders it. */
function referenceWrapper(model: LlamaModel): JinjaTemplateChatWrapper {
  const own = model.fileInfo.metadata.tokenizer?.chat_template;
  const template = typeof own === "string" && own.trim() !== "" ? own : GEMMA3_TEMPLATE;
  return new JinjaTemplateChatWrapper({ template, tokenizer: model.tokenizer });
}
