// bench/completion: the figures (percentiles over the replayed requests), the Markdown tables and
// the targets from the issue.
import os from "node:os";
import path from "node:path";
import type { BaselineRun } from "./replay-baseline";
import type { PincerRun } from "./replay-pincer";
import type { BenchOptions, RequestRow } from "./replay";
import type { Place } from "./session";

// Targets from the issue.
export const TARGET_P95_TOKENS = 16;
export const TARGET_LATENCY_RATIO = 0.5;
export const TARGET_OVERHEAD_MS = 5;
/** A request that waited at least this long for the replaced request is counted as having waited. */
const WAITED_MS = 1;

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
export const fmt = (value: number | undefined, digits = 0) => (value === undefined ? "—" : value.toFixed(digits));
const pct = (part: number, whole: number) => (whole === 0 ? "—" : `${((100 * part) / whole).toFixed(1)}%`);
const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);

interface Summary {
  name: string;
  pincer: boolean;
  /** Keystroke requests (the first request at each place is in `relayouts`). */
  requests: number;
  completed: number;
  cancelled: number;
  latencyP50?: number;
  latencyP95?: number;
  /** Prompt tokens evaluated, completed keystroke requests. */
  tokensP50?: number;
  tokensP95?: number;
  /** Prompt tokens evaluated, every keystroke request whose count is known (cancelled ones: up to the cancel). */
  allTokensP95?: number;
  allTokensCount: number;
  cancelledTokens: number;
  withoutModel: number;
  /** Wait for the replaced request (queuedMs), completed keystroke requests. */
  queuedP50?: number;
  queuedP95?: number;
  waited: number;
  /** Server overhead, totalMs − modelMs − queuedMs, completed keystroke requests. */
  overheadP50?: number;
  /** totalMs − modelMs: overhead and wait together. */
  outsideModelP50?: number;
  relayouts: { count: number; completed: number; tokensP50?: number; latencyP50?: number; overheadP50?: number; serverFlagged: number };
  keyRelayoutsFlagged: number;
  perFile: Map<string, { lines: number; tokens: number[] }>;
}

/** The prompt tokens a row's request evaluated; undefined when not known. */
export function tokensOf(row: RequestRow): number | undefined {
  if (row.answer?.evaluatedPromptTokens !== undefined) return row.answer.evaluatedPromptTokens;
  return row.stat?.evaluatedPromptTokens;
}
export function completedOf(row: RequestRow): boolean {
  if (row.stat) return !row.stat.cancelled;
  return row.answer !== undefined && !row.answer.cancelled;
}
/** The wait for the completion sequence (the server's queuedMs, or the baseline's in-process wait). */
function queuedOf(row: RequestRow): number | undefined {
  return row.stat ? (row.stat.queuedMs ?? 0) : row.answer?.queuedMs;
}
/** Server overhead: the server's time for the request outside the model and the wait for the sequence. */
function overheadOf(row: RequestRow): number | undefined {
  return row.stat ? row.stat.totalMs - row.stat.modelMs - (row.stat.queuedMs ?? 0) : undefined;
}

