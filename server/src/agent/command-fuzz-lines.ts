// Generated command lines for the command-policy fuzz test (command-policy.fuzz.test.ts): a small
// grammar over the tokens where parsers and shells tend to disagree (quotes, $'…', escapes,
// redirects in every position, &>, |&, heredocs, comments, braces, globs, tildes, keywords,
// wrappers, nested `bash -c`), built around the allow rules so that many lines are allowed.
// Deterministic for a seed. Test support only: nothing in the server imports it.
import type { CommandRules } from "./command-policy";

/** mulberry32: a small seeded generator, good enough to spread the choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Commands the lines may name besides the rules': shims in the test (builtins run as themselves). */
export const FUZZ_PROGRAMS = ["touch", "curl", "rm", "whoami", "cat", "git", "sh", "bash", "env", "xargs", "find", "sudo", "timeout", "nice", "ls", "pwd"];
const BUILTINS = ["echo", "true", "eval", "exec", "command", "source", ".", "builtin", "time", "export", "cd", "set"];

const PLAIN = ["-la", "a", "x", "README.md", ".git", "--output=o", "-D", "--no-index", "/dev/null", "touch", "curl", "M", "-", "--", "1", "a=b", "%", "@", ",", ".", "..", "é", "+x", "-R", "status", "diff", "log", "branch"];
const TRICKY = [
  // quotes and escapes
  "'a b'", '"a b"', "''", '""', "'#'", '"$"', '"\\$x"', '"\\\\"', '"a\\"b"', "'a\"b'", '"`"', "\\ ", "\\;", "\\&", "\\|", "\\#", "\\\\", "\\'", '\\"', "\\$", "\\`", "\\*", "\\{", "\\}", "\\(", "\\)", "\\<", "\\>", "\\\t", "\\\n", "\\a",
  // ANSI-C and translated strings
  "$'a'", "$'\\''", "$'\\\\'", "$'\\n'", "$'\\t'", "$'\\x41'", "$'\\101'", "$'\\u0041'", "$'\\e'", "$'\\xg'", "$'\\q'", "$'a\\'b'", "$'\\c'", "$'\\0'", "$'\\x7f'", "$'\\\\' ; touch M #'", "$'\\'", "$\"a\"", "$'\"'",
  // globs, braces, tildes
  "*", "?", "[ab]", "*.nomatch", "x?", "[!a]", "**", "{a,b}", "{1..2}", "{", "}", "{a}", "{,}", "a{b,c}d", "~", "~/x", "a=~", "~root", "~+",
  // expansions and substitutions
  "$x", "${x}", "$(touch M)", "`touch M`", "$((1))", "$", "$1", "$@", "$-", "<(touch M)",
  // operators, comments, extglob, keywords as words
  "==", "=~", "!", "]]", "[[", "]", "=", "#", "#x", "a#b", "?(a)", "@(a|b)", "!(x)", "+(a)", "if", "then", "fi", "do", "done", "esac", "in", "function", "coproc", "{fd}",
];
/** Single characters that mean something to a shell lexer, and a few words for the soup. */
const SOUP = [..." \t\n'\"\\$`;&|<>(){}[]#*?~!=-+:,.@%^/", "a", "x", "0", "1", "2", "M", "é"];
const SOUP_WORDS = [" touch M", " ls", "EOF", "<<EOF\n", "$'", "\\\n", " #", "/dev/null", "&>", "|&", ";;", "((", "))", "$((", "${", "$(", "<(", "[[", "]]"];
const REDIRECT_OPS = [">", "2>", "&>", "&>>", ">>", ">&", "1>", "<", "<>", ">|", "<<<", "0<", "5>", "2>&", "{fd}>"];
const REDIRECT_TARGETS = ["/dev/null", "/dev/null", "/dev/null", "/dev/null", "/dev/null", "out.txt", "README.md", "'/dev/null'", '"/dev/null"', "$'/dev/null'", "1", "-", "$x", "/dev/null touch M"];
const FIXED_REDIRECTS = ["2>&1", ">&2", ">&-", "2>&-", "<&-", "1>&2", "2>/dev/null", ">/dev/null", "&>/dev/null"];
const SEPARATORS = ["; ", ";", " && ", " || ", " | ", " |& ", " & ", "\n", "&&", "||", "|", " ;\n", "\n\n", " &\n"];
const TERMINATORS = ["", "", "", ";", " &", "\n", " # c", " #x; touch M", "#x"];
const HEREDOC_STARTS = ["<<EOF", "<<'EOF'", "<<-EOF", "<<\\EOF", '<<"EOF"', "<< EOF", "<<E\"O\"F"];
const HEREDOC_LINES = ["x", "$(touch M)", "`touch M`", "$x", "EOF ", " EOF", "\tEOF", "\\", "'"];

