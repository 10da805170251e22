// Completion's optional hook into the codebase index: chunks related to the identifiers near the
// cursor, found by the keyword ranker only (a query embedding would queue behind the indexer) and
// only when the answer arrives within a small time budget; otherwise completion goes on without.
import type { CodebaseService } from "./codebase-service";

export interface RelatedChunk {
  path: string;
  text: string;
}

/** (identifiers near the cursor, the current file's display path) → related chunks from other files, or [] past the budget. */
export type RelatedChunksProvider = (names: readonly string[], currentPath: string, signal: AbortSignal) => Promise<RelatedChunk[]>;

export function relatedChunksProvider(service: () => CodebaseService | undefined, options: { budgetMs?: number; limit?: number; maxLines?: number } = {}): RelatedChunksProvider {
  const budgetMs = options.budgetMs ?? 25;
  const limit = options.limit ?? 3;
  const maxLines = options.maxLines ?? 30;
  return async (names, currentPath, signal) => {
    const index = service();
    if (!index?.available || names.length === 0) return [];
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), budgetMs)));
    try {
      const result = await Promise.race([index.search(names.slice(0, 12).join(" "), { limit: limit + 3, lexicalOnly: true, signal }).catch(() => undefined), late]);
      if (!result) return [];
      return result.hits
        .filter((hit) => !currentPath.endsWith(hit.path) && !hit.path.endsWith(currentPath))
        .slice(0, limit)
        .map((hit) => ({ path: hit.path, text: hit.text.split("\n").slice(0, maxLines).join("\n") }));
    } finally {
      clearTimeout(timer);
    }
  };
}