function summarize(name: string, pincer: boolean, rows: RequestRow[]): Summary {
  const keyRows = rows.filter((r) => r.kind === "key");
  const keys = keyRows.filter(completedOf);
  const relayouts = rows.filter((r) => r.kind === "relayout");
  const relayoutsDone = relayouts.filter(completedOf);
  const perFile = new Map<string, { lines: number; tokens: number[] }>();
  for (const row of keys) {
    const entry = perFile.get(row.file) ?? { lines: row.fileLines, tokens: [] };
    const tokens = tokensOf(row);
    if (tokens !== undefined) entry.tokens.push(tokens);
    perFile.set(row.file, entry);
  }
  const keyTokens = defined(keys.map(tokensOf));
  const allTokens = defined(keyRows.map(tokensOf));
  const queued = defined(keys.map(queuedOf));
  return {
    name,
    pincer,
    requests: keyRows.length,
    completed: keys.length,
    cancelled: keyRows.length - keys.length,
    latencyP50: percentile(keys.map((r) => r.latencyMs!), 50),
    latencyP95: percentile(keys.map((r) => r.latencyMs!), 95),
    tokensP50: percentile(keyTokens, 50),
    tokensP95: percentile(keyTokens, 95),
    allTokensP95: percentile(allTokens, 95),
    allTokensCount: allTokens.length,
    cancelledTokens: defined(keyRows.filter((r) => !completedOf(r)).map(tokensOf)).reduce((a, b) => a + b, 0),
    withoutModel: keys.filter((r) => r.stat && r.stat.source !== "model").length,
    queuedP50: percentile(queued, 50),
    queuedP95: percentile(queued, 95),
    waited: queued.filter((q) => q >= WAITED_MS).length,
    overheadP50: percentile(defined(keys.map(overheadOf)), 50),
    outsideModelP50: percentile(keys.filter((r) => r.stat).map((r) => r.stat!.totalMs - r.stat!.modelMs), 50),
    relayouts: {
      count: relayouts.length,
      completed: relayoutsDone.length,
      tokensP50: percentile(defined(relayoutsDone.map(tokensOf)), 50),
      latencyP50: percentile(relayoutsDone.map((r) => r.latencyMs!), 50),
      overheadP50: percentile(defined(relayoutsDone.map(overheadOf)), 50),
      serverFlagged: relayouts.filter((r) => r.stat?.relayout).length,
    },
    keyRelayoutsFlagged: keys.filter((r) => r.stat?.relayout).length,
    perFile,
  };
}

export interface ReportInput {
  pincer?: PincerRun;
  baseline?: BaselineRun;
  places: Place[];
  modelPath: string;
  source: string;
  options: BenchOptions;
  /** Load averages around each replay, in words. */
  machine: string[];
  verbose: boolean;
}

