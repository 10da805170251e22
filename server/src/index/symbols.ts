// What the code around the cursor defines and uses, for the completion prompt (and later chat and
// the agent): an outline, the source of chosen definitions, the import lines and the identifiers
// near the cursor. Every function parses the text once and frees the tree before returning; each
// returns undefined when the language has no grammar (or it failed to load), never throws on bad code.
import { type Node, Query, type Tree } from "web-tree-sitter";
import { type GrammarId, resolveGrammarId } from "./grammars";
import { parserPool, type ParserPool } from "./parser-pool";
import { IDENTIFIER_TYPES, QUERIES, SYMBOL_KINDS, type SymbolKind } from "./queries";

export type { SymbolKind } from "./queries";

/** 0-based line and UTF-16 character, as in LSP. */
export interface TextPosition {
  line: number;
  character: number;
}
export interface TextRange {
  start: TextPosition;
  end: TextPosition;
}

export interface OutlineSymbol {
  name: string;
  kind: SymbolKind;
  /** The whole definition. */
  range: TextRange;
  nameRange: TextRange;
  /** The definition's head on one line: from the start of its first line up to its body. */
  signature: string;
  /** Name of the enclosing definition, if any. */
  container?: string;
  /** 0 for top level, 1 inside one definition, … */
  depth: number;
}

export interface DefinitionSnippet {
  name: string;
  kind: SymbolKind;
  range: TextRange;
  /** Source from the start of the definition's first line, dedented by that line's indentation. */
  text: string;
  /** True when the definition was longer than maxLines and `text` holds only its head. */
  truncated: boolean;
}

/** Kinds whose nested functions are methods. */
const CLASS_LIKE: ReadonlySet<SymbolKind> = new Set(["class", "interface", "struct", "trait", "impl", "enum"]);
const MAX_SIGNATURE = 240;

type QueryKind = "definitions" | "imports";

// Queries are compiled on first use per grammar and kind, then kept: compiling one costs up to
// ~150 ms for the big grammars (TypeScript, C++), running it a few ms. prepareSymbols() lets the
// server pay that when a document opens instead of on the first completion.
// A query belongs to the Language object it was compiled for, hence one cache per pool.
const compiledByPool = new WeakMap<ParserPool, Map<string, Promise<Query | null | undefined>>>();

/** The compiled query, null when the grammar has none of that kind, undefined when the grammar is unavailable. */
function queryFor(pool: ParserPool, grammar: GrammarId, kind: QueryKind): Promise<Query | null | undefined> {
  let compiled = compiledByPool.get(pool);
  if (!compiled) compiledByPool.set(pool, (compiled = new Map()));
  const key = `${grammar}:${kind}`;
  let pending = compiled.get(key);
  if (!pending) {
    const source = QUERIES[grammar]?.[kind];
    pending = pool.language(grammar).then((language) => (language ? (source ? new Query(language, source) : null) : undefined));
    compiled.set(key, pending);
  }
  return pending;
}

/** Loads the grammar and compiles its queries ahead of use. Resolves false when the language is unsupported. */
export async function prepareSymbols(languageId: string, pool: ParserPool = parserPool): Promise<boolean> {
  const grammar = resolveGrammarId(languageId);
  if (!grammar) return false;
  const results = await Promise.all([queryFor(pool, grammar, "definitions"), queryFor(pool, grammar, "imports")]);
  return results.every((q) => q !== undefined);
}

/**
 * Runs `fn` on the text's tree. With a document key the pool keeps the tree and re-parses the
 * next version incrementally (the open-document case); without one the parse is one-off.
 */
async function withParsed<T>(
  text: string,
  languageId: string,
  kind: QueryKind | undefined,
  fn: (tree: Tree, query: Query | null) => T,
  pool: ParserPool,
  documentKey?: string,
): Promise<T | undefined> {
  const grammar = resolveGrammarId(languageId);
  if (!grammar) return undefined;
  const query = kind ? await queryFor(pool, grammar, kind) : null;
  if (query === undefined) return undefined;
  if (documentKey !== undefined) {
    const tree = await pool.parseDocument(documentKey, text, grammar);
    return tree ? fn(tree, query) : undefined;
  }
  return pool.withTree(text, grammar, (tree) => fn(tree, query));
}

const toPosition = (p: { row: number; column: number }): TextPosition => ({ line: p.row, character: p.column });
const rangeOf = (node: Node): TextRange => ({ start: toPosition(node.startPosition), end: toPosition(node.endPosition) });

function lineStart(text: string, index: number): number {
  return text.lastIndexOf("\n", index - 1) + 1;
}

/** The definition's body: its `body` field, or its value's (const f = () => {…}). */
function bodyOf(node: Node | null, depth = 0): Node | undefined {
  if (!node || depth > 2) return undefined;
  return node.childForFieldName("body") ?? bodyOf(node.childForFieldName("value"), depth + 1);
}

