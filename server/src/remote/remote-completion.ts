// Inline completion on a remote engine. llama-server: /infill with the prefix, suffix and extra
// context as separate fields (input_extra, stable first, so its prompt cache keeps them warm;
// cache_prompt). Other servers: /v1/completions with `suffix` (FIM where the server supports it),
// else the prefix alone. The request rules and the cleaning are completeAt's (complete.ts).
import { cleanSuggestion, wholeLines, type CompletionRequest, type CompletionResult } from "../completion/complete";
import type { Completer } from "../completion/completer";
import { truncateAtBlockEnd } from "../index/block-end";
import { isAbortError } from "../platform/errors";
import { rejectsField, type RemoteEngine } from "./remote-engine";

/** Characters of the document sent before and after the cursor (cut at line boundaries). */
const PREFIX_CHARS = 6000;
const SUFFIX_CHARS = 2000;

interface InfillResponse {
  content?: string;
  stopped_limit?: boolean;
  stop_type?: string;
}
interface CompletionsResponse {
  choices?: { text?: string; finish_reason?: string | null }[];
}

export class RemoteCompleter implements Completer {
  constructor(private readonly engine: RemoteEngine) {}

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const { signal } = request;
    const started = performance.now();
    const start = lineStartAtOrAfter(request.text, Math.max(0, request.offset - PREFIX_CHARS), request.offset);
    const prefix = request.text.slice(start, request.offset);
    const suffixAll = request.text.slice(request.offset);
    const suffix = cutAtLineEnd(suffixAll, SUFFIX_CHARS);
    const lineSuffix = suffixAll.split("\n", 1)[0] ?? "";
    const maxLines = lineSuffix.trim() !== "" ? 1 : request.maxLines;
    const stop = maxLines === 1 ? ["\n"] : undefined;
    const cancelled = (usedInfill: boolean): CompletionResult => ({ insertText: "", usedInfill, cancelled: true });

    let raw: string;
    let cut: boolean;
    let usedInfill = false;
    try {
      const context = (await request.context?.(PREFIX_CHARS)) ?? [];
      signal.throwIfAborted();
      if (this.engine.kind === "llama-server" && !this.engine.unsupported.has("infill")) {
        try {
          const answer = await this.engine.client.postJson<InfillResponse>(
            "/infill",
            {
              input_extra: context.map((chunk) => ({ filename: chunk.path, text: chunk.text })),
              input_prefix: prefix,
              input_suffix: suffix,
              prompt: "",
              n_predict: request.maxTokens,
              temperature: 0,
              cache_prompt: true,
              ...(stop ? { stop } : {}),
            },
            signal,
          );
          raw = answer.content ?? "";
          cut = answer.stopped_limit === true || answer.stop_type === "limit";
          usedInfill = true;
        } catch (error) {
          if (!rejectsField(error, "infill")) throw error;
          this.engine.unsupported.add("infill");
          ({ raw, cut, fim: usedInfill } = await this.completions(prefix, suffix, request, stop));
        }
      } else {
        ({ raw, cut, fim: usedInfill } = await this.completions(prefix, suffix, request, stop));
      }
    } catch (error) {
      if (signal.aborted || isAbortError(error)) return cancelled(usedInfill);
      throw error;
    }
    const text = wholeLines(raw, cut ? "maxTokens" : "eos");
    const ended =
      maxLines > 1 && text.includes("\n") ? (await truncateAtBlockEnd(request.text, request.offset, text, request.languageId ?? "plaintext", { documentKey: request.uri ?? "untitled" })).completion : text;
    return {
      insertText: cleanSuggestion(ended, { maxLines, suffix: suffixAll }),
      usedInfill,
      cancelled: false,
      stats: {
        source: "model",
        stopReason: cut ? "maxTokens" : "eos",
        evaluatedPromptTokens: 0,
        reusedTokens: 0,
        modelMs: performance.now() - started,
        queuedMs: 0,
        relayout: false,
        format: "none",
        truncated: { prefixChars: start, suffixChars: Math.max(0, suffixAll.length - suffix.length), contextChunks: 0 },
      },
    };
  }

  /** /v1/completions with `suffix` (FIM on servers that take it), else the prefix alone. */
  private async completions(prefix: string, suffix: string, request: CompletionRequest, stop: string[] | undefined): Promise<{ raw: string; cut: boolean; fim: boolean }> {
    const header = request.path ? `// ${request.path}\n` : "";
    for (;;) {
      const withSuffix = !this.engine.unsupported.has("suffix");
      try {
        const answer = await this.engine.client.postJson<CompletionsResponse>(
          "/v1/completions",
          {
            model: this.engine.model,
            prompt: header + prefix,
            ...(withSuffix && suffix ? { suffix } : {}),
            max_tokens: request.maxTokens,
            temperature: 0,
            ...(stop ? { stop } : {}),
            ...(this.engine.kind === "llama-server" ? { cache_prompt: true } : {}),
          },
          request.signal,
        );
        const choice = answer.choices?.[0];
        // llama-server's /v1/completions ignores `suffix`; others that accept it fill in the middle.
        return { raw: choice?.text ?? "", cut: choice?.finish_reason === "length", fim: withSuffix && suffix !== "" && this.engine.kind !== "llama-server" };
      } catch (error) {
        if (!withSuffix || !rejectsField(error, "suffix")) throw error;
        this.engine.unsupported.add("suffix");
      }
    }
  }
}

function lineStartAtOrAfter(text: string, from: number, limit: number): number {
  if (from === 0) return 0;
  const next = text.indexOf("\n", from - 1);
  return next === -1 || next >= limit ? from : next + 1;
}

function cutAtLineEnd(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = text.lastIndexOf("\n", max);
  return end > 0 ? text.slice(0, end) : text.slice(0, max);
}
