// The longest text a GBNF grammar accepts, in Unicode code points, read from the grammar text itself
// (llama.cpp's GBNF: rules, literals, character classes, groups, ?, *, +, {n}, {m,n}). Sampling under
// a grammar where every token carries at least one whole code point can then never need more tokens
// than this, so a token limit at least this large always lets the answer close.

/** Code points in the longest text `root` accepts; Infinity when it has no bound (*, +, {n,} or recursion). */
export function maxGrammarCodePoints(grammar: string, root = "root"): number {
  const rules = parseRules(grammar);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const ruleBound = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const body = rules.get(name);
    if (body === undefined) throw new Error(`The grammar has no rule "${name}".`);
    if (visiting.has(name)) return Infinity; // recursion: unbounded nesting
    visiting.add(name);
    const bound = new BodyReader(body, ruleBound).alternatives();
    visiting.delete(name);
    memo.set(name, bound);
    return bound;
  };
  return ruleBound(root);
}

function parseRules(grammar: string): Map<string, string> {
  const rules = new Map<string, string>();
  let current: string | undefined;
  for (const line of grammar.split("\n")) {
    const head = /^\s*([A-Za-z0-9_-]+)\s*::=(.*)$/.exec(line);
    if (head) {
      current = head[1]!;
      rules.set(current, head[2]!);
    } else if (current !== undefined && line.trim() !== "" && !line.trimStart().startsWith("#")) {
      rules.set(current, `${rules.get(current)!} ${line}`);
    }
  }
  return rules;
}

/** Reads one rule body left to right, returning bounds instead of building a tree. */
class BodyReader {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly ruleBound: (name: string) => number,
  ) {}

  /** alt ('|' alt)* up to the end or a closing parenthesis: the longest alternative. */
  alternatives(): number {
    let best = this.sequence();
    while (this.peek() === "|") {
      this.at++;
      best = Math.max(best, this.sequence());
    }
    return best;
  }

  private sequence(): number {
    let total = 0;
    for (;;) {
      const next = this.peek();
      if (next === undefined || next === "|" || next === ")") return total;
      total += this.postfix(this.atom());
    }
  }

  private atom(): number {
    const c = this.peek()!;
    if (c === "(") {
      this.at++;
      const inner = this.alternatives();
      this.expect(")");
      return inner;
    }
    if (c === '"') return this.literal();
    if (c === "[") return this.characterClass();
    if (c === ".") {
      this.at++;
      return 1;
    }
    const name = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.at))?.[0];
    if (!name) throw new Error(`Unexpected "${c}" in the grammar at ${this.at}: ${this.text}`);
    this.at += name.length;
    return this.ruleBound(name);
  }

  private postfix(inner: number): number {
    let bound = inner;
    for (;;) {
      const c = this.text[this.at];
      if (c === "?") {
        this.at++;
      } else if (c === "*" || c === "+") {
        this.at++;
        bound = bound > 0 ? Infinity : 0;
      } else if (c === "{") {
        const match = /^\{\s*(\d+)\s*(?:(,)\s*(\d*)\s*)?\}/.exec(this.text.slice(this.at));
        if (!match) throw new Error(`Bad repetition in the grammar at ${this.at}: ${this.text}`);
        this.at += match[0].length;
        const max = match[2] === undefined ? Number(match[1]) : match[3] === "" ? Infinity : Number(match[3]);
        bound = max === Infinity ? (bound > 0 ? Infinity : 0) : bound * max;
      } else {
        return bound;
      }
    }
  }

  /** A quoted literal: its code points once escapes are read. */
  private literal(): number {
    this.at++; // opening quote
    let count = 0;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) throw new Error(`Unterminated literal in the grammar: ${this.text}`);
      if (c === '"') {
        this.at++;
        return count;
      }
      if (c === "\\") this.at += escapeLength(this.text, this.at);
      else this.at += String.fromCodePoint(this.text.codePointAt(this.at)!).length;
      count++;
    }
  }

  /** A character class matches exactly one code point. */
  private characterClass(): number {
    this.at++; // [
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) throw new Error(`Unterminated character class in the grammar: ${this.text}`);
      if (c === "]") {
        this.at++;
        return 1;
      }
      this.at += c === "\\" ? escapeLength(this.text, this.at) : 1;
    }
  }

  private peek(): string | undefined {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
    return this.text[this.at];
  }

  private expect(c: string): void {
    if (this.peek() !== c) throw new Error(`Expected "${c}" in the grammar at ${this.at}: ${this.text}`);
    this.at++;
  }
}

/** Characters an escape takes in the grammar text: \x41, \u0041, \U00000041, or a backslash and one character. */
function escapeLength(text: string, at: number): number {
  const kind = text[at + 1];
  if (kind === "x") return 4;
  if (kind === "u") return 6;
  if (kind === "U") return 10;
  return 2;
}
