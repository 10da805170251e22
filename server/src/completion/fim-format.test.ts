// Prompt layout per FIM family, with a stand-in tokenizer that maps each character to its code and
// special tokens to negative ids, so the order of the pieces is visible in the result.
import assert from "node:assert/strict";
import type { TokenId, TokenStream } from "../engine/token-stream";
import { detectFimFormat, layoutPrompt } from "./fim-format";

function fakeStream(infillPrefixText: string | undefined, specials: Record<string, TokenId> = {}): TokenStream {
  return {
    contextSize: 4096,
    tokenize: (text: string) => [...text].map((c) => c.charCodeAt(0)),
    detokenize: (tokens: readonly TokenId[]) => String.fromCharCode(...tokens),
    infillTokens: () => (infillPrefixText === undefined ? undefined : { prefix: -1, suffix: -2, middle: -3, prefixText: infillPrefixText }),
    specialToken: (text: string) => specials[text],
    bos: () => -9,
  } as unknown as TokenStream;
}

const text = (tokens: TokenId[]) => tokens.map((t) => (t < 0 ? `<${-t}>` : String.fromCharCode(t))).join("");
const parts = { context: [{ path: "lib.ts", text: "def" }], currentPath: "main.ts", prefix: "pre", suffix: "suf" };

describe("FIM prompt layout", () => {
  it("Qwen2.5-Coder: repository context with <|file_sep|>, then prefix-suffix-middle", () => {
    const stream = fakeStream("<|fim_prefix|>", { "<|file_sep|>": -5 });
    const format = detectFimFormat(stream);
    assert.equal(format.family, "qwen");
    assert.equal(text(layoutPrompt(stream, format, parts)), "<9><5>lib.ts\ndef\n<5>main.ts\n<1>pre<2>suf<3>");
  });

  it("StarCoder: <file_sep> context, prefix-suffix-middle", () => {
    const stream = fakeStream("<fim_prefix>", { "<file_sep>": -6 });
    const format = detectFimFormat(stream);
    assert.equal(format.family, "starcoder");
    assert.equal(text(layoutPrompt(stream, format, parts)), "<9><6>lib.ts\ndef\n<6>main.ts\n<1>pre<2>suf<3>");
  });

  it("CodeLlama: suffix before prefix (SPM), so the text that changes while typing comes last", () => {
    const stream = fakeStream("▁<PRE>");
    const format = detectFimFormat(stream);
    assert.equal(format.order, "spm");
    assert.equal(text(layoutPrompt(stream, format, parts)), "<9>// File: lib.ts\ndef\n\n<1><2>suf<3>pre");
  });

  it("DeepSeek-Coder: prefix-suffix-middle with its own tokens", () => {
    const stream = fakeStream("<｜fim▁begin｜>");
    const format = detectFimFormat(stream);
    assert.equal(format.family, "deepseek");
    assert.equal(text(layoutPrompt(stream, format, { ...parts, context: [] })), "<9><1>pre<2>suf<3>");
  });

  it("no FIM tokens: a documented prefix-only continuation, without the suffix", () => {
    const stream = fakeStream(undefined);
    const format = detectFimFormat(stream);
    assert.equal(format.order, "prefix-only");
    assert.equal(text(layoutPrompt(stream, format, parts)), "<9>// File: lib.ts\ndef\n\npre");
  });
});
