// One tree-sitter runtime for the whole server: web-tree-sitter is initialised once, each grammar
// is loaded once (on first use) and kept, and a single Parser is reused (parsing is synchronous,
// so it is never used by two callers at once).
//
// Ownership rule. Trees live in WASM memory. web-tree-sitter also frees them from a
// FinalizationRegistry, but V8 does not feel WASM memory pressure, so that can come very late
// (the WASM heap only grows): delete explicitly.
//  - parse() and parseIncremental() return a Tree that the CALLER owns and must .delete();
//    withTree() does that for you and is the way to go for one-shot work.
//  - parseDocument() returns a Tree that the POOL owns: it stays valid until the next
//    parseDocument() for the same key, forget(key) or dispose(). Never delete it yourself.
// Nodes, cursors and query results point into their tree: do not keep them past its deletion.
import { Edit, Language, Parser, type Point, type Tree } from "web-tree-sitter";
import { type GrammarId, grammarWasmPath, resolveGrammarId, runtimeWasmPath } from "./grammars";

export interface ParseOptions {
  /**
   * Give up (and return undefined) when one parse takes longer than this. A pathological
   * input must not stall the completion path; 0 disables the limit.
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;

/**
 * Texts longer than this are not parsed at all: copying a 50 MB document into WASM memory and
 * walking it blocked the server for over a minute, and the timeout above cannot stop the copy.
 * Features treat such a text like one in a language without a grammar.
 */
export const MAX_PARSE_CHARS = 1024 * 1024;

interface DocumentEntry {
  grammar: GrammarId;
  text: string;
  tree: Tree;
}

export class ParserPool {
  private initPromise: Promise<void> | undefined;
  private readonly languages = new Map<GrammarId, Promise<Language | undefined>>();
  private parser: Parser | undefined;
  private readonly documents = new Map<string, DocumentEntry>();

  /** Loads the runtime once; later calls return the same promise. */
  init(): Promise<void> {
    this.initPromise ??= Parser.init({ locateFile: () => runtimeWasmPath() }).catch((error: unknown) => {
      // Let a later call try again (for example after the package was reinstalled).
      this.initPromise = undefined;
      throw error;
    });
    return this.initPromise;
  }

  /**
   * The loaded grammar for a languageId (or grammar id); undefined when Pincer has no grammar
   * for it or the grammar failed to load. A failure is remembered so that every keystroke does
   * not retry it.
   */
  async language(languageId: string): Promise<Language | undefined> {
    const grammar = resolveGrammarId(languageId);
    if (!grammar) return undefined;
    let pending = this.languages.get(grammar);
    if (!pending) {
      pending = this.init()
        .then(() => Language.load(grammarWasmPath(grammar)))
        .catch(() => undefined);
      this.languages.set(grammar, pending);
    }
    return pending;
  }

  /** Parses `text` from scratch. The caller owns the returned tree (see the rule above). */
  async parse(text: string, languageId: string, options?: ParseOptions): Promise<Tree | undefined> {
    const language = await this.language(languageId);
    return language ? this.parseWith(language, text, undefined, options) : undefined;
  }

  /**
   * Parses `text` reusing `oldTree`, which must describe the text before `edit` and is left
   * untouched (a copy is edited). The caller owns both trees.
   */
  async parseIncremental(text: string, languageId: string, oldTree: Tree, edit: Edit, options?: ParseOptions): Promise<Tree | undefined> {
    const language = await this.language(languageId);
    if (!language) return undefined;
    const edited = oldTree.copy();
    try {
      edited.edit(edit);
      return this.parseWith(language, text, edited, options);
    } finally {
      edited.delete();
    }
  }

  /** Runs `fn` on a fresh tree and deletes the tree afterwards, even if `fn` throws. */
  async withTree<T>(text: string, languageId: string, fn: (tree: Tree) => T, options?: ParseOptions): Promise<T | undefined> {
    const tree = await this.parse(text, languageId, options);
    if (!tree) return undefined;
    try {
      return fn(tree);
    } finally {
      tree.delete();
    }
  }

  /**
   * Parses the latest text of a document, incrementally against its previous version (the
   * changed span is found by comparing the texts). The pool owns the tree.
   */
  async parseDocument(key: string, text: string, languageId: string, options?: ParseOptions): Promise<Tree | undefined> {
    const grammar = resolveGrammarId(languageId);
    const language = await this.language(languageId);
    if (!grammar || !language) {
      this.forget(key);
      return undefined;
    }
    if (text.length > MAX_PARSE_CHARS) {
      this.forget(key);
      return undefined;
    }
    const previous = this.documents.get(key);
    if (previous && previous.grammar === grammar && previous.text === text) return previous.tree;
    let tree: Tree | undefined;
    if (previous && previous.grammar === grammar) {
      previous.tree.edit(textEdit(previous.text, text));
      tree = this.parseWith(language, text, previous.tree, options);
    } else {
      tree = this.parseWith(language, text, undefined, options);
    }
    this.forget(key);
    if (tree) this.documents.set(key, { grammar, text, tree });
    return tree;
  }

  /** Deletes the tree kept for a document (call when the document closes). */
  forget(key: string): void {
    this.documents.get(key)?.tree.delete();
    this.documents.delete(key);
  }

  /** Frees every kept tree and the parser. Loaded grammars stay (they are few and reused). */
  dispose(): void {
    for (const key of [...this.documents.keys()]) this.forget(key);
    this.parser?.delete();
    this.parser = undefined;
  }

  private parseWith(language: Language, text: string, oldTree: Tree | undefined, options?: ParseOptions): Tree | undefined {
    if (text.length > MAX_PARSE_CHARS) return undefined;
    this.parser ??= new Parser();
    this.parser.setLanguage(language);
    const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    // Returning true from the progress callback cancels the parse (the .d.ts types it as void).
    const progressCallback = (): boolean => performance.now() > deadline;
    try {
      return this.parser.parse(text, oldTree ?? null, { progressCallback }) ?? undefined;
    } finally {
      // A cancelled parse leaves state behind that would resume on the next call.
      this.parser.reset();
    }
  }
}

/** The Edit that turns `before` into `after`: one replaced span between their common prefix and suffix. */
export function textEdit(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return insertionEdit(before, start, before.length - tail, after.slice(start, after.length - tail));
}

/** The Edit for replacing before[start, oldEnd) with `inserted` (indices in UTF-16 units, as tree-sitter uses). */
export function insertionEdit(before: string, start: number, oldEnd: number, inserted: string): Edit {
  const startPosition = pointAt(before, start);
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: start + inserted.length,
    startPosition,
    oldEndPosition: pointAt(before, oldEnd, start, startPosition),
    newEndPosition: advance(startPosition, inserted),
  });
}

/** Row/column of `index` in `text` (column in UTF-16 units), optionally continuing from a known point. */
export function pointAt(text: string, index: number, from = 0, fromPoint: Point = { row: 0, column: 0 }): Point {
  return advance(fromPoint, text.slice(from, index));
}

function advance(point: Point, text: string): Point {
  const lastBreak = text.lastIndexOf("\n");
  if (lastBreak < 0) return { row: point.row, column: point.column + text.length };
  let rows = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) rows++;
  return { row: point.row + rows, column: text.length - lastBreak - 1 };
}

/** The pool shared by the server's features. */
export const parserPool = new ParserPool();
