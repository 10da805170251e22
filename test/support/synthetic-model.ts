// Synthetic GGUF models for tests and benchmarks: a llama-architecture model of a chosen shape with
// seeded random weights, the real Llama 2 tokenizer of the shared test model, and optionally the
// fill-in-the-middle and ChatML tokens + chat template that the tiny test model lacks. It lets the
// FIM and chat paths be tested, and realistic model sizes be timed, without downloading a model.
// Usage: node --import tsx test/support/synthetic-model.ts [--preset tiny|135m|500m] [--hidden N --layers N
//   --heads N --kv-heads N --ffn N --context N --tied] [--type f16|q8_0] [--fim] [--chat-template]
//   [--seed N] [--tokenizer SOURCE.gguf] --out PATH
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { readGgufFileInfo } from "node-llama-cpp";
import { TEST_MODEL_PATH } from "./test-model";
import { elementCount, GgmlType, writeGguf, type GgufTensor, type GgufValue } from "./gguf-writer";

export interface ModelShape {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
  contextLength: number;
  ropeTheta: number;
  rmsEpsilon: number;
  /** Share token_embd with the output projection (no output.weight), as SmolLM and Qwen2.5-0.5B do. */
  tieEmbeddings: boolean;
}

export type PresetName = "tiny" | "135m" | "500m";

export const PRESETS: Record<PresetName, ModelShape> = {
  // ~4M parameters, almost all in the two 32k-row embedding matrices; untied so output.weight is exercised.
  tiny: { hidden: 64, layers: 2, heads: 4, kvHeads: 2, ffn: 192, contextLength: 4096, ropeTheta: 10000, rmsEpsilon: 1e-5, tieEmbeddings: false },
  // SmolLM-135M's shape (its own vocabulary is 49k, ours is Llama 2's 32k, so ~125M parameters).
  "135m": { hidden: 576, layers: 30, heads: 9, kvHeads: 3, ffn: 1536, contextLength: 2048, ropeTheta: 10000, rmsEpsilon: 1e-5, tieEmbeddings: true },
  // Qwen2.5-0.5B's shape without its q/k/v biases (the llama architecture has none) and with a 32k vocabulary.
  "500m": { hidden: 896, layers: 24, heads: 14, kvHeads: 2, ffn: 4864, contextLength: 32768, ropeTheta: 1000000, rmsEpsilon: 1e-6, tieEmbeddings: true },
};

export interface SyntheticModelOptions {
  out: string;
  /** Base shape; defaults to "tiny". */
  preset?: PresetName;
  /** Explicit dimensions, overriding the preset's. */
  shape?: Partial<ModelShape>;
  type?: "f16" | "q8_0";
  /** Add Qwen2.5-Coder's FIM control tokens and the llama.cpp fim_* metadata keys. */
  fim?: boolean;
  /** Add ChatML control tokens and a ChatML Jinja tokenizer.chat_template. */
  chatTemplate?: boolean;
  seed?: number;
  /** GGUF whose SentencePiece tokenizer is reused; defaults to the shared tiny test model. */
  tokenizerModel?: string;
  name?: string;
}

export interface SyntheticModel {
  path: string;
  /** Weights in the file (tied embeddings count once). */
  parameters: number;
  bytes: number;
  vocabSize: number;
  /** Appended tokens by text, with their ids. */
  addedTokens: Record<string, number>;
}

/** llama.cpp token types (llama_token_type): 3 = CONTROL, never produced from plain text. */
const TOKEN_TYPE_CONTROL = 3;

// Qwen2.5-Coder's names, which llama.cpp also recognises by text. <|endoftext|> ends a Qwen FIM
// completion (llama.cpp treats it as end-of-generation), <|im_end|> ends a chat turn.
const FIM_TOKENS = [
  ["<|fim_prefix|>", "fim_pre"],
  ["<|fim_middle|>", "fim_mid"],
  ["<|fim_suffix|>", "fim_suf"],
  ["<|fim_pad|>", "fim_pad"],
  ["<|repo_name|>", "fim_rep"],
  ["<|file_sep|>", "fim_sep"],
] as const;
const CHAT_TOKENS = ["<|im_start|>", "<|im_end|>"];

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Tokenizer keys copied from the source model when present, with their GGUF value types. */
const TOKENIZER_SCALARS: Array<[key: string, type: "string" | "uint32" | "bool"]> = [
  ["tokenizer.ggml.bos_token_id", "uint32"],
  ["tokenizer.ggml.eos_token_id", "uint32"],
  ["tokenizer.ggml.unknown_token_id", "uint32"],
  ["tokenizer.ggml.padding_token_id", "uint32"],
  ["tokenizer.ggml.add_bos_token", "bool"],
  ["tokenizer.ggml.add_eos_token", "bool"],
];

