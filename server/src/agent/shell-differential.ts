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
//  - `{` that opens a group, or `!` that negates, without a blank after it (`{ls;}`: bash runs
//    the command "{ls"; `!'git' log` runs "!git").
//  - A heredoc whose body tree-sitter ends later than bash (a body line ending in a backslash).
//  - A word token that holds a newline (tree-sitter lets one start at the newline after a comment
//    or a line continuation: `ls #c` + newline + `\*` is two commands to bash).
//  - A file descriptor that is not all digits (`git -2>&1 status` is `git -2 status` to bash).
//  - A comment that does not start a word (bash reads `#` inside a word as a plain character).
//  - Words of a command after a comment inside it, or after a newline (`ls a`, newline, `\` +
//    newline, `curl x` is one command to tree-sitter): a newline ends the command in bash.
//  - Two sibling words with nothing between them (`ls ]]\(a`: bash sees one word "]](a").
import type { Node } from "web-tree-sitter";

// \t (09) and \n (0a) are the only controls allowed.
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
/** What bash skips between tokens: blanks, newlines and line continuations. */
const BLANK_GAP = /^(?:[ \t\n]|\\\n)*$/;
/** Parents whose children are separate words to bash. */
const WORD_PARENTS = new Set(["command", "declaration_command", "unset_command", "for_statement", "file_redirect", "herestring_redirect", "heredoc_redirect", "redirected_statement"]);
const REDIRECTS = new Set(["file_redirect", "heredoc_redirect", "herestring_redirect"]);
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

