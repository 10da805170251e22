// bench/completion: the side-by-side table of issue 14 — the first request at a new place and the
// keystrokes after it, for each target, per round (targets interleaved within a round, same machine
// and model) — and the targets as ratios within a round.
import type { RequestRow } from "./replay";
import { completedOf, fmt, percentile, tokensOf } from "./report";

export interface TargetRun {
  /** "pincer", "llama-server" or "baseline". */
  target: string;
  /** How it ran: threads, endpoint. */
  label: string;
  round: number;
  rows: RequestRow[];
  /** Load average (1 min) before and after the replay. */
  load: [number, number];
}

export interface TargetFigures {
  firstP50?: number;
  firstTokensP50?: number;
  /** Prompt tokens the first request at a place found cached (Pincer: kept from the earlier place). */
  firstReusedP50?: number;
  keyP50?: number;
  keyP95?: number;
  keyTokensP50?: number;
  keyTokensP95?: number;
  keys: number;
  /** Pincer: first requests answered from a quick layout, and keystrokes answered from the full one. */
  quickFirsts?: number;
  fullKeys?: number;
  /** Pincer: how much of the full layout was evaluated at each place's last keystroke (median over places, 0-1). */
  grownAtEnd?: number;
}

export function figures(rows: RequestRow[]): TargetFigures {
  const firsts = rows.filter((r) => r.kind === "relayout" && completedOf(r));
  const keys = rows.filter((r) => r.kind === "key" && completedOf(r));
  const tokens = (list: RequestRow[]) => list.map(tokensOf).filter((t): t is number => t !== undefined);
  const reused = firsts.map((r) => r.stat?.reusedTokens ?? r.answer?.reusedTokens).filter((t): t is number => t !== undefined);
  const withStats = keys.filter((r) => r.stat?.layoutKind !== undefined);
  return {
    firstP50: percentile(firsts.map((r) => r.latencyMs!), 50),
    firstTokensP50: percentile(tokens(firsts), 50),
    firstReusedP50: percentile(reused, 50),
    keyP50: percentile(keys.map((r) => r.latencyMs!), 50),
    keyP95: percentile(keys.map((r) => r.latencyMs!), 95),
    keyTokensP50: percentile(tokens(keys), 50),
    keyTokensP95: percentile(tokens(keys), 95),
    keys: keys.length,
    ...(firsts.some((r) => r.stat)
      ? {
          quickFirsts: firsts.filter((r) => r.stat?.layoutKind === "quick").length,
          fullKeys: withStats.filter((r) => r.stat?.layoutKind === "full").length,
          grownAtEnd: percentile(grownAtEnd(rows), 50),
        }
      : {}),
  };
}

/** Per place, the share of the full layout evaluated when its last keystroke reached the model (1: answered from it). */
function grownAtEnd(rows: RequestRow[]): number[] {
  const last = new Map<number, RequestRow>();
  for (const row of rows) if (row.kind === "key" && row.stat?.layoutKind !== undefined) last.set(row.span, row);
  return [...last.values()].map(({ stat }) =>
    stat!.layoutKind === "full" ? 1 : stat!.growth ? stat!.growth.evaluatedTokens / Math.max(1, stat!.growth.layoutTokens) : 0,
  );
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

export function printComparison(runs: TargetRun[], model: string): { passed: boolean } {
  const rounds = [...new Set(runs.map((r) => r.round))].sort((a, b) => a - b);
  console.log(`\n### Side by side: ${model} (rounds interleaved: every target once per round, order rotated)\n`);
  console.log("| round | target | load avg before → after | first request at a new place p50 | per keystroke p50 / p95 | prompt tokens per keystroke p50 / p95 | Pincer: quick first layouts, keystrokes on the full layout, full layout grown by each place's last keystroke (p50) |");
  console.log("|--:|---|--:|--:|--:|--:|--:|");
  for (const run of runs) {
    const f = figures(run.rows);
    console.log(
      `| ${run.round} | ${run.label} | ${run.load[0].toFixed(2)} → ${run.load[1].toFixed(2)} | ${fmt(f.firstP50)} ms (${fmt(f.firstTokensP50)} tokens, ${fmt(f.firstReusedP50)} cached) | ` +
        `${fmt(f.keyP50)} / ${fmt(f.keyP95)} ms | ${fmt(f.keyTokensP50)} / ${fmt(f.keyTokensP95)} | ${f.quickFirsts === undefined ? "—" : `${f.quickFirsts}, ${f.fullKeys} of ${f.keys}, ${f.grownAtEnd === undefined ? "—" : `${Math.round(100 * f.grownAtEnd)}%`}`} |`,
    );
  }
  console.log("\nTargets, as ratios within each round (Pincer ÷ llama-server):\n");
  console.log("| round | first at a new place ≤ 0.7× | first at a new place ≤ 1000 ms | per keystroke p50 ≤ 0.4× | p95 prompt tokens per keystroke ≤ 16 |");
  console.log("|--:|--:|--:|--:|--:|");
  let passed = true;
  for (const round of rounds) {
    const pincer = runs.find((r) => r.round === round && r.target === "pincer");
    const peer = runs.find((r) => r.round === round && r.target === "llama-server");
    if (!pincer) continue;
    const p = figures(pincer.rows);
    const l = peer ? figures(peer.rows) : undefined;
    const first = ratio(p.firstP50, l?.firstP50);
    const key = ratio(p.keyP50, l?.keyP50);
    const verdict = (ok: boolean | undefined) => {
      if (ok === false) passed = false;
      return ok === undefined ? "n/a" : ok ? "PASS" : "FAIL";
    };
    console.log(
      `| ${round} | ${first === undefined ? "—" : `${first.toFixed(2)}×`} ${verdict(first === undefined ? undefined : first <= 0.7)} | ${fmt(p.firstP50)} ms ${verdict(p.firstP50 === undefined ? undefined : p.firstP50 <= 1000)} | ` +
        `${key === undefined ? "—" : `${key.toFixed(2)}×`} ${verdict(key === undefined ? undefined : key <= 0.4)} | ${fmt(p.keyTokensP95)} ${verdict(p.keyTokensP95 === undefined ? undefined : p.keyTokensP95 <= 16)} |`,
    );
  }
  return { passed };
}