export async function writeSyntheticModel(options: SyntheticModelOptions): Promise<SyntheticModel> {
  const shape: ModelShape = { ...PRESETS[options.preset ?? "tiny"], ...options.shape };
  const type = options.type ?? "f16";
  const seed = options.seed ?? 1;
  const headDim = shape.hidden / shape.heads;
  if (!Number.isInteger(headDim) || shape.heads % shape.kvHeads !== 0) throw new Error(`hidden (${shape.hidden}) must divide by heads (${shape.heads}), and heads by kvHeads (${shape.kvHeads})`);

  // node-llama-cpp returns the tokenizer arrays in full, as plain JS arrays.
  const source = await readGgufFileInfo(options.tokenizerModel ?? TEST_MODEL_PATH, { readTensorInfo: false, logWarnings: false });
  const flat = flatten(source.metadata as object);
  if (flat.get("tokenizer.ggml.model") !== "llama") throw new Error(`expected a SentencePiece ("llama") tokenizer, got ${String(flat.get("tokenizer.ggml.model"))}`);
  const tokens = [...(flat.get("tokenizer.ggml.tokens") as string[])];
  const scores = [...(flat.get("tokenizer.ggml.scores") as number[])];
  const tokenTypes = [...(flat.get("tokenizer.ggml.token_type") as number[])];

  const addedTokens: Record<string, number> = {};
  const addToken = (text: string) => {
    addedTokens[text] = tokens.length;
    tokens.push(text);
    scores.push(0);
    tokenTypes.push(TOKEN_TYPE_CONTROL);
  };
  if (options.fim || options.chatTemplate) addToken("<|endoftext|>");
  if (options.chatTemplate) CHAT_TOKENS.forEach(addToken);
  if (options.fim) FIM_TOKENS.forEach(([text]) => addToken(text));
  const vocabSize = tokens.length;

  const u32 = (value: number): GgufValue => ({ type: "uint32", value });
  const f32 = (value: number): GgufValue => ({ type: "float32", value });
  const metadata: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: options.name ?? `pincer-synthetic-${options.preset ?? "custom"}-${type}` }],
    ["general.file_type", u32(type === "q8_0" ? 7 : 1)], // llama_ftype: MOSTLY_Q8_0 = 7, MOSTLY_F16 = 1
    ["llama.vocab_size", u32(vocabSize)],
    ["llama.context_length", u32(shape.contextLength)],
    ["llama.embedding_length", u32(shape.hidden)],
    ["llama.block_count", u32(shape.layers)],
    ["llama.feed_forward_length", u32(shape.ffn)],
    ["llama.rope.dimension_count", u32(headDim)],
    ["llama.rope.freq_base", f32(shape.ropeTheta)],
    ["llama.attention.head_count", u32(shape.heads)],
    ["llama.attention.head_count_kv", u32(shape.kvHeads)],
    ["llama.attention.layer_norm_rms_epsilon", f32(shape.rmsEpsilon)],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "string[]", value: tokens }],
    ["tokenizer.ggml.scores", { type: "float32[]", value: scores }],
    ["tokenizer.ggml.token_type", { type: "int32[]", value: tokenTypes }],
  ];
  for (const [key, kind] of TOKENIZER_SCALARS) {
    const value = flat.get(key);
    if (value === undefined) continue;
    metadata.push([key, kind === "bool" ? { type: "bool", value: Boolean(value) } : kind === "uint32" ? u32(Number(value)) : { type: "string", value: String(value) }]);
  }
  // The key names llama.cpp (vocab loader, LLM_KV_TOKENIZER_FIM_*) reads in node-llama-cpp 3.22.1.
  if (options.fim) for (const [text, key] of FIM_TOKENS) metadata.push([`tokenizer.ggml.${key}_token_id`, u32(addedTokens[text]!)]);
  if (options.chatTemplate) metadata.push(["tokenizer.chat_template", { type: "string", value: CHATML_TEMPLATE }]);

  const tensors = buildTensors(shape, vocabSize, type === "q8_0" ? GgmlType.Q8_0 : GgmlType.F16, seed);
  const bytes = await writeGguf(options.out, { metadata, tensors });
  const parameters = tensors.reduce((sum, t) => sum + elementCount(t.dims), 0);
  return { path: options.out, parameters, bytes, vocabSize, addedTokens };
}

