// How each model family wants a fill-in-the-middle prompt. The model's own FIM tokens come from the
// GGUF (node-llama-cpp reads them); the family decides the order and how extra files are shown.
//
//   PSM (prefix-suffix-middle): <PRE> prefix <SUF> suffix <MID>   Qwen2.5-Coder, StarCoder, DeepSeek-Coder
//   SPM (suffix-prefix-middle): <PRE> <SUF> suffix <MID> prefix   CodeLlama (trained on both orders)
//
// SPM puts the suffix, which does not change while the user types, before the prefix, so moving the
// cursor within a line re-evaluates only the changed end of the prefix. Pincer uses SPM only for
// families trained on it.
//
// Fallback, for models without FIM tokens: a plain continuation of the prefix (the suffix is not
// shown to the model), with the extra context as a header before it.
import type { TokenId, TokenStream } from "../engine/token-stream";

export type FimFamily = "qwen" | "starcoder" | "codellama" | "deepseek" | "generic" | "none";

export interface FimFormat {
  family: FimFamily;
  order: "psm" | "spm" | "prefix-only";
  tokens?: { prefix: TokenId; suffix: TokenId; middle: TokenId };
  /** Separator before each extra file, when the family was trained on repository context. */
  fileSeparator?: TokenId;
}

export function detectFimFormat(stream: TokenStream): FimFormat {
  const infill = stream.infillTokens();
  if (!infill) return { family: "none", order: "prefix-only" };
  const tokens = { prefix: infill.prefix, suffix: infill.suffix, middle: infill.middle };
  const text = infill.prefixText;
  if (text.includes("<|fim_prefix|>")) return { family: "qwen", order: "psm", tokens, fileSeparator: stream.specialToken("<|file_sep|>") };
  if (text.includes("<fim_prefix>")) return { family: "starcoder", order: "psm", tokens, fileSeparator: stream.specialToken("<file_sep>") };
  if (text.includes("<PRE>")) return { family: "codellama", order: "spm", tokens };
  if (text.includes("fim▁begin")) return { family: "deepseek", order: "psm", tokens };
  return { family: "generic", order: "psm", tokens };
}

export interface ContextChunk {
  /** Workspace-relative path shown to the model. */
  path: string;
  text: string;
  /**
   * What the chunk is, which says how often it changes: the file's imports (per file), definitions
   * of identifiers near the cursor (per place), recently edited regions (per edit). A layout puts
   * the steadier ones first, so a new place keeps more of the cached prompt.
   */
  kind?: "import" | "definition" | "edit";
}

/**
 * The prompt up to the point where the middle begins, as token pieces in the order that changes
 * least first: extra context, then (PSM) prefix + suffix or (SPM) suffix + prefix.
 */
export function layoutPrompt(
  stream: TokenStream,
  format: FimFormat,
  parts: { context: ContextChunk[]; currentPath: string; prefix: string; suffix: string },
): TokenId[] {
  const out = layoutHead(stream, format, parts);
  const prefix = stream.tokenize(parts.prefix);
  if (format.order === "prefix-only" || !format.tokens) return [...out, ...prefix];
  const suffix = stream.tokenize(parts.suffix);
  const { prefix: pre, suffix: suf, middle: mid } = format.tokens;
  if (format.order === "spm") return [...out, pre, suf, ...suffix, mid, ...prefix];
  return [...out, pre, ...prefix, suf, ...suffix, mid];
}

/** The start of a layout, before the first FIM token or the prefix: BOS, extra context, the current path. */
export function layoutHead(stream: TokenStream, format: FimFormat, parts: { context: ContextChunk[]; currentPath: string }): TokenId[] {
  const out: TokenId[] = [];
  const bos = stream.bos();
  if (bos !== undefined) out.push(bos);
  for (const chunk of parts.context) {
    if (format.fileSeparator !== undefined) out.push(format.fileSeparator, ...stream.tokenize(`${chunk.path}\n${chunk.text}\n`));
    else out.push(...stream.tokenize(`// File: ${chunk.path}\n${chunk.text}\n\n`));
  }
  if (format.fileSeparator !== undefined && parts.context.length > 0) out.push(format.fileSeparator, ...stream.tokenize(`${parts.currentPath}\n`));
  return out;
}
