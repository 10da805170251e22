// Words of a shell command as bash would see them: quotes removed where the value is static,
// expansions marked dynamic, redirect targets resolved. Used by shell-parse.ts.
import type { Node } from "web-tree-sitter";

export const EXPANSION_TYPES = new Set([
  "simple_expansion",
  "expansion",
  "command_substitution",
  "process_substitution",
  "arithmetic_expansion",
  "brace_expression",
]);

/** {a,b} or {1..3} (escaped or not: refusing `\{a,b\}` too is only stricter). */
const BRACE_EXPANSION = /\{[^{}]*(,|\.\.)[^{}]*\}/;
/** A tilde prefix: at the start of a word part, or after = or : (assignment-like words). */
const TILDE = /(^|[=:])~/;

export interface Word {
  value: string;
  /** Fully known before run time. */
  static: boolean;
  /** Unquoted glob characters (matter in the command name). */
  glob: boolean;
  start: number;
  end: number;
}


export function resolveWord(node: Node): Word {
  const start = node.startIndex;
  const end = node.endIndex;
  const unresolved = (): Word => ({ value: node.text, static: false, glob: false, start, end });
  switch (node.type) {
    case "word": {
      const raw = node.text;
      // `$` or a backtick left in a plain word, a brace expansion ({a,b}, {1..3}) or a tilde
      // expansion (~, ~user, a=~/x: depends on HOME and the user database): not static.
      if (/[$`]/.test(raw) || BRACE_EXPANSION.test(raw) || TILDE.test(raw)) return unresolved();
      return { value: unescapeUnquoted(raw), static: true, glob: hasUnquotedGlob(raw), start, end };
    }
    case "number":
    case "variable_name":
    case "file_descriptor":
    case "test_operator":
    case "heredoc_start":
      return { value: node.text, static: !/[$`]/.test(node.text), glob: false, start, end };
    case "raw_string":
      return { value: node.text.slice(1, -1), static: true, glob: false, start, end };
    case "string": {
      if (node.namedChildren.some((c) => c && c.type !== "string_content")) return unresolved();
      const inside = node.text.slice(1, -1);
      return { value: unescapeDoubleQuoted(inside), static: true, glob: false, start, end };
    }
    case "translated_string": {
      const inner = node.namedChildren[0];
      return inner ? { ...resolveWord(inner), start, end } : unresolved();
    }
    case "ansi_c_string": {
      const decoded = decodeAnsiC(node.text.slice(2, -1));
      return decoded === undefined ? unresolved() : { value: decoded, static: true, glob: false, start, end };
    }
    case "concatenation": {
      let value = "";
      let glob = false;
      for (const part of node.namedChildren) {
        if (!part) continue;
        const word = resolveWord(part);
        if (!word.static) return unresolved();
        value += word.value;
        glob ||= word.glob;
      }
      // Text between named children (tree-sitter keeps some literal pieces anonymous).
      const covered = node.namedChildren.reduce((n, c) => n + (c ? c.endIndex - c.startIndex : 0), 0);
      if (covered !== node.endIndex - node.startIndex) return unresolved();
      // Brace expansion sees through quotes: {a,"b"} is `a b`. Quoted parts stand in as "q".
      const shape = node.namedChildren.map((c) => (c?.type === "word" ? c.text : "q")).join("");
      if (BRACE_EXPANSION.test(shape)) return unresolved();
      return { value, static: true, glob, start, end };
    }
    default:
      return unresolved();
  }
}

export function assignmentText(node: Node): string {
  const name = node.childForFieldName("name")?.text ?? "";
  const value = node.childForFieldName("value");
  const operator = node.text.slice(name.length, (value?.startIndex ?? node.endIndex) - node.startIndex);
  return `${name}${operator}${value ? resolveWord(value).value : ""}`;
}

function unescapeUnquoted(raw: string): string {
  return raw.replace(/\\\n/g, "").replace(/\\(.)/gs, "$1");
}

function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\\n/g, "").replace(/\\([$`"\\])/g, "$1");
}

function hasUnquotedGlob(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else if (raw[i] === "*" || raw[i] === "?" || raw[i] === "[") return true;
  }
  return false;
}

const ANSI_SIMPLE: Readonly<Record<string, string>> = {
  a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
};

/** Decodes the inside of $'…'; undefined for escapes we do not handle (\c, NUL, anything beyond ASCII). */
function decodeAnsiC(raw: string): string | undefined {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) return undefined;
    if (Object.hasOwn(ANSI_SIMPLE, next)) {
      out += ANSI_SIMPLE[next];
      i++;
      continue;
    }
    let match: RegExpExecArray | null;
    const rest = raw.slice(i + 1);
    let code: number | undefined;
    if ((match = /^[0-7]{1,3}/.exec(rest))) code = parseInt(match[0], 8);
    else if ((match = /^x([0-9a-fA-F]{1,2})/.exec(rest))) code = parseInt(match[1]!, 16);
    else if ((match = /^u([0-9a-fA-F]{1,4})/.exec(rest))) code = parseInt(match[1]!, 16);
    else if ((match = /^U([0-9a-fA-F]{1,8})/.exec(rest))) code = parseInt(match[1]!, 16);
    if (!match || code === undefined) {
      if (next === "c") return undefined;
      out += "\\" + next; // bash keeps unknown escapes as written
      i++;
      continue;
    }
    // NUL ends the string in bash; beyond ASCII the bytes depend on the locale (\u) or are not UTF-8 (\x, octal).
    if (code === 0 || code > 0x7f) return undefined;
    out += String.fromCodePoint(code);
    i += match[0].length;
  }
  return out;
}

export function containsExpansion(node: Node): boolean {
  if (EXPANSION_TYPES.has(node.type)) return true;
  for (const child of node.children) if (child && containsExpansion(child)) return true;
  return false;
}
