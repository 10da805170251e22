import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { JinjaTemplateChatWrapper, resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel } from "node-llama-cpp";
import { layoutTurns, type LayoutTurn } from "./chat-layout";
import { Engine } from "./engine";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const GEMMA3_TEMPLATE = readFileSync(path.resolve(here, "..", "..", "..", "test", "fixtures", "chat-templates", "gemma-3.jinja"), "utf8");

const CONVERSATION: LayoutTurn[] = [
  { role: "system", text: "You are an agent. Tools:\n- read_file(path)" },
  { role: "user", text: "Request: rename a to b.\n\nReply with your plan." },
  { role: "assistant", text: '{"plan": ["read", "edit"]}' },
  { role: "user", text: "Carry out the plan." },
  { role: "assistant", text: '{"thought": "read it", "tool": "read_file", "args": {"path": "src/a.ts"}}' },
  { role: "user", text: "Observation 1: export const a = 1;\n" },
];

describe("layoutTurns: the chat template as tokens, sampled answers kept", function () {
  this.timeout(120_000);
  let engine: Engine;
  let model: LlamaModel;
  let wrappers: [string, ChatWrapper][];

  before(async function () {
    const modelPath = await requireTestModel(this);
    engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads: 1, contextSize: 512 }, log: () => undefined, slots: ["agent"] });
    model = await engine.llama.loadModel({ modelPath });
    wrappers = [
      ["the model's own wrapper", resolveChatWrapper(model)],
      ["a Jinja template (Gemma 3)", new JinjaTemplateChatWrapper({ template: GEMMA3_TEMPLATE, tokenizer: model.tokenizer })],
    ];
  });

  after(async () => {
    await model?.dispose();
    await engine?.dispose();
  });

  const templateTokens = (wrapper: ChatWrapper, turns: readonly LayoutTurn[]) => {
    const history: ChatHistoryItem[] = [
      ...turns.map((t): ChatHistoryItem => (t.role === "system" ? { type: "system", text: t.text } : t.role === "user" ? { type: "user", text: t.text } : { type: "model", response: [t.text] })),
      { type: "model", response: [] },
    ];
    return wrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
  };

  it("is the template's own tokenization when no answer carries sampled tokens", () => {
    for (const [name, wrapper] of wrappers) {
      for (let end = 2; end <= CONVERSATION.length; end++) {
        assert.deepEqual(layoutTurns(wrapper, model, CONVERSATION.slice(0, end)), templateTokens(wrapper, CONVERSATION.slice(0, end)), `${name}, ${end} turns`);
      }
    }
  });

  it("only grows: the next layout starts with this prompt plus the answer's sampled tokens, however the answer was split", () => {
    for (const [name, wrapper] of wrappers) {
      const prompt = layoutTurns(wrapper, model, CONVERSATION.slice(0, 4));
      const answer = CONVERSATION[4]!.text;
      // A tokenization no tokenizer would choose: one character per token, as a grammar can force.
      const sampled = [...answer].flatMap((char) => model.tokenize(char, false, "trimLeadingSpace"));
      assert.equal(model.detokenize(sampled as never[]), answer);
      assert.notDeepEqual(sampled, model.tokenize(answer, false, "trimLeadingSpace"));
      const next = layoutTurns(wrapper, model, [...CONVERSATION.slice(0, 4), { ...CONVERSATION[4]!, tokens: sampled }, CONVERSATION[5]!]);
      assert.deepEqual(next.slice(0, prompt.length + sampled.length), [...prompt, ...sampled], name);
      assert.equal(model.detokenize(next as never[]), model.detokenize(templateTokens(wrapper, CONVERSATION)), `${name}: the same text as the template`);
    }
  });

  it("an answer the template does not show verbatim is tokenized like any text", () => {
    const [, wrapper] = wrappers[1]!;
    // Gemma's template trims each message: the answer's spaces are gone, so its tokens cannot be spliced.
    const turns: LayoutTurn[] = [...CONVERSATION.slice(0, 4), { role: "assistant", text: "  {}  ", tokens: model.tokenize("  {}  ", false, "trimLeadingSpace") }, CONVERSATION[5]!];
    assert.deepEqual(layoutTurns(wrapper, model, turns), templateTokens(wrapper, turns));
  });
});