export function printReport({ pincer, baseline, places, modelPath, source, options, machine, verbose }: ReportInput): void {
  const summaries: Summary[] = [];
  if (pincer) summaries.push(summarize("Pincer (LSP server)", true, pincer.rows));
  if (baseline) summaries.push(summarize("node-llama-cpp infill (baseline)", false, baseline.rows));
  const p = summaries.find((s) => s.pincer);
  const b = summaries.find((s) => !s.pincer);
  const keyCount = places.reduce((n, place) => n + place.keys.length, 0);
  const files = [...new Set(places.map((place) => place.file))];

  console.log(`\n### Inline completion replay: ${keyCount} keys at ${places.length} places in ${files.length} files`);
  console.log(`model ${path.basename(modelPath)}, ${options.threads} thread(s), context ${options.contextSize}, maxTokens ${options.maxTokens}, maxLines ${options.maxLines}; session ${source}`);
  console.log(`${os.cpus().length} CPUs; ${machine.join("; ")}\n`);
  console.log("Keystroke requests (every request after the first at a place); latency over the completed ones, client-side:\n");
  console.log(
    "| | requests | completed | cancelled | latency p50 (ms) | latency p95 (ms) | prompt tokens / keystroke p50 | p95 | p95, all (incl. cancelled) | answered without the model | wait for the replaced request p50 / p95 (ms) | server overhead p50 (ms) |",
  );
  console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const s of summaries) {
    console.log(
      `| ${s.name} | ${s.requests} | ${s.completed} | ${s.cancelled} | ${fmt(s.latencyP50)} | ${fmt(s.latencyP95)} | ${fmt(s.tokensP50)} | ${fmt(s.tokensP95)} | ${fmt(s.allTokensP95)} | ` +
        `${s.pincer ? pct(s.withoutModel, s.completed) : "0% (no cache)"} | ${fmt(s.queuedP50, 1)} / ${fmt(s.queuedP95, 1)}${s.pincer ? "" : " (in-process)"} | ${s.pincer ? fmt(s.overheadP50, 2) : "— (in-process)"} |`,
    );
  }
  console.log(
    "\nServer overhead = totalMs − modelMs − queuedMs, from the server's record of each request (pincer/completionStats): the time in Pincer's own code " +
      "(LSP handling, prompt layout, tokenization, context selection). The wait for the replaced request (queuedMs) is the time a request waited for the completion sequence " +
      "while the request it replaced stopped at its current token (a decode step cannot be interrupted); the baseline's is its wait behind the previous request's generation.",
  );
  for (const s of summaries) {
    console.log(
      `${s.name}: ${s.waited} of ${s.completed} completed keystroke requests waited ≥ ${WAITED_MS} ms for the replaced request` +
        (s.pincer ? `; totalMs − modelMs (overhead and wait together) p50 ${fmt(s.outsideModelP50, 2)} ms` : "") +
        `; "all" counts ${s.allTokensCount} keystroke requests, the ${s.cancelled} cancelled ones with the ${s.cancelledTokens} prompt tokens they evaluated before stopping.`,
    );
  }

  console.log("\nFirst request at each place (file open or cursor jump), not in the keystroke figures above:\n");
  console.log("| | relayout rows | completed | prompt tokens p50 | latency p50 (ms) | server overhead p50 (ms) | flagged relayout by the server |");
  console.log("|---|--:|--:|--:|--:|--:|--:|");
  for (const s of summaries) {
    console.log(
      `| ${s.name} | ${s.relayouts.count} | ${s.relayouts.completed} | ${fmt(s.relayouts.tokensP50)} | ${fmt(s.relayouts.latencyP50)} | ${s.pincer ? fmt(s.relayouts.overheadP50, 1) : "—"} | ` +
        `${s.pincer ? `${s.relayouts.serverFlagged} (+${s.keyRelayoutsFlagged} among keystrokes)` : "—"} |`,
    );
  }
  console.log("\n(Pincer's prompt at a new place also holds extra context: definitions from the other open files and recent edits; the baseline's holds only the prefix and suffix windows.)");
  console.log("\nPrompt tokens per keystroke by file size (p95, completed keystroke requests):\n");
  console.log(`| file | lines | ${summaries.map((s) => s.name).join(" | ")} |`);
  console.log(`|---|--:|${summaries.map(() => "--:").join("|")}|`);
  for (const file of files) {
    const lines = places.find((place) => place.file === file)!.fileLines;
    console.log(`| ${file} | ${lines} | ${summaries.map((s) => `${fmt(percentile(s.perFile.get(file)?.tokens ?? [], 95))} (n=${s.perFile.get(file)?.tokens.length ?? 0})`).join(" | ")} |`);
  }

  console.log("\nTargets (synthetic ~135M model):\n");
  console.log("| target | measured | limit | result |");
  console.log("|---|--:|--:|---|");
  const verdict = (ok: boolean | undefined) => (ok === undefined ? "n/a" : ok ? "PASS" : "FAIL");
  const atMost = (value: number | undefined, limit: number) => verdict(value === undefined ? undefined : value <= limit);
  if (p && pincer) {
    console.log(`| p95 prompt tokens evaluated per keystroke, after the first request at a place (completed requests) | ${fmt(p.tokensP95)} | ≤ ${TARGET_P95_TOKENS} | ${atMost(p.tokensP95, TARGET_P95_TOKENS)} |`);
    if (p.allTokensP95 !== p.tokensP95) {
      console.log(
        `| (diagnostic) the same over all keystroke requests, cancelled ones with the tokens they evaluated | ${fmt(p.allTokensP95)} | ≤ ${TARGET_P95_TOKENS} | ${atMost(p.allTokensP95, TARGET_P95_TOKENS)} |`,
      );
    }
    const ratio = b && p.latencyP50 !== undefined && b.latencyP50 !== undefined ? p.latencyP50 / b.latencyP50 : undefined;
    console.log(`| p50 latency, Pincer ÷ baseline | ${ratio === undefined ? "—" : `${ratio.toFixed(2)}x`} (${fmt(p.latencyP50)} / ${fmt(b?.latencyP50)} ms) | ≤ ${TARGET_LATENCY_RATIO}x | ${atMost(ratio, TARGET_LATENCY_RATIO)} |`);
    console.log(`| server overhead outside the model, p50 (totalMs − modelMs − queuedMs) | ${fmt(p.overheadP50, 2)} ms | ≤ ${TARGET_OVERHEAD_MS} ms | ${atMost(p.overheadP50, TARGET_OVERHEAD_MS)} |`);
    const rows = pincer.rows.filter((r) => r.stat && completedOf(r));
    const transport = percentile(rows.map((r) => r.latencyMs! - r.stat!.totalMs), 50);
    console.log(`\nPincer, completed requests: LSP transport (client latency − server total) p50 ${fmt(transport, 2)} ms; ${pincer.pairing}.`);
    console.log(
      'Cancelled Pincer requests carry what they cost up to the cancel (evaluated prompt tokens, model time, wait); a request superseded before it reached the engine is recorded with source "none". ' +
        'The completed figures leave them out; the "all" column counts them.',
    );
  }
  if (baseline) {
    const evaluated = baseline.rows.filter((r) => r.kind === "key" && completedOf(r)).map((r) => r.answer?.evaluatedPromptTokens ?? 0);
    const relayoutP50 = b?.relayouts.tokensP50 ?? Number.POSITIVE_INFINITY;
    const whole = evaluated.filter((t) => t >= 0.9 * relayoutP50).length;
    console.log(
      `Baseline prompt tokens are counted at node-llama-cpp's sequence.evaluate() call (${baseline.meterCheck}). Of its ${evaluated.length} completed keystroke requests, ` +
        `${evaluated.length - whole} re-evaluated the suffix window and what changed before it, ${whole} the whole prompt (the prefix window's first line moved).`,
    );
  }

  if (pincer) printDetails("Pincer", pincer.rows, verbose);
  if (baseline) printDetails("Baseline", baseline.rows, verbose);
}