export class LineGenerator {
  private readonly heads: { tokens: string[]; open: boolean }[];
  private pendingBodies: string[] = [];
  /** How often a word, head or statement takes the tricky branch (varies per line). */
  private trickiness = 0.3;

  constructor(
    private readonly random: () => number,
    rules: CommandRules,
  ) {
    this.heads = rules.allow.map((rule) => {
      const tokens = rule.split(/\s+/).filter(Boolean);
      const open = tokens[tokens.length - 1] === "*";
      return { tokens: open ? tokens.slice(0, -1) : tokens, open };
    });
  }

  line(): string {
    // One line in ten: an allowed command followed by character soup, for the lexer's corners;
    // one in ten: a grammar line with a few soup characters dropped in anywhere.
    const mode = this.random();
    if (mode < 0.1) return this.soup();
    if (mode < 0.2) return this.mutate(this.grammarLine());
    return this.grammarLine();
  }

  private mutate(line: string): string {
    let text = line;
    const count = 1 + Math.floor(this.random() * 3);
    for (let i = 0; i < count; i++) {
      const at = Math.floor(this.random() * (text.length + 1));
      text = text.slice(0, at) + (this.chance(0.2) ? this.pick(SOUP_WORDS) : this.pick(SOUP)) + text.slice(at);
    }
    return text;
  }

  private grammarLine(): string {
    this.pendingBodies = [];
    // Most lines stay close to the allow rules, so that many are allowed and run.
    this.trickiness = this.chance(0.6) ? 0.03 : 0.3;
    const text = this.list(0) + this.pick(TERMINATORS);
    return this.pendingBodies.length > 0 ? `${text}\n${this.flush()}` : text;
  }

