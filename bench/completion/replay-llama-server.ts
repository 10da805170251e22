// bench/completion: llama.cpp's own server as the replay target, driven the way llama.vscode drives
// it (ggml-org/llama.vscode src/completion.ts and src/llama-server.ts):
//   - POST /infill with input_prefix = the 256 lines before the cursor's line, prompt = the cursor's
//     line up to the cursor (empty when it is only indentation), input_suffix = the rest of that line
//     and the 64 lines after it; n_indent, top_k 40, top_p 0.99, samplers [top_k, top_p, infill],
//     cache_prompt, t_max_prompt_ms 500, t_max_predict_ms 1000; the server runs as llama.vscode's README
//     recommends for CPUs (-b 1024 -ub 1024 --cache-reuse 256), with one slot, and --swa-full so a
//     sliding-window model (Gemma 3) can reuse its cache at all;
//   - a new request waits until the one in flight has finished (llama.vscode never aborts it; the
//     cancelled request's answer is dropped), and a request cancelled while waiting is not sent;
//   - answers are kept in a result cache keyed by prefix|suffix|prompt, and a prompt that extends a
//     cached one by text its answer predicted is answered from the cache, as llama.vscode does.
// Left out, in llama-server's favour: llama.vscode's ring buffer of extra chunks (input_extra) and its
// speculative requests for the next suggestion. A model without FIM tokens (Gemma 3) cannot use
// /infill; it gets /completion with the prefix and the line as the prompt, the same windows.
// The binary comes from test/support/llama-server-build.ts (node-llama-cpp's bundled llama.cpp).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { replay, type Answer, type BenchOptions, type RequestRow, type Target } from "./replay";
import { log, type Place } from "./session";

export interface LlamaServerOptions {
  binary: string;
  /** Threads for generation (-t) and for prompt batches (-tb). */
  threads: number;
  batchThreads: number;
  /** /infill (FIM tokens) or /completion (prefix-only model). */
  infill: boolean;
}

export interface LlamaServerRun {
  rows: RequestRow[];
  /** Requests answered from the result cache. */
  cacheHits: number;
  info: string;
}

const N_PREFIX = 256;
const N_SUFFIX = 64;

interface InfillResponse {
  content?: string;
  tokens_cached?: number;
  /** cache_n: prompt tokens found in the cache (including chunks reused by KV shifting). */
  timings?: { cache_n?: number; prompt_n?: number; prompt_ms?: number; predicted_n?: number; predicted_ms?: number };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("llama-server did not become healthy in time");
}

/** The request llama.vscode sends for the cursor at `offset`. */
export function llamaVscodeRequest(document: TextDocument, offset: number): { inputPrefix: string; inputSuffix: string; prompt: string; nIndent: number } {
  const position = document.positionAt(offset);
  const lines = document.getText().split("\n");
  const lineText = lines[position.line] ?? "";
  const linePrefix = lineText.slice(0, position.character);
  const lineSuffix = lineText.slice(position.character);
  const prefixLines = lines.slice(Math.max(0, position.line - N_PREFIX), position.line);
  const suffixLines = lines.slice(position.line + 1, position.line + 1 + N_SUFFIX);
  return {
    inputPrefix: prefixLines.join("\n") + "\n",
    inputSuffix: lineSuffix + "\n" + suffixLines.join("\n") + "\n",
    prompt: /^[ \t]*$/.test(linePrefix) ? "" : linePrefix,
    nIndent: lineText.length - lineText.trimStart().length,
  };
}