function printDetails(name: string, rows: RequestRow[], all: boolean): void {
  const outlier = (r: RequestRow) => r.kind === "key" && completedOf(r) && ((tokensOf(r) ?? 0) > TARGET_P95_TOKENS || (overheadOf(r) ?? 0) > TARGET_OVERHEAD_MS);
  const chosen = all ? rows : rows.filter(outlier).slice(0, 20);
  if (chosen.length === 0) return;
  console.log(`\n${name}: ${all ? "every request" : `completed keystroke requests over ${TARGET_P95_TOKENS} prompt tokens or ${TARGET_OVERHEAD_MS} ms of server overhead (first 20)`}`);
  console.log("| # | kind | span | key | sent (ms) | latency (ms) | cancelled | evaluated | reused | server total/model/queued (ms) | server overhead (ms) | relayout | source | text |");
  console.log("|--:|---|--:|--:|--:|--:|---|--:|--:|---|--:|---|---|---|");
  for (const r of chosen) {
    const s = r.stat;
    const server = s
      ? `${s.totalMs.toFixed(1)}/${s.modelMs.toFixed(1)}/${(s.queuedMs ?? 0).toFixed(1)}`
      : r.answer?.modelMs !== undefined
        ? `—/${r.answer.modelMs.toFixed(1)}/${fmt(r.answer.queuedMs, 1)}`
        : "—";
    console.log(
      `| ${r.index} | ${r.kind} | ${r.span} | ${r.key} | ${r.sentAt.toFixed(0)} | ${fmt(r.latencyMs)} | ${completedOf(r) ? "" : "yes"} | ${fmt(tokensOf(r))} | ${fmt(s?.reusedTokens ?? r.answer?.reusedTokens)} | ` +
        `${server} | ${fmt(overheadOf(r), 1)} | ${s?.relayout ? "yes" : ""} | ${s?.source ?? ""} | ${JSON.stringify((r.answer?.text ?? "").slice(0, 24))} |`,
    );
  }
}
