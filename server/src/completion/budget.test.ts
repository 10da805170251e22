import assert from "node:assert/strict";
import type { TokenId, TokenStream } from "../engine/token-stream";
import { completionBudget, MAX_CHARS_PER_TOKEN, prefixWindow, suffixWindow } from "./budget";

// One token per character, so budgets in tokens are budgets in characters here.
const stream = {
  tokenize: (text: string) => [...text].map((c) => c.charCodeAt(0)),
  detokenize: (tokens: readonly TokenId[]) => String.fromCharCode(...tokens),
} as unknown as TokenStream;

describe("completion budget", () => {
  it("follows the real context size and leaves room for the answer and typing", () => {
    for (const contextSize of [512, 2048, 8192, 32768]) {
      const budget = completionBudget(contextSize, 64);
      const used = budget.prefixTokens + budget.suffixTokens + budget.contextTokens + budget.typedTokens + budget.generatedTokens;
      assert.ok(used <= contextSize, `${used} tokens fit in ${contextSize}`);
      assert.ok(budget.prefixTokens > budget.suffixTokens, "the prefix gets the larger share");
    }
    assert.ok(completionBudget(8192, 64).prefixTokens > completionBudget(2048, 64).prefixTokens);
  });

  it("gives a prefix-only prompt the suffix's share as well", () => {
    const both = completionBudget(2048, 48);
    const prefixOnly = completionBudget(2048, 48, { prefixOnly: true });
    assert.equal(prefixOnly.suffixTokens, 0);
    assert.equal(prefixOnly.prefixTokens, both.prefixTokens + both.suffixTokens);
    assert.equal(prefixOnly.contextTokens, both.contextTokens);
  });

  it("cuts the prefix at a line start and the suffix at a line end, and says how much it left out", () => {
    const text = "line one\nline two\nline three\n";
    const before = prefixWindow(stream, text, 15);
    assert.equal(before.text, "line three\n");
    assert.equal(before.droppedChars, text.length - before.text.length);
    const after = suffixWindow(stream, text, 15);
    assert.equal(after.text, "line one\n");
    assert.equal(after.droppedChars, text.length - "line one\n".length);
    assert.deepEqual(prefixWindow(stream, "short", 15), { text: "short", droppedChars: 0 });
  });

  it("tokenizes only a window of a huge text, never all of it", () => {
    let tokenized = 0;
    const counting = {
      tokenize: (text: string) => {
        tokenized += text.length;
        return stream.tokenize(text);
      },
      detokenize: stream.detokenize,
    } as unknown as TokenStream;
    const huge = "const value = compute(input);\n".repeat(200_000); // 6 MB
    const before = prefixWindow(counting, huge, 1000);
    const after = suffixWindow(counting, huge, 1000);
    assert.ok(tokenized <= 2 * 1000 * MAX_CHARS_PER_TOKEN, `tokenized ${tokenized} characters of ${huge.length}`);
    assert.ok(huge.endsWith(before.text) && before.text.length <= 1000 && before.text.startsWith("const"));
    assert.ok(huge.startsWith(after.text) && after.text.length <= 1000 && after.text.endsWith("\n"));
    assert.equal(before.droppedChars, huge.length - before.text.length);
    assert.equal(after.droppedChars, huge.length - after.text.length);
  });

  it("keeps the windows exact pieces of the text when detokenizing drops a leading space", () => {
    // SentencePiece tokenizers (Llama 2) drop the first token's leading space when detokenizing a
    // slice; a window built from that text was no longer the start of the suffix, so every keystroke
    // laid the prompt out again.
    const lossy = {
      tokenize: stream.tokenize,
      detokenize: (tokens: readonly TokenId[]) => String.fromCharCode(...tokens).replace(/^ /, ""),
    } as unknown as TokenStream;
    const suffix = "        }\n    }\n    return value;\n  }\n}\n".repeat(4);
    const after = suffixWindow(lossy, suffix, 30);
    assert.ok(after.text.length > 0 && suffix.startsWith(after.text), JSON.stringify(after.text));
    assert.ok(after.text.endsWith("\n"));
    assert.equal(after.droppedChars, suffix.length - after.text.length);
    const prefix = "  value = 1;\n    other = 2;\n".repeat(6);
    const before = prefixWindow(lossy, prefix, 40);
    assert.ok(before.text.length > 0 && prefix.endsWith(before.text), JSON.stringify(before.text));
    assert.equal(before.droppedChars, prefix.length - before.text.length);
  });
});
