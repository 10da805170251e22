import assert from "node:assert/strict";
import { Engine } from "./engine";
import type { ChatTurn } from "./sequence";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

describe("EngineSequence.chatTurns (multi-turn chat)", () => {
  let engine: Engine;

  before(async function () {
    const modelPath = await requireTestModel(this);
    engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "off", gpuLayers: "auto", threads: 1, contextSize: 1024 }, log: () => undefined, slots: ["chat"] });
  });

  after(async () => {
    await engine?.dispose();
  });

  it("reuses the evaluated prefix: the next turn evaluates only the new messages", async () => {
    const sequence = engine.sequence("chat");
    const system: ChatTurn = { role: "system", text: "You are terse. ".repeat(40) };
    const first: ChatTurn[] = [system, { role: "user", text: "First question about the build system and its targets." }];
    const firstPromptTokens = sequence.chatTokenCount(first);
    const before = sequence.evaluatedInputTokens;
    const answer = await sequence.chatTurns(first, { signal: NEVER_ABORTED, maxTokens: 8 });
    const afterFirst = sequence.evaluatedInputTokens;
    assert.ok(afterFirst - before >= firstPromptTokens - 2, "the first turn evaluates its whole prompt");

    const second: ChatTurn[] = [...first, { role: "assistant", text: answer.text }, { role: "user", text: "And the second?" }];
    const secondPromptTokens = sequence.chatTokenCount(second);
    await sequence.chatTurns(second, { signal: NEVER_ABORTED, maxTokens: 8 });
    const evaluated = sequence.evaluatedInputTokens - afterFirst;
    assert.ok(evaluated < secondPromptTokens / 3, `evaluated ${evaluated} of ${secondPromptTokens} prompt tokens (the shared prefix came from the KV cache)`);
  });

  it("counts the rendered template's tokens, more than the bare texts", () => {
    const sequence = engine.sequence("chat");
    const turns: ChatTurn[] = [
      { role: "system", text: "sys" },
      { role: "user", text: "hello there" },
    ];
    assert.ok(sequence.chatTokenCount(turns) > engine.tokenCount("sys") + engine.tokenCount("hello there"));
  });
});