/** The llama tensors in llama.cpp's names and ggml dimension order (row length first). */
function buildTensors(s: ModelShape, vocab: number, weightType: GgmlType, seed: number): GgufTensor[] {
  const kvDim = (s.hidden / s.heads) * s.kvHeads;
  // HF's initializer_range: std 0.02, here as a uniform distribution of the same spread (cheaper than normal).
  const weight = (name: string, dims: number[]): GgufTensor => ({ name, dims, type: weightType, fill: uniformFill(seed, name, 0.02 * Math.sqrt(3)) });
  // RMS norm weights stay F32 (llama.cpp multiplies by them in F32); 1.0 leaves activations unscaled.
  const norm = (name: string): GgufTensor => ({ name, dims: [s.hidden], type: GgmlType.F32, fill: (out) => out.fill(1) });
  const tensors = [weight("token_embd.weight", [s.hidden, vocab])];
  for (let i = 0; i < s.layers; i++) {
    const b = `blk.${i}.`;
    tensors.push(
      norm(`${b}attn_norm.weight`),
      weight(`${b}attn_q.weight`, [s.hidden, s.hidden]),
      weight(`${b}attn_k.weight`, [s.hidden, kvDim]),
      weight(`${b}attn_v.weight`, [s.hidden, kvDim]),
      weight(`${b}attn_output.weight`, [s.hidden, s.hidden]),
      norm(`${b}ffn_norm.weight`),
      weight(`${b}ffn_gate.weight`, [s.hidden, s.ffn]),
      weight(`${b}ffn_up.weight`, [s.hidden, s.ffn]),
      weight(`${b}ffn_down.weight`, [s.ffn, s.hidden]),
    );
  }
  tensors.push(norm("output_norm.weight"));
  // Without output.weight llama.cpp reuses token_embd for the output projection.
  if (!s.tieEmbeddings) tensors.push(weight("output.weight", [s.hidden, vocab]));
  return tensors;
}

/** Uniform values in ±amplitude from a per-tensor stream, so a tensor's weights depend only on the seed and its name. */
function uniformFill(seed: number, name: string, amplitude: number): (out: Float32Array) => void {
  const next = mulberry32(hashString(name) ^ Math.imul(seed, 0x9e3779b1));
  const scale = (2 * amplitude) / 4294967296;
  return (out) => {
    for (let i = 0; i < out.length; i++) out[i] = next() * scale - amplitude;
  };
}

/** mulberry32: a tiny fast 32-bit PRNG; returns uint32. Its 2^32 period covers any one tensor here. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** FNV-1a. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** node-llama-cpp nests metadata by the dots in its keys; this gives back the GGUF key names. */
function flatten(object: object, prefix = "", into = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(object)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value) && !ArrayBuffer.isView(value)) flatten(value, `${prefix}${key}.`, into);
    else into.set(prefix + key, value);
  }
  return into;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: "tiny" },
      hidden: { type: "string" },
      layers: { type: "string" },
      heads: { type: "string" },
      "kv-heads": { type: "string" },
      ffn: { type: "string" },
      context: { type: "string" },
      tied: { type: "boolean" },
      type: { type: "string", default: "f16" },
      fim: { type: "boolean", default: false },
      "chat-template": { type: "boolean", default: false },
      seed: { type: "string", default: "1" },
      tokenizer: { type: "string" },
      out: { type: "string" },
    },
  });
  const preset = values.preset as PresetName;
  if (!values.out || !(preset in PRESETS) || (values.type !== "f16" && values.type !== "q8_0")) {
    console.error(
      "usage: node --import tsx test/support/synthetic-model.ts [--preset tiny|135m|500m] [--hidden N --layers N --heads N --kv-heads N --ffn N --context N --tied]\n" +
        "         [--type f16|q8_0] [--fim] [--chat-template] [--seed N] [--tokenizer SOURCE.gguf] --out PATH",
    );
    process.exit(2);
  }
  const dims: Partial<ModelShape> = {};
  const dim = (key: "hidden" | "layers" | "heads" | "kvHeads" | "ffn" | "contextLength", text: string | undefined) => {
    if (text !== undefined) dims[key] = Number(text);
  };
  dim("hidden", values.hidden);
  dim("layers", values.layers);
  dim("heads", values.heads);
  dim("kvHeads", values["kv-heads"]);
  dim("ffn", values.ffn);
  dim("contextLength", values.context);
  if (values.tied !== undefined) dims.tieEmbeddings = values.tied;

  const started = performance.now();
  const model = await writeSyntheticModel({
    out: path.resolve(values.out),
    preset,
    shape: dims,
    type: values.type,
    fim: values.fim,
    chatTemplate: values["chat-template"],
    seed: Number(values.seed),
    tokenizerModel: values.tokenizer,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${model.path}: ${(model.parameters / 1e6).toFixed(1)}M parameters, ${(model.bytes / 2 ** 20).toFixed(1)} MiB, ` +
      `vocab ${model.vocabSize}, written in ${seconds.toFixed(1)}s`,
  );
}

// No top-level await: mocha (through tsx) loads this module as CommonJS when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
