// Where tree-sitter-bash and bash would read the same text differently. The policy judges
// tree-sitter's tree while bash runs the text (command-shell.ts), so wherever the two could cut a
// line into different words or commands, the line is refused: an unparseable command is never
// allowed. Each check names the lexer rule of tree-sitter-bash that is looser than bash's.
//  - Characters: NUL, C0 controls other than tab and newline (tree-sitter treats \r, \v and \f as
//    blanks, bash does not), DEL, C1 controls (U+0085 NEL included) and U+2028/U+2029.
//  - A backslash-newline inside a word: bash joins the word, tree-sitter splits it.
//  - Text between two tokens that bash would not skip as a blank: tree-sitter's "extras" skip a
//    backslash followed by a space or tab (`ls \ #; curl x`: tree-sitter sees `ls` and a
//    comment, bash sees the word " #" and then runs curl).
//  - `$'…'` whose end differs: tree-sitter's token is /\$'([^']|\\')*'/, which lets `$'\\' …'`
//    run on to a later quote; bash ends it at the first quote not escaped by a backslash.
//  - `$'…'` inside double quotes (literal in bash).
//  - `{` that opens a group without a blank after it (`{ls;}`: bash runs the command "{ls").
import type { Node } from "web-tree-sitter";

// \t (09) and \n (0a) are the only controls allowed.
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
/** What bash skips between tokens: blanks, newlines and line continuations. */
const BLANK_GAP = /^(?:[ \t\n]|\\\n)*$/;
/** Parents whose text between children is content, not blanks (the heredoc body's literal lines). */
const CONTENT_PARENTS = new Set(["heredoc_body"]);

/** A reason to refuse the raw text before parsing, or undefined. */
export function textDifferential(text: string): string | undefined {
  const bad = FORBIDDEN_CHARS.exec(text);
  if (bad) return `contains the control or line-separator character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const joined = joinedContinuation(text);
  if (joined >= 0) return `line continuation inside a word at offset ${joined} (bash joins the word, the parser splits it)`;
  return undefined;
}

/** A reason to refuse the parsed tree, or undefined (see the file comment). */
export function treeDifferential(root: Node, source: string): string | undefined {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "ansi_c_string") {
      const end = ansiCEnd(source, node.startIndex);
      if (end !== node.endIndex) return `$'…' at offset ${node.startIndex} ends elsewhere in bash (a backslash escapes the next character, even a backslash)`;
      if (hasAncestor(node, "string")) return `$'…' inside double quotes at offset ${node.startIndex} (literal in bash)`;
      continue;
    }
    if (node.type === "compound_statement" && !/^\{[ \t\n]/.test(node.text)) {
      return `"{" at offset ${node.startIndex} is not followed by a blank (bash reads it as part of a word)`;
    }
    let position = node.startIndex;
    for (const child of node.children) {
      if (!child) continue;
      if (!CONTENT_PARENTS.has(node.type)) {
        const gap = source.slice(position, child.startIndex);
        if (!BLANK_GAP.test(gap)) return `${JSON.stringify(gap)} at offset ${position} is not a blank to bash (the parser skipped it)`;
      }
      position = Math.max(position, child.endIndex);
      stack.push(child);
    }
    if (node.childCount > 0 && !CONTENT_PARENTS.has(node.type)) {
      const gap = source.slice(position, node.endIndex);
      if (!BLANK_GAP.test(gap)) return `${JSON.stringify(gap)} at offset ${position} is not a blank to bash (the parser skipped it)`;
    }
  }
  return undefined;
}

/** Where bash ends a `$'…'` that starts at `start`: after the first quote no backslash escapes. */
function ansiCEnd(source: string, start: number): number {
  for (let i = start + 2; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "'") return i + 1;
  }
  return -1;
}

function hasAncestor(node: Node, type: string): boolean {
  for (let parent = node.parent; parent; parent = parent.parent) if (parent.type === type) return true;
  return false;
}

/**
 * Offset of a backslash-newline with a non-blank on both sides, or -1. Bash removes it and joins
 * the two halves into one word (`cu\<newline>rl` is `curl`); tree-sitter treats it as a blank and
 * sees two words. Refused rather than guessed (inside quotes too, where it would be harmless).
 */
function joinedContinuation(text: string): number {
  for (let i = text.indexOf("\\\n"); i >= 0; i = text.indexOf("\\\n", i + 1)) {
    let run = 0;
    while (i - run >= 0 && text[i - run] === "\\") run++;
    if (run % 2 === 0) continue; // an escaped backslash, then a real newline
    const before = text[i - run];
    const after = text[i + 2];
    if (before !== undefined && !/[ \t\n]/.test(before) && after !== undefined && !/[ \t\n]/.test(after)) return i;
  }
  return -1;
}
