// Extra context for a completion, chosen with tree-sitter: definitions of the identifiers used near
// the cursor (found in the open documents), the regions the user edited recently, and the file's
// imports when the prefix window no longer reaches them. Chosen once per prompt layout, not per
// keystroke.
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

export async function selectContext(query: ContextQuery, openDocuments: readonly OpenDocument[], recentEdits?: RecentEdits): Promise<ContextChunk[]> {
  const chunks: ContextChunk[] = [];
  const names = new Set((await identifiersNear(query.text, query.languageId, query.offset, NEAR_LINES)) ?? []);

  // Definitions of nearby identifiers from the other open documents (the current file's own are
  // mostly in the prefix/suffix windows already).
  if (names.size > 0) {
    const found: ContextChunk[] = [];
    for (const doc of openDocuments) {
      if (doc.uri === query.uri) continue;
      const snippets = (await definitionSnippets(doc.text, doc.languageId, names, { maxLines: 30 })) ?? [];
      for (const snippet of snippets) found.push({ path: doc.path, text: snippet.text });
    }
    chunks.push(...found.slice(0, MAX_DEFINITIONS));
  }

  const cursorLine = query.text.slice(0, query.offset).split("\n").length - 1;
  if (recentEdits) {
    const textOf = (uri: string) => openDocuments.find((d) => d.uri === uri)?.text;
    for (const edit of recentEdits.snippets(textOf, { uri: query.uri, line: cursorLine, skip: NEAR_LINES })) {
      const path = openDocuments.find((d) => d.uri === edit.uri)?.path ?? edit.uri;
      chunks.push({ path, text: edit.text });
    }
  }

  if (query.offset > query.prefixWindowChars) {
    const importLines = (await imports(query.text, query.languageId)) ?? [];
    if (importLines.length > 0) chunks.push({ path: query.path, text: importLines.join("\n") });
  }
  // Most useful first: the session keeps what fits its budget, then orders the kept chunks stably.
  return chunks;
}
