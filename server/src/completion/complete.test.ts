import assert from "node:assert/strict";
import { Engine } from "../engine/engine";
import { cleanSuggestion, completeAt, offsetAt, wholeLines } from "./complete";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * The test model's path, or a skip with the reason. test/support lies outside the server project,
 * so tsc -b cannot follow a static import of it; and a top-level await would make mocha import this
 * file as ESM beside the others it requires, loading the modules under test twice.
 */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

describe("wholeLines", () => {
  it("drops the line a token limit cut off, and only then", () => {
    assert.equal(wholeLines("a();\nonError(token, 'TAG_RESOL", "maxTokens"), "a();");
    assert.equal(wholeLines("a();\nb();\n", "maxTokens"), "a();\nb();");
    assert.equal(wholeLines("onError(token, 'TAG_RESOL", "maxTokens"), "onError(token, 'TAG_RESOL", "a single line stays");
    assert.equal(wholeLines("a();\nb(", "eos"), "a();\nb(", "the model ended it there");
    assert.equal(wholeLines("a();\nb(", "stopped"), "a();\nb(");
  });
});

describe("cleanSuggestion", () => {
  it("cuts to the line budget", () => {
    assert.equal(cleanSuggestion("a\nb\nc\nd", { maxLines: 2, suffix: "" }), "a\nb");
    assert.equal(cleanSuggestion("a\nb", { maxLines: 5, suffix: "" }), "a\nb");
    assert.equal(cleanSuggestion("only one line\nsecond", { maxLines: 1, suffix: "" }), "only one line");
  });

  it("drops trailing whitespace on each line and trailing newlines", () => {
    assert.equal(cleanSuggestion("x = 1;  \n\ty = 2;\t\n\n\n", { maxLines: 10, suffix: "" }), "x = 1;\n\ty = 2;");
    assert.equal(cleanSuggestion("a\r\nb  \r\n", { maxLines: 10, suffix: "" }), "a\nb");
  });

  it("keeps leading indentation", () => {
    assert.equal(cleanSuggestion("    return x;", { maxLines: 1, suffix: "" }), "    return x;");
  });

  it("trims the end that the text after the cursor already has", () => {
    assert.equal(cleanSuggestion("add(a, b));", { maxLines: 1, suffix: ");\n}" }), "add(a, b)");
    assert.equal(cleanSuggestion("  return a + b;\n}", { maxLines: 5, suffix: "\n}\n" }), "  return a + b;");
    assert.equal(cleanSuggestion("foo()", { maxLines: 1, suffix: "bar" }), "foo()", "no overlap, nothing cut");
  });

  it("returns nothing for a blank suggestion, or one the suffix already contains entirely", () => {
    assert.equal(cleanSuggestion("   \n\t\n", { maxLines: 5, suffix: "" }), "");
    assert.equal(cleanSuggestion("", { maxLines: 5, suffix: "" }), "");
    assert.equal(cleanSuggestion(")", { maxLines: 1, suffix: ")" }), "");
  });
});

describe("offsetAt", () => {
  const text = "ab\ncdef\n\nxyz";

  it("turns a line and character into an offset", () => {
    assert.equal(offsetAt(text, 0, 0), 0);
    assert.equal(offsetAt(text, 0, 2), 2);
    assert.equal(offsetAt(text, 1, 0), 3);
    assert.equal(offsetAt(text, 1, 3), 6);
    assert.equal(offsetAt(text, 2, 0), 8);
    assert.equal(offsetAt(text, 3, 1), 10);
  });

  it("clamps a character past the end of its line to the line's end", () => {
    assert.equal(offsetAt(text, 0, 99), 2);
    assert.equal(offsetAt(text, 1, 99), 7);
    assert.equal(offsetAt(text, 2, 5), 8);
    assert.equal(offsetAt(text, 3, 99), text.length);
  });

  it("goes to the end of the text for a line past the last one", () => {
    assert.equal(offsetAt(text, 4, 0), text.length);
    assert.equal(offsetAt(text, 100, 3), text.length);
    assert.equal(offsetAt("", 0, 5), 0);
  });

  it("ends a CRLF line before its \\r", () => {
    const crlf = "ab\r\ncd\r\n";
    assert.equal(offsetAt(crlf, 0, 99), 2);
    assert.equal(offsetAt(crlf, 1, 1), 5);
    assert.equal(offsetAt(crlf, 1, 99), 6);
  });
});

describe("completeAt", () => {
  let engine: Engine;
  const code = "function add(a, b) {\n  return a + b;\n}\n\nfunction multiply(a, b) {\n";

  before(async function () {
    const modelPath = await requireTestModel(this);
    engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { gpu: "auto", gpuLayers: "auto", threads: 1, contextSize: 512 }, log: () => undefined });
  });

  after(async () => {
    await engine?.dispose();
  });

  it("returns a suggestion within the line budget, from a prefix-only continuation for a model without FIM tokens", async () => {
    for (const maxLines of [1, 2]) {
      const result = await completeAt(engine, { signal: NEVER_ABORTED, text: code, offset: code.length, maxTokens: 24, maxLines });
      assert.equal(typeof result.insertText, "string");
      assert.equal(result.cancelled, false);
      assert.equal(result.usedInfill, false, "the tiny model has no FIM tokens");
      assert.ok(result.insertText.split("\n").length <= maxLines, `${maxLines} line(s): ${JSON.stringify(result.insertText)}`);
      assert.equal(result.insertText, result.insertText.replace(/[ \t]+$/gm, ""), "no trailing whitespace");
    }
  });

  it("offers a single line in the middle of a line", async () => {
    const text = "const total = compute(items);\n";
    const result = await completeAt(engine, { signal: NEVER_ABORTED, text, offset: "const total = ".length, maxTokens: 24, maxLines: 8 });
    assert.equal(result.cancelled, false);
    assert.ok(!result.insertText.includes("\n"), JSON.stringify(result.insertText));
  });

  it("answers a cancelled request as cancelled, also when it was still waiting for the sequence", async () => {
    const busy = engine.sequence("completion").generate("let x = 1;", { signal: NEVER_ABORTED, maxTokens: 8 });
    const controller = new AbortController();
    const waiting = completeAt(engine, { text: code, offset: code.length, maxTokens: 24, maxLines: 2, signal: controller.signal });
    controller.abort();
    const result = await waiting;
    assert.equal(result.cancelled, true);
    assert.equal(result.insertText, "");
    assert.equal(result.stats?.evaluatedPromptTokens, 0, "nothing was evaluated for it");
    assert.ok((result.stats?.queuedMs ?? -1) >= 0, "its wait is recorded");
    await busy;

    const early = await completeAt(engine, { text: code, offset: code.length, maxTokens: 24, maxLines: 2, signal: AbortSignal.abort() });
    assert.equal(early.cancelled, true);
  });

  it("fits a long file into the context window", async () => {
    const long = "// filler line for the context budget\n".repeat(400) + code;
    assert.ok(engine.tokenCount(long) > engine.contextSize, "the text is longer than the context");
    const result = await completeAt(engine, { signal: NEVER_ABORTED, text: long, offset: long.length, maxTokens: 16, maxLines: 3 });
    assert.equal(result.cancelled, false);
    assert.equal(typeof result.insertText, "string");
  });
});
