// Extra context for a completion, chosen with tree-sitter: definitions of the identifiers used near
// the cursor (found in the open documents), the regions the user edited recently, and the file's
// imports when the prefix window no longer reaches them. Chosen once per prompt layout, not per
// keystroke.
import { parserPool } from "../index/parser-pool";
import { definitionSnippets, identifiersNear, imports } from "../index/symbols";
import type { ContextChunk } from "./fim-format";
import type { RecentEdits } from "./recent-edits";

export interface OpenDocument {
  uri: string;
  path: string;
  languageId: string;
  text: string;
}

export interface ContextQuery {
  uri: string;
  path: string;
  languageId: string;
  text: string;
  offset: number;
  /** Characters of the prefix the prompt shows; imports before that are offered as context. */
  prefixWindowChars: number;
}

const NEAR_LINES = 12;
const MAX_DEFINITIONS = 12;

/** Reads a workspace file that the current file imports by relative path (e.g. "./utils"). */
export type ImportReader = (specifier: string, fromUri: string) => Promise<OpenDocument | undefined>;

const MAX_IMPORTED_FILES = 8;

/** Optional: chunks from the codebase index related to the identifiers near the cursor (codebase/completion-context.ts). */
export type RelatedChunks = (names: readonly string[], currentPath: string) => Promise<ContextChunk[]>;

export async function selectContext(
  query: ContextQuery,
  openDocuments: readonly OpenDocument[],
  recentEdits?: RecentEdits,
  readImport?: ImportReader,
  related?: RelatedChunks,
): Promise<ContextChunk[]> {
  const chunks: ContextChunk[] = [];
  // Open documents keep their trees in the parser pool under their URI (as block ends do), so
  // the next layout re-parses only what changed.
  const names = new Set((await identifiersNear(query.text, query.languageId, query.offset, NEAR_LINES, parserPool, query.uri)) ?? []);
  const importLines = (await imports(query.text, query.languageId, parserPool, query.uri)) ?? [];

  // Definitions of nearby identifiers from the other open documents and from workspace files the
  // current file imports (the current file's own are mostly in the prefix/suffix windows already).
  if (names.size > 0) {
    const sources: (OpenDocument & { keep?: boolean })[] = openDocuments.map((d) => ({ ...d, keep: true }));
    if (readImport) {
      for (const specifier of relativeSpecifiers(importLines).slice(0, MAX_IMPORTED_FILES)) {
        const doc = await readImport(specifier, query.uri).catch(() => undefined);
        if (doc && !sources.some((d) => d.uri === doc.uri)) sources.push(doc);
      }
    }
    const found: ContextChunk[] = [];
    for (const doc of sources) {
      if (doc.uri === query.uri) continue;
      const snippets = (await definitionSnippets(doc.text, doc.languageId, names, { maxLines: 30, documentKey: doc.keep ? doc.uri : undefined })) ?? [];
      for (const snippet of snippets) found.push({ path: doc.path, text: snippet.text, kind: "definition" });
    }
    chunks.push(...found.slice(0, MAX_DEFINITIONS));
  }

  let cursorLine = 0; // counted, not split: the document may be tens of megabytes
  for (let at = query.text.indexOf("\n"); at !== -1 && at < query.offset; at = query.text.indexOf("\n", at + 1)) cursorLine++;
  if (recentEdits) {
    const textOf = (uri: string) => openDocuments.find((d) => d.uri === uri)?.text;
    for (const edit of recentEdits.snippets(textOf, { uri: query.uri, line: cursorLine, skip: NEAR_LINES })) {
      const path = openDocuments.find((d) => d.uri === edit.uri)?.path ?? edit.uri;
      chunks.push({ path, text: edit.text, kind: "edit" });
    }
  }

  if (query.offset > query.prefixWindowChars) {
    if (importLines.length > 0) chunks.push({ path: query.path, text: importLines.join("\n"), kind: "import" });
  }
  // Least sure, so last: the session drops from the end when the budget is short.
  if (related && names.size > 0) chunks.push(...(await related([...names], query.path).catch(() => [])));
  // Most useful first: the session keeps what fits its budget, then orders the kept chunks stably.
  return chunks;
}

/** Quoted relative module paths in import statements: "./utils", '../lib/x', "local.h". */
export function relativeSpecifiers(importLines: readonly string[]): string[] {
  const found = new Set<string>();
  for (const line of importLines) {
    for (const match of line.matchAll(/["'`](\.{1,2}\/[^"'`]+)["'`]/g)) found.add(match[1]!);
    const include = /#\s*include\s+"([^"]+)"/.exec(line);
    if (include) found.add(`./${include[1]}`);
  }
  return [...found];
}