export async function runLlamaServer(modelPath: string, places: Place[], texts: Map<string, string>, options: BenchOptions, server: LlamaServerOptions): Promise<LlamaServerRun> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(os.tmpdir(), `pincer-bench-llama-server-${port}.log`);
  const args = [
    "-m", modelPath, "-c", String(options.contextSize), "-np", "1", "-b", "1024", "-ub", "1024", "--cache-reuse", "256", "--swa-full",
    "-t", String(server.threads), "-tb", String(server.batchThreads), "-ngl", "0", "--host", "127.0.0.1", "--port", String(port),
  ];
  const child = spawn(server.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const out = createWriteStream(logFile);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  try {
    await waitHealthy(url, child, 120_000);
    log(`llama-server: ready on ${url} (${server.threads} thread(s), ${server.batchThreads} batch thread(s), ${server.infill ? "/infill" : "/completion"}); log ${logFile}`);
    const resultCache = new Map<string, string>();
    let cacheHits = 0;
    let inFlight: Promise<unknown> = Promise.resolve();

    const cached = (inputPrefix: string, inputSuffix: string, prompt: string): string | undefined => {
      const exact = resultCache.get(`${inputPrefix}|${inputSuffix}|${prompt}`);
      if (exact !== undefined) return exact;
      for (let i = prompt.length; i >= 0; i--) {
        const result = resultCache.get(`${inputPrefix}|${inputSuffix}|${prompt.slice(0, i)}`);
        const cut = prompt.slice(i);
        if (result !== undefined && cut === result.slice(0, cut.length)) return result.slice(cut.length);
      }
      return undefined;
    };

    const target: Target = {
      name: "llama-server",
      change() {},
      async request(_place, document, offset, signal): Promise<Answer> {
        const called = performance.now();
        const { inputPrefix, inputSuffix, prompt, nIndent } = llamaVscodeRequest(document, offset);
        // llama.vscode waits for the request in flight to finish; one cancelled meanwhile is not sent.
        await inFlight;
        const queuedMs = performance.now() - called;
        if (signal.aborted) return { cancelled: true, text: "", evaluatedPromptTokens: 0, modelMs: 0, queuedMs };
        const hit = cached(inputPrefix, inputSuffix, prompt);
        if (hit !== undefined && hit.trim() !== "") {
          cacheHits++;
          return { cancelled: false, text: hit, evaluatedPromptTokens: 0, modelMs: 0, queuedMs, source: "cache" };
        }
        const body = server.infill
          ? {
              input_prefix: inputPrefix, input_suffix: inputSuffix, input_extra: [], prompt, n_predict: options.maxTokens,
              top_k: 40, top_p: 0.99, stream: false, samplers: ["top_k", "top_p", "infill"], cache_prompt: true,
              ...(nIndent ? { n_indent: nIndent } : {}), t_max_prompt_ms: 500, t_max_predict_ms: 1000,
            }
          : { prompt: inputPrefix + prompt, n_predict: options.maxTokens, top_k: 40, top_p: 0.99, stream: false, cache_prompt: true, t_max_predict_ms: 1000 };
        const started = performance.now();
        const http = fetch(`${url}${server.infill ? "/infill" : "/completion"}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
          // An error (the prompt does not fit the context) must not count as a fast empty answer.
          async (r) => {
            if (!r.ok) throw new Error(`llama-server answered ${r.status}: ${(await r.text()).slice(0, 300)} (try a larger --context-size)`);
            return (await r.json()) as InfillResponse;
          },
        );
        inFlight = http.catch(() => undefined);
        const data = await http;
        const modelMs = performance.now() - started;
        const text = (data.content ?? "").split(/\r?\n/)[0] ?? "";
        resultCache.set(`${inputPrefix}|${inputSuffix}|${prompt}`, data.content ?? "");
        // The request was cancelled while its answer was being made: llama.vscode drops the answer.
        if (signal.aborted) return { cancelled: true, text: "", evaluatedPromptTokens: data.timings?.prompt_n ?? 0, modelMs, queuedMs };
        return { cancelled: false, text, evaluatedPromptTokens: data.timings?.prompt_n ?? 0, reusedTokens: data.timings?.cache_n, modelMs, queuedMs };
      },
    };
    const rows = await replay(target, places, texts, options.debounceMs);
    return { rows, cacheHits, info: `llama-server ${server.threads}/${server.batchThreads} threads, ${cacheHits} answers from llama.vscode's result cache` };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    out.end();
  }
}
