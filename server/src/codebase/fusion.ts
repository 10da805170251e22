// Reciprocal rank fusion (Cormack et al., 2009): score = Σ weight / (k + rank) over the rankers that
// returned an item. Ranks, not scores, are combined, so BM25 and cosine need no common scale. A
// ranker's weight (default 1) scales its votes: bench/index.ts measures the weights against labels.
export const RRF_K = 60;

export function reciprocalRankFusion<T>(
  rankings: readonly (readonly T[])[],
  keyOf: (item: T) => string,
  k = RRF_K,
  weights: readonly number[] = [],
): { item: T; score: number; rankers: number[] }[] {
  const fused = new Map<string, { item: T; score: number; rankers: number[] }>();
  rankings.forEach((ranking, ranker) => {
    const weight = weights[ranker] ?? 1;
    if (weight <= 0) return;
    const seen = new Set<string>();
    ranking.forEach((item, index) => {
      const key = keyOf(item);
      if (seen.has(key)) return; // one ranker counts an item once, at its best rank
      seen.add(key);
      const entry = fused.get(key) ?? { item, score: 0, rankers: [] };
      entry.score += weight / (k + index + 1);
      entry.rankers.push(ranker);
      fused.set(key, entry);
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
