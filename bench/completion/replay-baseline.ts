// bench/completion: the naive baseline as the replay target: node-llama-cpp's
// LlamaCompletion.generateInfillCompletion on one context, with the same prefix/suffix windows
// Pincer cuts (server/src/completion/budget.ts), the prompt tokens it evaluates counted in-process.
import { getLlama, LlamaCompletion, type LlamaContextSequence, type Token } from "node-llama-cpp";
import { completionBudget, prefixWindow, suffixWindow } from "../../server/src/completion/budget";
import { TokenStream } from "../../server/src/engine/token-stream";
import { replay, type Answer, type BenchOptions, type RequestRow, type Target } from "./replay";
import { log, type Place } from "./session";

export interface BaselineRun {
  rows: RequestRow[];
  /** The in-process token count cross-checked with node-llama-cpp's token meter, in words. */
  meterCheck: string;
}

export async function runBaseline(modelPath: string, places: Place[], texts: Map<string, string>, options: BenchOptions & { threads: number }): Promise<BaselineRun> {
  const llama = await getLlama({ gpu: "auto", build: "never" });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: options.contextSize, threads: options.threads, sequences: 1 });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const stream = new TokenStream(sequence, model);
  const budget = completionBudget(sequence.contextSize, options.maxTokens);
  log(`baseline: node-llama-cpp ${llama.gpu === false ? "CPU" : llama.gpu}, context ${sequence.contextSize}, ${options.threads} thread(s); windows: prefix ${budget.prefixTokens}, suffix ${budget.suffixTokens} tokens`);

  // Count the prompt tokens node-llama-cpp really evaluates: LlamaCompletion evaluates the part of
  // its prompt after what the sequence already holds with one sequence.evaluate() call.
  let evaluatedThisCall = 0;
  const evaluate = sequence.evaluate.bind(sequence);
  (sequence as { evaluate: LlamaContextSequence["evaluate"] }).evaluate = (tokens: Token[], evaluateOptions) => {
    evaluatedThisCall += tokens.length;
    return evaluate(tokens, evaluateOptions);
  };
  let meterMismatch = 0;
  let meterChecked = 0;

  let chain: Promise<unknown> = Promise.resolve();
  const target: Target = {
    name: "baseline",
    change() {},
    request(_place, document, offset, signal) {
      const text = document.getText();
      const called = performance.now();
      const run = chain.then(async (): Promise<Answer> => {
        // Waited behind the replaced request until its generation noticed the abort.
        const queuedMs = performance.now() - called;
        // Superseded while waiting behind the previous request: never reaches the model.
        if (signal.aborted) return { cancelled: true, text: "", evaluatedPromptTokens: 0, modelMs: 0, queuedMs };
        const prefix = prefixWindow(stream, text.slice(0, offset), budget.prefixTokens).text;
        const suffix = suffixWindow(stream, text.slice(offset), budget.suffixTokens).text;
        evaluatedThisCall = 0;
        const meterBefore = sequence.tokenMeter.usedInputTokens;
        const started = performance.now();
        const result = await completion.generateInfillCompletionWithMeta(prefix, suffix, {
          maxTokens: options.maxTokens,
          // Pincer's maxLines 1: stop at the end of the line, so both generate the same length.
          customStopTriggers: ["\n"],
          signal,
          stopOnAbortSignal: true,
        });
        const modelMs = performance.now() - started;
        const evaluated = evaluatedThisCall;
        // Cross-check with the token meter: it also counts generated tokens fed back (at most maxTokens).
        const meterDelta = sequence.tokenMeter.usedInputTokens - meterBefore;
        meterChecked++;
        if (meterDelta < evaluated - 1 || meterDelta > evaluated + options.maxTokens) meterMismatch++;
        const cancelled = result.metadata.stopReason === "abort";
        return { cancelled, text: result.response, evaluatedPromptTokens: evaluated, modelMs, queuedMs };
      });
      chain = run.catch(() => undefined);
      return run;
    },
  };
  try {
    const rows = await replay(target, places, texts, options.debounceMs);
    return { rows, meterCheck: `sequence.tokenMeter agrees (±generation) on ${meterChecked - meterMismatch}/${meterChecked} model calls` };
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}
