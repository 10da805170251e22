// Splits a file into chunks at its definitions (tree-sitter outline, index/symbols.ts): a function,
// class or method small enough is one chunk; a large class gives its head and its methods; a large
// function is cut into windows that keep its name. Lines outside every definition (imports,
// top-level statements) and files without a grammar become windows of lines. Comments and
// decorators right above a definition belong to it.
import { grammarForPath } from "../index/grammars";
import { parserPool, type ParserPool } from "../index/parser-pool";
import { outline, type OutlineSymbol } from "../index/symbols";

export interface RawChunk {
  startLine: number; // 1-based, inclusive
  endLine: number;
  symbols: string[];
  kind: string;
  text: string;
}

export const MAX_CHUNK_LINES = 80;
export const MAX_CHUNK_CHARS = 4000;
export const WINDOW_LINES = 50;

interface Node {
  symbol: OutlineSymbol;
  qualified: string;
  start: number; // 0-based line, comments above included
  end: number; // 0-based, inclusive
  children: Node[];
}

export async function chunkText(relativePath: string, text: string, pool: ParserPool = parserPool): Promise<RawChunk[]> {
  const lines = text.split("\n");
  const grammar = grammarForPath(relativePath);
  const symbols = grammar ? await outline(text, grammar, pool).catch(() => undefined) : undefined;
  const chunks: RawChunk[] = [];
  if (!symbols || symbols.length === 0) {
    windows(lines, 0, lines.length - 1, [], chunks);
    return chunks;
  }
  const top = buildTree(symbols, lines);
  let cursor = 0;
  for (const node of top) {
    if (node.start > cursor) windows(lines, cursor, node.start - 1, [], chunks);
    emit(node, lines, chunks);
    cursor = Math.max(cursor, node.end + 1);
  }
  if (cursor < lines.length) windows(lines, cursor, lines.length - 1, [], chunks);
  return chunks;
}

function buildTree(symbols: readonly OutlineSymbol[], lines: readonly string[]): Node[] {
  const top: Node[] = [];
  const open: Node[] = [];
  for (const symbol of symbols) {
    const end = symbol.range.end.line;
    let start = symbol.range.start.line;
    while (open.length > 0 && open[open.length - 1]!.end < start) open.pop();
    const parent = open[open.length - 1];
    // Nested definitions that overlap their parent's head oddly (one-line classes) stay inside the parent.
    const floor = parent ? parent.start + 1 : 0;
    while (start - 1 >= floor && isLeadingLine(lines[start - 1]!)) start--;
    const node: Node = { symbol, qualified: parent ? `${parent.qualified}.${symbol.name}` : symbol.name, start, end, children: [] };
    if (parent && end <= parent.end) parent.children.push(node);
    else if (!parent) top.push(node);
    else continue;
    open.push(node);
  }
  // Siblings must not overlap (a comment pulled above may reach the previous sibling's last line).
  const untangle = (nodes: Node[]) => {
    for (let i = 1; i < nodes.length; i++) nodes[i]!.start = Math.max(nodes[i]!.start, nodes[i - 1]!.end + 1);
    for (const node of nodes) untangle(node.children);
  };
  untangle(top);
  return top.filter((node) => node.start <= node.end);
}

/** Comment, decorator or attribute lines that document the definition below them. */
function isLeadingLine(line: string): boolean {
  const t = line.trim();
  if (t === "") return false;
  return /^(\/\/|\/\*|\*|@|#\[|#(?!\s*(include|define|if|ifdef|ifndef|endif|else|elif|pragma|undef)\b))/.test(t);
}

function emit(node: Node, lines: readonly string[], out: RawChunk[]): void {
  const size = node.end - node.start + 1;
  const text = lines.slice(node.start, node.end + 1).join("\n");
  if (size <= MAX_CHUNK_LINES && text.length <= MAX_CHUNK_CHARS) {
    out.push({ startLine: node.start + 1, endLine: node.end + 1, symbols: allNames(node), kind: node.symbol.kind, text });
    return;
  }
  if (node.children.length === 0) {
    windows(lines, node.start, node.end, [node.qualified], out, node.symbol.kind);
    return;
  }
  // A large container: its own lines (head, fields, the closing brace) as windows named after it,
  // each member as its own chunk.
  let cursor = node.start;
  for (const child of node.children) {
    if (child.start > cursor) windows(lines, cursor, child.start - 1, [node.qualified], out, node.symbol.kind);
    emit(child, lines, out);
    cursor = Math.max(cursor, child.end + 1);
  }
  if (cursor <= node.end) windows(lines, cursor, node.end, [node.qualified], out, node.symbol.kind);
}

function allNames(node: Node): string[] {
  return [node.qualified, ...node.children.flatMap(allNames)];
}

/** Windows of at most WINDOW_LINES lines over [first, last] (0-based); blank or brace-only ones are dropped. */
function windows(lines: readonly string[], first: number, last: number, symbols: string[], out: RawChunk[], kind = "lines"): void {
  for (let start = first; start <= last; start += WINDOW_LINES) {
    const end = Math.min(last, start + WINDOW_LINES - 1);
    const slice = lines.slice(start, end + 1);
    if (slice.every((line) => /^[\s{}()[\];,]*$/.test(line))) continue;
    let text = slice.join("\n");
    if (text.length > MAX_CHUNK_CHARS) text = text.slice(0, MAX_CHUNK_CHARS);
    out.push({ startLine: start + 1, endLine: end + 1, symbols, kind: kind === "lines" || symbols.length === 0 ? "lines" : kind, text });
  }
}
