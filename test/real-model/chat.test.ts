// The chat on real weights (item 1 of issue 12), for every real test model: Pincer's prompt is token
// for token the model's own chat template as node-llama-cpp renders it, greedy answers over LSP and
// from the CLI equal node-llama-cpp's own LlamaChatSession, and no template control token ever
// reaches the user (streamed chunks, stored history, CLI output).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { JinjaTemplateChatWrapper, LlamaChatSession, type ChatHistoryItem, type ChatWrapper, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { SYSTEM_PROMPT } from "../../server/src/chat/system-prompt";
import { Engine } from "../../server/src/engine/engine";
import type { ChatTurn } from "../../server/src/engine/sequence";
import { ChatChunkNotification, ChatContextRequest, ChatHistoryGetRequest, ChatRequest, ChatStoreRequest, type ChatChunkParams, type ChatResult, type Conversation, type ContextReport } from "../../server/src/protocol";
import { SERVER_BUNDLE, startTestServer, type TestServer } from "../support/lsp-client";
import { repoRoot, requireRealModel, type RealModelId } from "../support/test-model";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

/** Threads for every real-model test: the CI machine has 2 vCPUs (see bench/completion-real.ts for 1 vs 2). */
const REAL_MODEL_THREADS = 1;
const CONTEXT_SIZE = 2048;
const ANSWER_TOKENS = 32;
const CAPITAL_QUESTION = "What is the capital of France? Answer in one word.";
const PROMPTS = [CAPITAL_QUESTION, "Write a JavaScript function that returns the sum of an array of numbers.", "What does `git rebase` do? Answer in one sentence."];

/** Gemma 3's published template (google/gemma-3-*-it): the reference for a Gemma GGUF that has none. */
const GEMMA3_TEMPLATE = readFileSync(path.join(repoRoot, "test", "fixtures", "chat-templates", "gemma-3.jinja"), "utf8");

function referenceTemplate(model: LlamaModel): string {
  const own = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof own === "string" && own.trim() !== "") return own;
  assert.equal(model.fileInfo.metadata.general?.architecture, "gemma3", "a real test model without a template must be one whose published template the test knows");
  return GEMMA3_TEMPLATE;
}

function toHistory(turns: readonly ChatTurn[]): ChatHistoryItem[] {
  return [
    ...turns.map((t): ChatHistoryItem => (t.role === "system" ? { type: "system", text: t.text } : t.role === "user" ? { type: "user", text: t.text } : { type: "model", response: [t.text] })),
    { type: "model", response: [] },
  ];
}

