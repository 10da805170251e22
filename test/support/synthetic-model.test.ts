import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getLlama, LlamaChatSession, LlamaCompletion, LlamaLogLevel, readGgufFileInfo, type Llama, type LlamaModel } from "node-llama-cpp";
import { requireTestModel } from "./test-model";
import { f32ToF16, GgmlType, quantizeQ8_0 } from "./gguf-writer";
import { writeSyntheticModel, type SyntheticModelOptions } from "./synthetic-model";

const SOURCE_VOCAB = 32000;
// <|endoftext|>, <|im_start|>, <|im_end|>, then six FIM tokens.
const ADDED_WITH_FIM_AND_CHAT = 9;

describe("gguf-writer encodings", () => {
  it("converts f32 to f16 bits with rounding, subnormals and overflow", () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [1e6, 0x7c00],
      [6.103515625e-5, 0x0400], // smallest normal
      [5.960464477539063e-8, 0x0001], // smallest subnormal
      [2e-8, 0x0000],
      [1 + 2 ** -11, 0x3c00], // a tie rounds to even
      [1 + 3 * 2 ** -11, 0x3c02],
    ];
    for (const [value, bits] of cases) assert.equal(f32ToF16(value), bits, `f32ToF16(${value})`);
  });

  it("quantizes Q8_0 blocks as an f16 scale max|x|/127 and 32 int8 values", () => {
    const values = Float32Array.from({ length: 32 }, (_, i) => (i - 16) / 16); // -1 .. 0.9375
    const block = quantizeQ8_0(values);
    assert.equal(block.length, 34);
    assert.equal(block[0]! | (block[1]! << 8), f32ToF16(1 / 127));
    const q = new Int8Array(block.buffer, 2, 32);
    assert.equal(q[0], -127);
    assert.equal(q[16], 0);
    assert.equal(q[24], 64); // 0.5 * 127 = 63.5 rounds away from zero
    assert.equal(GgmlType.Q8_0, 8);
  });
});

