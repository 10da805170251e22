// Where a multi-line completion should stop: at the end of the statement or block the cursor is
// in, not wherever the model ran out of tokens. Models happily close the current function and go
// on with a new one; this cuts that off.
//
// Syntax rules (languages with a grammar):
//  1. Parse the document with the completion inserted at the cursor (incrementally, from the
//     tree of the document without it).
//  2. N = the smallest statement-like node (a *_statement, *_declaration, *_definition or
//     *_item, or a few per-language types) that contains the cursor strictly inside it. Bodies
//     and blocks are not candidates themselves: their statement is, so `} else {` stays.
//  3. If N ends before the end of the completion, the completion is cut where N ends.
//  4. Unless the document already closed N after the cursor (the same node, parsed without the
//     completion, reaches into the text after the cursor, and its top-level statement parsed
//     without error): then the model re-typed that closing text (`}`, `});`, `end`), so the cut
//     is made before it, and trailing whitespace goes too.
//  5. No candidate (the cursor is at the top level) → the indentation rules below.
// Indentation rules (any language; the only rules for languages without a grammar), with the
// cursor line's indentation as the base and tabs counted as 4 columns:
//  a. a line indented less than the base ends the completion before that line;
//  b. after lines deeper than the base, a blank line followed by a line at or below the base
//     ends it before the blank line (a new top-level block begins);
//  c. after lines deeper than the base, a closing line at the base (`}`, `)`, `]`, `end`, `fi`,
//     `done`, `esac`) that opens nothing new ends it after that line.
// Trailing blank lines of a cut completion are dropped. The first line of the completion
// continues the cursor line and is never checked.
import type { Node, Tree } from "web-tree-sitter";
import { resolveGrammarId } from "./grammars";
import { insertionEdit, parserPool, type ParserPool } from "./parser-pool";

export interface BlockEndOptions {
  /** Lets the pool keep the document's tree between requests (an LSP URI); else a one-off parse. */
  documentKey?: string;
  pool?: ParserPool;
}

export interface BlockEndResult {
  completion: string;
  /** Which rule cut it; undefined when the completion was kept whole. */
  cutBy?: "syntax" | "indentation";
}

const STATEMENT_LIKE = /(^|_)(statement|declaration|definition|item)$/;
// Statement-like nodes whose type name does not say so: Ruby, Bash, JSON, CSS.
const OTHER_STATEMENTS: ReadonlySet<string> = new Set([
  "method", "singleton_method", "class", "module", "if", "unless", "while", "until", "for", "case", "begin",
  "command", "pair", "rule_set",
]);

function isStatementLike(node: Node): boolean {
  return !node.type.includes("parameter") && (STATEMENT_LIKE.test(node.type) || OTHER_STATEMENTS.has(node.type));
}

/** The smallest statement-like node with start < index < end (never the root). */
function enclosingStatement(tree: Tree, index: number, match?: (node: Node) => boolean): Node | undefined {
  for (let node = tree.rootNode.descendantForIndex(index, index); node && node.parent; node = node.parent) {
    if (node.startIndex < index && node.endIndex > index && (match ? match(node) : isStatementLike(node))) return node;
  }
  return undefined;
}

/**
 * Cuts `completion` (to be inserted at `offset` in `document`) at the end of the current block or
 * statement. Languages without a grammar, and failed parses, use the indentation rules.
 */
export async function truncateAtBlockEnd(document: string, offset: number, completion: string, languageId: string, options: BlockEndOptions = {}): Promise<BlockEndResult> {
  if (!(offset >= 0 && offset <= document.length)) return { completion };
  const bySyntax = await cutBySyntax(document, offset, completion, languageId, options);
  if (bySyntax) return bySyntax;
  const cut = cutByIndentation(document, offset, completion);
  return cut === completion ? { completion } : { completion: cut, cutBy: "indentation" };
}