  private soup(): string {
    const head = this.pick(this.heads);
    let text = head.tokens.join(" ") + " ";
    const length = 1 + Math.floor(this.random() * 14);
    for (let i = 0; i < length; i++) text += this.chance(0.15) ? this.pick(SOUP_WORDS) : this.pick(SOUP);
    return text;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private flush(): string {
    const bodies = this.pendingBodies.join("");
    this.pendingBodies = [];
    return bodies;
  }

  private list(depth: number): string {
    let text = this.statement(depth);
    const more = Math.floor(this.random() * 3);
    for (let i = 0; i < more; i++) {
      const separator = this.pick(SEPARATORS);
      text += separator.endsWith("\n") && this.pendingBodies.length > 0 ? separator + this.flush() : separator;
      text += this.statement(depth);
    }
    return text;
  }

  private statement(depth: number): string {
    if (depth >= 2 || this.chance(0.6)) return this.simple(depth);
    const r = this.random();
    if (r < 0.15) return this.chance(0.5) ? `( ${this.list(depth + 1)} )` : `(${this.list(depth + 1)})`;
    if (r < 0.3) return `{ ${this.list(depth + 1)}; }`;
    if (r < 0.38) return `! ${this.simple(depth)}`;
    if (r < 0.42) return `if ${this.simple(depth)}; then ${this.list(depth + 1)}; fi`;
    if (r < 0.46) return `if ${this.simple(depth)}; then ${this.list(depth + 1)}; elif ${this.simple(depth)}; then ${this.simple(depth)}; else ${this.list(depth + 1)}; fi`;
    if (r < 0.54) return `case x in x) ${this.list(depth + 1)}${this.pick([";;", ";&", ";;&"])} esac`;
    if (r < 0.58) return `${this.pick(["ls", "f", "git"])}() { ${this.list(depth + 1)}; }; ${this.simple(depth)}`;
    if (r < 0.62) return `function ${this.pick(["ls", "pwd", "g"])} { ${this.list(depth + 1)}; }; ${this.simple(depth)}`;
    if (r < 0.65) return `while false; do ${this.list(depth + 1)}; done`;
    if (r < 0.68) return `until true; do ${this.list(depth + 1)}; done`;
    if (r < 0.74) return `for v in a; do ${this.list(depth + 1)}; done`;
    if (!this.chance(this.trickiness * 2)) return this.simple(depth);
    if (r < 0.9) return `${this.pick(["bash -c", "sh -c", "eval", "bash -c --", "env", "timeout 5", "nice", "command", "exec", "time", "xargs", "sudo"])} ${this.chance(0.6) ? singleQuote(this.list(2)) : this.simple(2)}`;
    return this.pick([`{${this.simple(depth)};}`, `${this.simple(depth)} }`, `{ ${this.simple(depth)} }; touch M; }`, `[[ -n ${this.word()} ]]`, `(( x = 1 ))`, `((${this.simple(depth)}) ; touch M)`, `coproc ${this.simple(depth)}`]);
  }

  private simple(depth: number): string {
    const parts: string[] = [];
    if (this.chance(0.04)) parts.push(this.pick(["x=1", "PATH=.", "a=~", "{fd}>/dev/null"]));
    if (this.chance(0.05)) parts.push(this.redirect());
    if (!this.chance(this.trickiness * 0.6)) {
      const head = this.pick(this.heads);
      for (const token of head.tokens) parts.push(this.chance(this.trickiness / 2) ? this.requote(token) : token);
      const count = head.open || this.chance(this.trickiness) ? Math.floor(this.random() * 4) : 0;
      for (let i = 0; i < count; i++) parts.push(this.word());
    } else {
      parts.push(this.chance(0.8) ? this.pick([...FUZZ_PROGRAMS, ...BUILTINS]) : this.word());
      const count = Math.floor(this.random() * 3);
      for (let i = 0; i < count; i++) parts.push(this.word());
    }
    // Redirects anywhere after the name, words after them too.
    const redirects = this.chance(0.45) ? 1 + Math.floor(this.random() * 2) : 0;
    for (let i = 0; i < redirects; i++) parts.splice(1 + Math.floor(this.random() * parts.length), 0, this.redirect());
    if (depth < 2 && this.chance(0.06)) parts.push(this.heredoc());
    return parts.join(this.chance(0.9) ? " " : this.pick(["  ", "\t", " \\\n "]));
  }

  private word(): string {
    if (!this.chance(this.trickiness)) return this.pick(PLAIN);
    let word = "";
    const atoms = 1 + Math.floor(this.random() * 3);
    for (let i = 0; i < atoms; i++) word += this.chance(0.5) ? this.pick(TRICKY) : this.pick(PLAIN);
    return word;
  }

  private redirect(): string {
    if (this.chance(0.4)) return this.pick(FIXED_REDIRECTS);
    return `${this.pick(REDIRECT_OPS)}${this.chance(0.7) ? "" : " "}${this.pick(REDIRECT_TARGETS)}`;
  }

  private heredoc(): string {
    const start = this.pick(HEREDOC_STARTS);
    const lines = Array.from({ length: Math.floor(this.random() * 3) }, () => this.pick(HEREDOC_LINES));
    const end = this.chance(0.9) ? (start.includes("-") ? "\tEOF" : "EOF") : this.pick(["EOF ", "\tEOF", "EOF\ntouch M"]);
    this.pendingBodies.push([...lines, end].join("\n") + "\n");
    return this.chance(0.7) ? start : `${start} ${this.pick([...PLAIN, "&& touch M", "| touch M", "> out.txt", "|| touch M"])}`;
  }

  /** The same token written with quotes or escapes (bash removes them). */
  private requote(token: string): string {
    return this.pick([`'${token}'`, `"${token}"`, `\\${token}`, `$'${token}'`, `${token[0]}'${token.slice(1)}'`, `${token}""`]);
  }
}

export function singleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