/** Every `<…>` marker the template writes around turns, plus the model's BOS/EOS texts. */
function controlMarkers(wrapper: ChatWrapper, model: LlamaModel): string[] {
  const rendered = wrapper.generateContextState({ chatHistory: toHistory([{ role: "system", text: "s" }, { role: "user", text: "u" }, { role: "assistant", text: "a" }, { role: "user", text: "u" }]) }).contextText;
  const markers = new Set<string>(rendered.toString().match(/<[^<>\s]{2,}>/g) ?? []);
  for (const text of [model.tokens.bosString, model.tokens.eosString, model.tokens.eotString]) if (text) markers.add(text);
  for (const text of ["<start_of_turn>", "<end_of_turn>", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<eos>", "<bos>"]) markers.add(text);
  return [...markers];
}

function assertNoControlTokens(text: string, markers: readonly string[], where: string): void {
  for (const marker of markers) assert.ok(!text.includes(marker), `${where} contains the control token ${marker}: ${JSON.stringify(text)}`);
}

for (const id of ["gemma3-270m", "qwen2.5-coder-0.5b"] as const satisfies readonly RealModelId[]) {
  describe(`real model ${id}: chat in the model's own template`, function () {
    this.timeout(300_000);
    let modelPath: string;
    let engine: Engine;
    let reference: LlamaModel;
    let referenceContext: LlamaContext;
    let jinja: JinjaTemplateChatWrapper;
    let markers: string[];
    let server: TestServer;
    let tempDir: string;
    /** LlamaChatSession's greedy answers to PROMPTS, one conversation. */
    let sessionAnswers: string[];

    before(async function () {
      modelPath = requireRealModel(this, id);
      tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-real-chat-")));
      engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads: REAL_MODEL_THREADS, contextSize: CONTEXT_SIZE }, log: () => undefined, slots: ["chat"] });
      reference = await engine.llama.loadModel({ modelPath });
      referenceContext = await reference.createContext({ contextSize: CONTEXT_SIZE, threads: REAL_MODEL_THREADS });
      jinja = new JinjaTemplateChatWrapper({ template: referenceTemplate(reference), tokenizer: reference.tokenizer });
      markers = controlMarkers(jinja, reference);
    });

    after(async () => {
      await server?.stop();
      await referenceContext?.dispose();
      await reference?.dispose();
      await engine?.dispose();
      if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
    });

    it("renders every conversation shape token for token as the template does", () => {
      const conversations: ChatTurn[][] = [
        [
          { role: "system", text: SYSTEM_PROMPT },
          { role: "user", text: CAPITAL_QUESTION },
        ],
        [
          { role: "system", text: `${SYSTEM_PROMPT}\n\nInstructions from the workspace file AGENTS.md:\nPrefer small functions.` },
          { role: "user", text: "Context (file: a.ts):\n```\nexport const a = 1;\n```\n\nExplain this." },
          { role: "assistant", text: "It exports a constant `a` equal to 1." },
          { role: "user", text: "Rename it to `b`, s'il vous plaît — ünïcödé ✓." },
        ],
        [
          { role: "system", text: SYSTEM_PROMPT },
          { role: "user", text: "One" },
          { role: "assistant", text: "Two" },
          { role: "user", text: "Three" },
          { role: "assistant", text: "Four" },
          { role: "user", text: "Five" },
        ],
      ];
      for (const turns of conversations) {
        const pincer = engine.sequence("chat").chatPromptTokens(turns);
        const template = jinja.generateContextState({ chatHistory: toHistory(turns) }).contextText.tokenize(reference.tokenizer);
        assert.deepEqual(pincer, template, `prompt for ${turns.length} turns:\nPincer:   ${JSON.stringify(reference.detokenize(pincer as never, true))}\ntemplate: ${JSON.stringify(reference.detokenize(template, true))}`);
      }
    });

    it("answers over LSP exactly as LlamaChatSession does, greedy, over a three-turn conversation, with no control token streamed or stored", async () => {
      const session = new LlamaChatSession({ contextSequence: referenceContext.getSequence(), chatWrapper: sessionWrapper(reference, jinja), systemPrompt: SYSTEM_PROMPT });
      sessionAnswers = [];
      for (const prompt of PROMPTS) sessionAnswers.push(await session.prompt(prompt, { temperature: 0, maxTokens: ANSWER_TOKENS }));
      session.dispose();

      const workspace = path.join(tempDir, "ws");
      await fs.mkdir(workspace, { recursive: true });
      server = await startTestServer({
        settings: { model: modelPath, threads: REAL_MODEL_THREADS, contextSize: CONTEXT_SIZE, modelsDir: tempDir },
        env: { PINCER_CACHE_DIR: tempDir },
        workspaceFolders: [workspace],
      });
      await server.waitForStatus((s) => s.state === "ready", "ready", 120_000);
      const loaded = await server.waitForLog(/chat format/);
      assert.match(loaded, id === "gemma3-270m" ? /chat format JinjaTemplate \(the family's published template/ : /chat format Qwen \(the GGUF's template\)/, "the log says which chat format is used");
      await server.connection.sendRequest(ChatStoreRequest, { dir: path.join(tempDir, "history"), key: randomBytes(32).toString("base64") });

      let conversationId: string | undefined;
      const answers: string[] = [];
      const turns: ChatTurn[] = [{ role: "system", text: SYSTEM_PROMPT }];
      for (const [i, prompt] of PROMPTS.entries()) {
        // The meter's count is the rendered template's count for the same messages.
        const report: ContextReport = await server.connection.sendRequest(ChatContextRequest, { conversationId, message: prompt });
        const expectedTokens = jinja.generateContextState({ chatHistory: toHistory([...turns, { role: "user", text: prompt }]) }).contextText.tokenize(reference.tokenizer).length;
        assert.equal(report.usedTokens, expectedTokens, `turn ${i + 1}: tokens the chat meter reports`);

        const requestId = `real-${id}-${i}`;
        const chunks: string[] = [];
        const listener = server.connection.onNotification(ChatChunkNotification, (p: ChatChunkParams) => {
          if (p.id === requestId) chunks.push(p.text);
        });
        const result: ChatResult = await server.connection.sendRequest(ChatRequest, { id: requestId, conversationId, message: prompt, maxTokens: ANSWER_TOKENS });
        listener.dispose();
        conversationId = result.conversationId;
        assert.equal(chunks.join(""), result.text, "the streamed chunks add up to the answer");
        for (const chunk of chunks) assertNoControlTokens(chunk, markers, `turn ${i + 1}, a streamed chunk`);
        assertNoControlTokens(result.text, markers, `turn ${i + 1}, the answer`);
        answers.push(result.text);
        turns.push({ role: "user", text: prompt }, { role: "assistant", text: result.text });
      }
      console.log(`      ${id} answers (Pincer over LSP = LlamaChatSession): ${JSON.stringify(answers)}`);
      assert.deepEqual(answers, sessionAnswers, "greedy answers through Pincer and through LlamaChatSession");

      const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: conversationId! });
      assert.deepEqual(
        stored.messages.map((m) => [m.role, m.text]),
        PROMPTS.flatMap((p, i) => [
          ["user", p],
          ["assistant", answers[i]],
        ]),
      );
      for (const message of stored.messages) assertNoControlTokens(message.text, markers, `the stored ${message.role} message`);
    });

    it(`pincer chat (CLI) answers "${CAPITAL_QUESTION}" as LlamaChatSession does`, async function () {
      if (!sessionAnswers) this.skip();
      const settingsFile = path.join(tempDir, "cli-settings.json");
      await fs.writeFile(settingsFile, JSON.stringify({ "pincer.threads": REAL_MODEL_THREADS, "pincer.contextSize": CONTEXT_SIZE }));
      const cli = spawnSync(process.execPath, [SERVER_BUNDLE, "chat", "--model", modelPath, "--max-tokens", String(ANSWER_TOKENS), CAPITAL_QUESTION], {
        cwd: tempDir,
        encoding: "utf8",
        env: { ...process.env, PINCER_CACHE_DIR: tempDir, PINCER_SETTINGS: settingsFile },
      });
      assert.equal(cli.status, 0, cli.stderr);
      console.log(`      ${id}: pincer chat → ${JSON.stringify(cli.stdout)}`);
      assertNoControlTokens(cli.stdout, markers, "the CLI output");
      assert.equal(cli.stdout, `${sessionAnswers[0]}\n`);
      if (id === "qwen2.5-coder-0.5b") assert.match(cli.stdout.trim(), /^Paris\.?$/);
    });
  });
}

/**
 * The wrapper node-llama-cpp's own session would use: its default resolution when the GGUF carries a
 * template, else the published template (a GGUF without one would otherwise get a guessed format).
 */
function sessionWrapper(model: LlamaModel, jinja: JinjaTemplateChatWrapper): ChatWrapper | undefined {
  return typeof model.fileInfo.metadata.tokenizer?.chat_template === "string" ? undefined : jinja;
}