/** The syntax rules alone; undefined when they do not apply (no grammar, no statement around the cursor). */
export async function cutBySyntax(document: string, offset: number, completion: string, languageId: string, options: BlockEndOptions = {}): Promise<BlockEndResult | undefined> {
  const grammar = resolveGrammarId(languageId);
  if (!grammar || completion === "") return undefined;
  const pool = options.pool ?? parserPool;
  const keyed = options.documentKey !== undefined;
  const before = keyed ? await pool.parseDocument(options.documentKey!, document, grammar) : await pool.parse(document, grammar);
  if (!before) return undefined;
  try {
    const text = document.slice(0, offset) + completion + document.slice(offset);
    const after = await pool.parseIncremental(text, grammar, before, insertionEdit(document, offset, offset, completion));
    if (!after) return undefined;
    try {
      const node = enclosingStatement(after, offset);
      if (!node) return undefined;
      const end = offset + completion.length;
      if (node.endIndex >= end) return { completion };
      let cut = completion.slice(0, node.endIndex - offset);
      // Rule 4: the document already had N's closing text after the cursor.
      const original = enclosingStatement(before, offset, (n) => n.startIndex === node.startIndex && n.type === node.type);
      const closing = original && trusted(original) ? document.slice(offset, original.endIndex).trim() : "";
      if (closing !== "") cut = withoutTail(cut, closing) ?? cut;
      return { completion: cut.replace(/\s+$/, ""), cutBy: "syntax" };
    } finally {
      after.delete();
    }
  } finally {
    if (!keyed) before.delete();
  }
}

/**
 * Whether the closing text that the parse gave a node can be believed: not when its top-level
 * statement has a syntax error, as in `class A {\n  m() {█\n}` where the class's `}` was taken
 * to close m() and the class is left unclosed.
 */
function trusted(node: Node): boolean {
  let top = node;
  while (top.parent && top.parent.parent) top = top.parent;
  return !top.hasError;
}

/** `head` without a trailing copy of `tail` (whitespace ignored on both sides), or undefined. */
function withoutTail(head: string, tail: string): string | undefined {
  let i = head.length;
  for (let j = tail.length - 1; j >= 0; j--) {
    if (/\s/.test(tail[j]!)) continue;
    do i--;
    while (i >= 0 && /\s/.test(head[i]!));
    if (i < 0 || head[i] !== tail[j]) return undefined;
  }
  return head.slice(0, i);
}

const CLOSING_LINE = /^\s*(\}|\)|\]|end\b|fi\b|done\b|esac\b)/;
const OPENS_BLOCK = /[{([:]\s*$|\b(do|then|else)\s*$/;

function indentWidth(line: string): number {
  let width = 0;
  for (const ch of line) {
    if (ch === " ") width++;
    else if (ch === "\t") width += 4 - (width % 4);
    else break;
  }
  return width;
}

/** The indentation rules alone (pure, for any language). Returns the completion, possibly cut. */
export function cutByIndentation(document: string, offset: number, completion: string): string {
  const lineStart = document.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = document.indexOf("\n", offset);
  const cursorLine = document.slice(lineStart, lineEnd < 0 ? document.length : lineEnd);
  // On a blank line the cursor column is the indentation the user chose.
  const base = cursorLine.trim() === "" ? indentWidth(document.slice(lineStart, offset)) : indentWidth(cursorLine);
  const lines = completion.split("\n");
  let deeper = false;
  let blankBefore = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") {
      blankBefore = true;
      continue;
    }
    const indent = indentWidth(line);
    if (indent < base || (deeper && blankBefore && indent <= base)) return keepLines(lines, i);
    if (deeper && indent === base && CLOSING_LINE.test(line) && !OPENS_BLOCK.test(line)) return keepLines(lines, i + 1);
    if (indent > base) deeper = true;
    blankBefore = false;
  }
  return completion;
}

function keepLines(lines: string[], count: number): string {
  return lines.slice(0, count).join("\n").replace(/\s+$/, "");
}