function signatureOf(text: string, node: Node): string {
  // Start at the line start to keep modifiers (export, pub, static…), unless something else
  // ends on that line first (several definitions on one line).
  const lineHead = lineStart(text, node.startIndex);
  const start = /[{};,]/.test(text.slice(lineHead, node.startIndex)) ? node.startIndex : lineHead;
  const body = bodyOf(node);
  const firstLineEnd = text.indexOf("\n", node.startIndex);
  const end = body && body.startIndex > node.startIndex ? body.startIndex : firstLineEnd < 0 || firstLineEnd > node.endIndex ? node.endIndex : firstLineEnd;
  let head = text.slice(start, end).replace(/\s+/g, " ").trim();
  if (body) head = head.replace(/\s*[{=]$/, "");
  return head.length > MAX_SIGNATURE ? `${head.slice(0, MAX_SIGNATURE - 1)}…` : head;
}

interface RawDefinition {
  node: Node;
  nameNode: Node;
  kind: SymbolKind;
  pattern: number;
}

function collectDefinitions(tree: Tree, query: Query): RawDefinition[] {
  const byNode = new Map<number, RawDefinition>();
  for (const match of query.matches(tree.rootNode)) {
    let node: Node | undefined;
    let nameNode: Node | undefined;
    let kind: SymbolKind | undefined;
    for (const capture of match.captures) {
      if (capture.name === "name") nameNode = capture.node;
      else if (capture.name.startsWith("definition.")) {
        const k = capture.name.slice("definition.".length) as SymbolKind;
        if ((SYMBOL_KINDS as readonly string[]).includes(k)) {
          node = capture.node;
          kind = k;
        }
      }
    }
    if (!node || !nameNode || !kind) continue;
    const seen = byNode.get(node.id);
    if (!seen || match.patternIndex < seen.pattern) byNode.set(node.id, { node, nameNode, kind, pattern: match.patternIndex });
  }
  return [...byNode.values()].sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
}

function buildOutline(text: string, tree: Tree, query: Query): OutlineSymbol[] {
  const open: { end: number; symbol: OutlineSymbol }[] = [];
  const symbols: OutlineSymbol[] = [];
  for (const { node, nameNode, kind } of collectDefinitions(tree, query)) {
    while (open.length > 0 && open[open.length - 1]!.end <= node.startIndex) open.pop();
    const parent = open[open.length - 1]?.symbol;
    const symbol: OutlineSymbol = {
      name: nameNode.text,
      kind: kind === "function" && parent && CLASS_LIKE.has(parent.kind) ? "method" : kind,
      range: rangeOf(node),
      nameRange: rangeOf(nameNode),
      signature: signatureOf(text, node),
      depth: open.length,
    };
    if (parent) symbol.container = parent.name;
    symbols.push(symbol);
    open.push({ end: node.endIndex, symbol });
  }
  return symbols;
}

/** Definitions (top level and nested), in document order. */
export async function outline(text: string, languageId: string, pool: ParserPool = parserPool): Promise<OutlineSymbol[] | undefined> {
  return withParsed(text, languageId, "definitions", (tree, query) => (query ? buildOutline(text, tree, query) : []), pool);
}

/**
 * The source of every definition whose name is in `names` (for example identifiers near the
 * cursor), in document order. Long definitions keep their first `maxLines` lines.
 */
export async function definitionSnippets(
  text: string,
  languageId: string,
  names: ReadonlySet<string>,
  options: { maxLines?: number; documentKey?: string } = {},
  pool: ParserPool = parserPool,
): Promise<DefinitionSnippet[] | undefined> {
  const maxLines = Math.max(1, options.maxLines ?? 40);
  return withParsed(
    text,
    languageId,
    "definitions",
    (tree, query) => {
      if (!query || names.size === 0) return [];
      return collectDefinitions(tree, query)
        .filter((d) => names.has(d.nameNode.text))
        .map(({ node, nameNode, kind }) => {
          const start = lineStart(text, node.startIndex);
          const indent = /^[ \t]*/.exec(text.slice(start, node.startIndex))?.[0] ?? "";
          const lines = text
            .slice(start, node.endIndex)
            .split("\n")
            .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()));
          const truncated = lines.length > maxLines;
          return { name: nameNode.text, kind, range: rangeOf(node), text: lines.slice(0, maxLines).join("\n"), truncated };
        });
    },
    pool,
    options.documentKey,
  );
}

/** The import / include / use statements, as written, in document order. */
export async function imports(text: string, languageId: string, pool: ParserPool = parserPool, documentKey?: string): Promise<string[] | undefined> {
  return withParsed(
    text,
    languageId,
    "imports",
    (tree, query) => {
      if (!query) return [];
      const nodes = new Map<number, Node>();
      for (const capture of query.captures(tree.rootNode)) {
        if (capture.name === "import") nodes.set(capture.node.id, capture.node);
      }
      return [...nodes.values()].sort((a, b) => a.startIndex - b.startIndex).map((n) => n.text.trimEnd());
    },
    pool,
    documentKey,
  );
}

/**
 * Distinct identifiers used within `windowLines` lines above and below the cursor's line, the
 * nearest first (by line distance, then column distance). Comments and strings are not
 * identifiers in the grammars, so they do not contribute.
 */
export async function identifiersNear(
  text: string,
  languageId: string,
  offset: number,
  windowLines: number,
  pool: ParserPool = parserPool,
  documentKey?: string,
): Promise<string[] | undefined> {
  const cursorLine = countLines(text, Math.max(0, Math.min(offset, text.length)));
  const cursorColumn = offset - lineStart(text, offset);
  const first = Math.max(0, cursorLine - windowLines);
  const last = cursorLine + windowLines;
  return withParsed(
    text,
    languageId,
    undefined,
    (tree) => {
      const found: { name: string; distance: number }[] = [];
      const visit = (node: Node) => {
        if (node.endPosition.row < first || node.startPosition.row > last) return;
        if (IDENTIFIER_TYPES.has(node.type) && (node.namedChildCount === 0 || node.type === "command_name")) {
          const row = node.startPosition.row;
          found.push({ name: node.text, distance: Math.abs(row - cursorLine) * 10_000 + Math.abs(node.startPosition.column - cursorColumn) });
          return;
        }
        for (const child of node.namedChildren) if (child) visit(child);
      };
      visit(tree.rootNode);
      found.sort((a, b) => a.distance - b.distance);
      return [...new Set(found.map((f) => f.name))];
    },
    pool,
    documentKey,
  );
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}