describe("synthetic model", function () {
  let sourcePath: string;
  let dir: string;
  let llama: Llama;

  before(async function () {
    sourcePath = requireTestModel(this);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-synthetic-"));
    llama = await getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: LlamaLogLevel.error });
  });

  after(async () => {
    await llama?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const write = (name: string, options: Omit<SyntheticModelOptions, "out">) =>
    writeSyntheticModel({ tokenizerModel: sourcePath, ...options, out: path.join(dir, name) });

  async function withModel<T>(modelPath: string, use: (model: LlamaModel) => Promise<T>): Promise<T> {
    const model = await llama.loadModel({ modelPath });
    try {
      return await use(model);
    } finally {
      await model.dispose();
    }
  }

  for (const type of ["f16", "q8_0"] as const) {
    describe(`tiny ${type} with FIM and a chat template`, () => {
      let written: Awaited<ReturnType<typeof writeSyntheticModel>>;
      let writeMs: number;

      before(async () => {
        const started = performance.now();
        written = await write(`tiny-${type}.gguf`, { preset: "tiny", type, fim: true, chatTemplate: true });
        writeMs = performance.now() - started;
      });

      it("writes in seconds, not minutes (unit tests make their own)", () => {
        // About 0.2 s on an idle 2-core machine; the bound leaves room for a loaded one.
        assert.ok(writeMs < 10_000, `took ${writeMs.toFixed(0)} ms`);
      });

      it("writes the metadata and tensors it reports", async () => {
        const info = await readGgufFileInfo(written.path, { logWarnings: false });
        const md = info.metadata;
        assert.equal(info.version, 3);
        assert.equal(md.general.architecture, "llama");
        assert.equal(md.tokenizer.ggml.model, "llama");
        assert.equal(written.vocabSize, SOURCE_VOCAB + ADDED_WITH_FIM_AND_CHAT);
        assert.equal(md.tokenizer.ggml.tokens.length, written.vocabSize);
        assert.equal((md as { llama?: { vocab_size?: number } }).llama?.vocab_size, written.vocabSize);
        const embd = info.tensorInfo!.find((t) => t.name === "token_embd.weight")!;
        assert.deepEqual(embd.dimensions.map(Number), [64, written.vocabSize]);
        const wantType = type === "q8_0" ? GgmlType.Q8_0 : GgmlType.F16;
        for (const t of info.tensorInfo!) assert.equal(t.ggmlType, t.name.endsWith("norm.weight") ? GgmlType.F32 : wantType, t.name);
        const elements = info.tensorInfo!.reduce((sum, t) => sum + t.dimensions.reduce<number>((a, d) => a * Number(d), 1), 0);
        assert.equal(written.parameters, elements);
        assert.equal(written.bytes, (await fs.stat(written.path)).size);
        assert.ok(written.parameters > 3e6 && written.parameters < 6e6, `tiny has a few million parameters: ${written.parameters}`);
      });

      it("keeps the source tokenizer and makes the added tokens control tokens", async () => {
        const text = "function add(a, b) {\n  return a + b; // ünïcødé ✓\n}";
        const source = await llama.loadModel({ modelPath: sourcePath });
        try {
          await withModel(written.path, async (model) => {
            assert.deepEqual(model.tokenize(text), source.tokenize(text));
            // Special-token parsing turns the text of a control token into its id; plain parsing does not.
            assert.deepEqual(model.tokenize("<|fim_prefix|>", true), [written.addedTokens["<|fim_prefix|>"]]);
            assert.ok(model.tokenize("<|fim_prefix|>", false).length > 1);
          });
        } finally {
          await source.dispose();
        }
      });

      it("loads with infill tokens and generates an infill completion", async () => {
        await withModel(written.path, async (model) => {
          assert.equal(model.tokens.infill.prefix, written.addedTokens["<|fim_prefix|>"]);
          assert.equal(model.tokens.infill.suffix, written.addedTokens["<|fim_suffix|>"]);
          assert.equal(model.tokens.infill.middle, written.addedTokens["<|fim_middle|>"]);
          const context = await model.createContext({ contextSize: 256, threads: 1 });
          try {
            const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
            assert.equal(completion.infillSupported, true);
            let tokens = 0;
            const text = await completion.generateInfillCompletion("function add(a, b) {\n  return ", "\n}\n", { maxTokens: 8, onToken: (t) => (tokens += t.length) });
            assert.ok(tokens > 0, "generated at least one token");
            assert.equal(typeof text, "string");
          } finally {
            await context.dispose();
          }
        });
      });

      it("has a ChatML chat template that a chat session uses", async () => {
        await withModel(written.path, async (model) => {
          assert.match(model.fileInfo.metadata.tokenizer.chat_template ?? "", /<\|im_start\|>/);
          const context = await model.createContext({ contextSize: 256, threads: 1 });
          try {
            const session = new LlamaChatSession({ contextSequence: context.getSequence() });
            assert.equal(session.chatWrapper.wrapperName, "ChatML");
            let tokens = 0;
            await session.prompt("Hello there", { maxTokens: 8, onToken: (t) => (tokens += t.length) });
            assert.ok(tokens > 0, "answered with at least one token");
          } finally {
            await context.dispose();
          }
        });
      });
    });
  }

  it("without --fim and --chat-template has no infill tokens and no template", async () => {
    const written = await write("plain.gguf", { preset: "tiny", type: "q8_0" });
    assert.equal(written.vocabSize, SOURCE_VOCAB);
    assert.deepEqual(written.addedTokens, {});
    await withModel(written.path, async (model) => {
      assert.equal(model.tokens.infill.prefix, null);
      assert.equal(model.tokens.infill.suffix, null);
      assert.equal(model.tokens.infill.middle, null);
      assert.equal(model.fileInfo.metadata.tokenizer.chat_template, undefined);
      const context = await model.createContext({ contextSize: 128, threads: 1 });
      try {
        assert.equal(new LlamaCompletion({ contextSequence: context.getSequence() }).infillSupported, false);
      } finally {
        await context.dispose();
      }
    });
  });

  it("writes byte-identical files for the same seed and different ones for another", async () => {
    const digest = async (file: string) => createHash("sha256").update(await fs.readFile(file)).digest("hex");
    const options = { preset: "tiny", type: "q8_0", fim: true, seed: 7 } as const;
    const a = await write("seed-a.gguf", options);
    const b = await write("seed-b.gguf", options);
    const c = await write("seed-c.gguf", { ...options, seed: 8 });
    assert.equal(await digest(a.path), await digest(b.path));
    assert.notEqual(await digest(a.path), await digest(c.path));
  });

  it("takes explicit dimensions and ties the embeddings when asked", async () => {
    const shape = { hidden: 96, layers: 3, heads: 6, kvHeads: 2, ffn: 160, tieEmbeddings: true };
    const written = await write("custom.gguf", { shape, type: "q8_0", fim: true });
    const kv = (96 / 6) * 2;
    const perLayer = 2 * 96 + 96 * 96 * 2 + 96 * kv * 2 + 3 * 96 * 160;
    assert.equal(written.parameters, 96 * written.vocabSize + 3 * perLayer + 96);
    const info = await readGgufFileInfo(written.path, { logWarnings: false });
    assert.equal(info.tensorInfo!.some((t) => t.name === "output.weight"), false);
    await withModel(written.path, async (model) => {
      const context = await model.createContext({ contextSize: 128, threads: 1 });
      try {
        const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
        let tokens = 0;
        await completion.generateCompletion("Once upon a time", { maxTokens: 8, onToken: (t) => (tokens += t.length) });
        assert.ok(tokens > 0);
      } finally {
        await context.dispose();
      }
    });
  });

  it("rejects shapes llama.cpp cannot use", async () => {
    await assert.rejects(write("bad.gguf", { shape: { hidden: 100, heads: 3 } }), /must divide/);
    await assert.rejects(write("bad-q8.gguf", { shape: { hidden: 48, heads: 4, kvHeads: 2 }, type: "q8_0" }), /multiple of 32/);
  });
});