/** The first ERROR or MISSING node tree-sitter left: bash would read that text some other way. */
export function syntaxError(node: Node): string | undefined {
  if (!node.hasError && !node.isMissing) return undefined;
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.isMissing) return `syntax error: missing "${current.type}" at offset ${current.startIndex}`;
    if (current.isError) return `syntax error at offset ${current.startIndex}: ${JSON.stringify(current.text.slice(0, 40))}`;
    for (const child of current.children) if (child && (child.hasError || child.isMissing)) stack.push(child);
  }
  return "syntax error";
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
    if (node.type === "word" && /[\n]|^[ \t]/.test(node.text)) {
      return `the word ${JSON.stringify(node.text)} at offset ${node.startIndex} holds a newline or starts with a blank (bash ends or starts a word there)`;
    }
    if (node.type === "file_descriptor" && !/^\d+$/.test(node.text)) {
      return `${JSON.stringify(node.text)} at offset ${node.startIndex} is a word to bash, not a file descriptor`;
    }
    if (node.type === "comment" && node.startIndex > 0 && !/[ \t\n;&|()<>]/.test(source[node.startIndex - 1]!)) {
      return `"#" at offset ${node.startIndex} is inside a word to bash, not a comment`;
    }
    if (node.type === "heredoc_redirect") {
      const early = heredocEndsEarlier(node, source);
      if (early) return early;
    }
    if (node.type === "compound_statement" && !/^\{[ \t\n]/.test(node.text)) {
      return `"{" at offset ${node.startIndex} is not followed by a blank (bash reads it as part of a word)`;
    }
    if (node.type === "negated_command" && !/^![ \t\n(]/.test(node.text)) {
      return `"!" at offset ${node.startIndex} is not followed by a blank (bash reads it as part of a word)`;
    }
    const adjacent = WORD_PARENTS.has(node.type) ? (joinedWords(node) ?? wordsAfterComment(node)) : undefined;
    if (adjacent) return adjacent;
    // Inside one command a newline is never a blank to bash: it ends the command.
    const inCommand = WORD_PARENTS.has(node.type) && node.type !== "heredoc_redirect" && node.type !== "for_statement";
    let position = node.startIndex;
    for (const child of node.children) {
      if (!child) continue;
      if (!CONTENT_PARENTS.has(node.type)) {
        const gap = source.slice(position, child.startIndex);
        if (!BLANK_GAP.test(gap)) return `${JSON.stringify(gap)} at offset ${position} is not a blank to bash (the parser skipped it)`;
        if (inCommand && gap.replace(/\\\n/g, "").includes("\n")) {
          return `the command at offset ${node.startIndex} goes on past the end of its line at offset ${position} (bash ends it there)`;
        }
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

/**
 * Two words with nothing between them are one word to bash (`]]\(a`, `=~a`); tree-sitter
 * sometimes makes them two siblings. Operators and descriptors bind to what follows them, and
 * a redirect that starts with an operator character ends the word before it.
 */
function joinedWords(node: Node): string | undefined {
  // A heredoc's body and end follow its line: they are not words of it.
  const children = node.children.filter((c): c is Node => !!c && c.type !== "comment" && c.type !== "heredoc_body" && c.type !== "heredoc_end");
  for (let i = 1; i < children.length; i++) {
    const a = children[i - 1]!;
    const b = children[i]!;
    if (a.endIndex !== b.startIndex) continue;
    if (isOperator(a) || isOperator(b) || a.type === "file_descriptor") continue;
    if (REDIRECTS.has(b.type) && /^[<>&]/.test(b.text)) continue;
    return `${JSON.stringify(a.text)} and ${JSON.stringify(b.text)} at offset ${a.startIndex} are one word to bash (the parser split them)`;
  }
  return undefined;
}

/**
 * A comment runs to the end of its line, and that newline ends the command in bash. tree-sitter
 * can keep the command going on the next line (`ls #c`, then `\` + newline, then `curl x`).
 */
function wordsAfterComment(node: Node): string | undefined {
  let comment: Node | undefined;
  for (const child of node.children) {
    if (!child || child.type === "heredoc_body" || child.type === "heredoc_end") continue;
    if (child.type === "comment") comment = child;
    else if (comment) return `${JSON.stringify(child.text.slice(0, 40))} at offset ${child.startIndex} continues a command after the comment at offset ${comment.startIndex} (bash ends the command there)`;
  }
  return undefined;
}

/** Anonymous tokens other than the words tree-sitter keeps anonymous in a command (=~, ==, $). */
function isOperator(node: Node): boolean {
  return !node.isNamed && node.type !== "=~" && node.type !== "==" && node.type !== "$";
}

/**
 * Whether bash ends the heredoc before tree-sitter does: bash stops at the first line that is the
 * delimiter (quotes removed; leading tabs stripped for <<-), whatever the lines before it hold.
 * tree-sitter reads a backslash-newline right after the heredoc's line as a continuation of that
 * line, and so can miss the delimiter line and take the commands after it for body text.
 */
function heredocEndsEarlier(node: Node, source: string): string | undefined {
  const start = node.namedChildren.find((c) => c?.type === "heredoc_start");
  const end = node.namedChildren.find((c) => c?.type === "heredoc_end");
  if (!start || !end) return undefined;
  const stripTabs = node.children.some((c) => c?.type === "<<-");
  const delimiter = unquoteDelimiter(start.text);
  const lineOf = (from: number) => {
    const lineStart = source.lastIndexOf("\n", from - 1) + 1;
    const lineEnd = source.indexOf("\n", from);
    return source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd);
  };
  const isDelimiter = (line: string) => (stripTabs ? line.replace(/^\t+/, "") : line) === delimiter;
  // Every line after the one the heredoc starts on, up to tree-sitter's end line.
  const bodyStart = source.indexOf("\n", start.endIndex) + 1;
  const lines = source.slice(bodyStart, source.lastIndexOf("\n", end.startIndex - 1) + 1).split("\n").slice(0, -1);
  const bashBody = source.slice(bodyStart).split("\n");
  const bashEnd = bashBody.findIndex(isDelimiter);
  if ((bashEnd < 0 ? bashBody : bashBody.slice(0, bashEnd)).some((line) => line.endsWith("\\"))) {
    return `a line of the heredoc started at offset ${node.startIndex} ends in a backslash (the parser joins it with the next line, bash does not)`;
  }
  if (lines.some(isDelimiter) || !isDelimiter(lineOf(end.startIndex))) {
    return `the heredoc started at offset ${node.startIndex} ends at a different line in bash (the first line that is exactly ${JSON.stringify(delimiter)})`;
  }
  return undefined;
}

/** The heredoc delimiter as bash compares it: quotes and backslashes removed. */
function unquoteDelimiter(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      out += text.slice(i + 1, close < 0 ? text.length : close);
      i = close < 0 ? text.length : close;
    } else if (c === "\\") {
      out += text[++i] ?? "";
    } else if (c !== '"') {
      out += c;
    }
  }
  return out;
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
