// Static analysis of a shell command line for the agent's command permissions (command-policy.ts).
//
// The command line is parsed with the real tree-sitter bash grammar (through the shared parser
// pool) and EVERY simple command anywhere in it is reported: pipelines, lists (&& || ; & and
// newlines), subshells, brace groups, if/while/for/case bodies, function bodies, command and
// process substitutions, heredoc bodies, and the strings run by `bash -c`, `eval`, `trap`,
// `watch`, `env -S`, `su -c` (parsed recursively). Wrappers (`sudo`, `env`, `timeout 5`, `nice`,
// `xargs`, `find -exec`, ...) report the wrapped command as a command of its own as well.
//
// The analysis is deliberately conservative. Whatever it cannot resolve statically is marked
// `dynamic` (the policy never allows it), and whatever it cannot parse, or where tree-sitter and
// bash might disagree on where words end, is `ok: false` (the policy never allows it either):
//  - ERROR or MISSING nodes anywhere in the tree;
//  - NUL, C0 controls other than tab and newline (tree-sitter treats \r, \v and \f as blanks,
//    bash does not), DEL, C1 controls (U+0085 NEL included) and U+2028/U+2029;
//  - a backslash-newline inside a word (bash joins the word, tree-sitter splits it);
//  - a static `bash -c` (etc.) script that fails any of the above, or nesting deeper than
//    MAX_DEPTH.
// Redirects that no command claims (e.g. on a function definition) become a command with an
// empty argv, so they cannot slip through unseen.
import type { Node } from "web-tree-sitter";
import { parserPool as sharedPool, type ParserPool } from "../index/parser-pool";
import { assignmentText, containsExpansion, redirectOf, resolveWord, type Word } from "./shell-words";
import { basename, EVAL_LIKE, scriptArgument, wrapped } from "./shell-wrappers";

export interface Redirect {
  /** The operator as written: ">", ">>", ">|", "&>", "&>>", "<>", "<", ">&", "<&", "<<", "<<-", "<<<". */
  op: string;
  /** The file descriptor before the operator ("2" in `2>&1`), when given. */
  fd?: string;
  /** The target with quotes resolved where static; the raw source text otherwise. */
  target: string;
  /** The target contains an expansion or substitution. */
  dynamic: boolean;
}

export interface SimpleCommand {
  /** Command name and arguments, quotes and escapes resolved where static (raw text otherwise). */
  argv: string[];
  /** The source text the command came from. */
  text: string;
  /** Its redirects, including those of an enclosing redirected group (`{ a; b; } > f`). */
  redirects: Redirect[];
  /**
   * Something in it cannot be resolved statically: a parameter expansion, command/process
   * substitution, arithmetic, a glob or brace expansion in the command name, `$'…'` escapes we do
   * not decode, an eval-like builtin, or a test/arithmetic statement.
   */
  dynamic: boolean;
  /** `NAME=value` assignments that apply to it (prefix assignments, `env NAME=value`, bare assignments, for-loop variables). */
  assignments: string[];
  /** Set when the command was found inside a wrapper or a string: "sudo", "xargs", "bash -c", "eval", "find -exec", ... */
  via?: string;
  /** More arguments are appended at run time (the command runs under `xargs`), so it never matches exactly. */
  extraArgs?: boolean;
}

export type ParseResult = { ok: true; commands: SimpleCommand[] } | { ok: false; reason: string };

export interface ParseCommandOptions {
  /** Defaults to the server's shared pool. */
  pool?: ParserPool;
}

/** Nesting limit for `bash -c "bash -c '…'"` and the like; deeper is unparseable. */
export const MAX_DEPTH = 4;
/** Longer command lines are refused rather than analysed. */
export const MAX_LENGTH = 100_000;

// \t (09) and \n (0a) are the only controls allowed.
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const REDIRECT_TYPES = new Set(["file_redirect", "heredoc_redirect", "herestring_redirect"]);

/** Parses a command line and lists every simple command in it (see the file comment). */
export async function parseCommandLine(text: string, options: ParseCommandOptions = {}): Promise<ParseResult> {
  return parseAt(text, options.pool ?? sharedPool, 0);
}

interface NestedScript {
  script: string;
  via: string;
  /** Applied to every command found in the script. */
  redirects: Redirect[];
  assignments: string[];
}

interface WalkResult {
  commands: SimpleCommand[];
  nested: NestedScript[];
  error?: string;
}

async function parseAt(text: string, pool: ParserPool, depth: number): Promise<ParseResult> {
  if (depth > MAX_DEPTH) return { ok: false, reason: `commands nested deeper than ${MAX_DEPTH} levels` };
  if (text.length > MAX_LENGTH) return { ok: false, reason: `command longer than ${MAX_LENGTH} characters` };
  const bad = FORBIDDEN_CHARS.exec(text);
  if (bad) return { ok: false, reason: `contains the control or line-separator character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` };
  const joined = joinedContinuation(text);
  if (joined >= 0) return { ok: false, reason: `line continuation inside a word at offset ${joined} (bash joins the word, the parser splits it)` };
  let walked: WalkResult | undefined;
  try {
    walked = await pool.withTree(text, "bash", (tree) => {
      const broken = findError(tree.rootNode);
      if (broken) return { commands: [], nested: [], error: broken };
      const walker = new Walker(text);
      walker.visit(tree.rootNode, []);
      return { commands: walker.commands, nested: walker.nested };
    });
  } catch (error) {
    return { ok: false, reason: `shell parser failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!walked) return { ok: false, reason: "shell parser unavailable or timed out" };
  if (walked.error) return { ok: false, reason: walked.error };
  const commands = walked.commands;
  for (const nested of walked.nested) {
    const inner = await parseAt(nested.script, pool, depth + 1);
    if (!inner.ok) return { ok: false, reason: `in the script run by ${nested.via}: ${inner.reason}` };
    for (const command of inner.commands) {
      commands.push({
        ...command,
        redirects: [...command.redirects, ...nested.redirects],
        assignments: [...nested.assignments, ...command.assignments],
        via: command.via ?? nested.via,
      });
    }
  }
  return { ok: true, commands };
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

function findError(node: Node): string | undefined {
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


class Walker {
  constructor(private readonly source: string) {}

  readonly commands: SimpleCommand[] = [];
  readonly nested: NestedScript[] = [];

  /** Visits a statement-level node; `redirects` come from enclosing redirected statements. */
  visit(node: Node, redirects: Redirect[]): void {
    switch (node.type) {
      case "command":
        this.command(node, redirects);
        return;
      case "redirected_statement": {
        const own = node.childrenForFieldName("redirect").filter((r) => REDIRECT_TYPES.has(r.type));
        const all = [...redirects, ...own.map(redirectOf)];
        for (const r of own) this.visitInside(r);
        const body = node.childForFieldName("body");
        if (body) this.visit(body, all);
        else this.pseudo(node, [], all, containsExpansion(node));
        // Anything else (unlikely): still searched.
        const claimed = new Set([body?.id, ...own.map((r) => r.id)]);
        for (const child of node.children) if (child?.isNamed && !claimed.has(child.id)) this.visit(child, redirects);
        return;
      }
      case "variable_assignment":
      case "variable_assignments": {
        const assignments = node.type === "variable_assignment" ? [node] : node.namedChildren.filter((c) => c?.type === "variable_assignment");
        this.commands.push({
          argv: [],
          text: node.text,
          redirects,
          dynamic: containsExpansion(node),
          assignments: assignments.map((a) => assignmentText(a!)),
        });
        this.visitInside(node);
        return;
      }
      case "declaration_command":
      case "unset_command": {
        const argv: string[] = [];
        let dynamic = containsExpansion(node);
        for (const child of node.children) {
          if (!child) continue;
          if (!child.isNamed) {
            argv.push(child.type); // export, declare, local, readonly, typeset, unset, unsetenv
          } else if (child.type === "variable_assignment") {
            argv.push(assignmentText(child));
          } else if (child.type !== "comment") {
            const word = resolveWord(child);
            dynamic ||= !word.static;
            argv.push(word.value);
          }
        }
        this.commands.push({ argv, text: node.text, redirects, dynamic, assignments: [] });
        this.visitInside(node);
        return;
      }
      case "test_command": {
        // [ … ], [[ … ]]: no side effects of their own, but [[ ]] evaluates arithmetic; reported
        // so that the policy sees it (allowed only by an explicit "[ *" / "[[ *" rule).
        const argv = node.children.filter((c): c is Node => !!c && c.type !== "comment").map((c) => (c.isNamed ? resolveWord(c).value : c.type));
        this.commands.push({ argv, text: node.text, redirects, dynamic: containsExpansion(node), assignments: [] });
        this.visitInside(node);
        return;
      }
      case "c_style_for_statement": {
        // for ((…; …; …)): arithmetic on variables can run code (a[$(…)] in a variable's value).
        this.pseudo(node, ["for (("], redirects, true);
        const body = node.childForFieldName("body");
        for (const child of node.children) if (child && child !== body) this.visitInside(child);
        if (body) this.visit(body, redirects);
        return;
      }
      case "for_statement": {
        // for NAME in …: assigns NAME (it could be PATH) for the commands in the body.
        const variable = node.childForFieldName("variable");
        const values = node.childrenForFieldName("value");
        this.commands.push({
          argv: [],
          text: node.text.slice(0, (node.childForFieldName("body")?.startIndex ?? node.endIndex) - node.startIndex).trim(),
          redirects,
          dynamic: values.some(containsExpansion),
          assignments: [`${variable?.text ?? "?"}=${values.map((v) => v.text).join(" ")}`],
        });
        for (const child of node.children) if (child) this.visit(child, redirects);
        return;
      }
      default:
        if (REDIRECT_TYPES.has(node.type)) {
          // A redirect that no handler claimed (on a function definition, say): never silently dropped.
          this.visitInside(node);
          this.pseudo(node, [], [...redirects, redirectOf(node)], containsExpansion(node));
          return;
        }
        for (const child of node.children) if (child) this.visit(child, redirects);
    }
  }

  /** Searches the parts of a node that are not statements (words, redirects) for commands in substitutions. */
  private visitInside(node: Node): void {
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === "command_substitution" || child.type === "process_substitution") {
        for (const inner of child.children) if (inner) this.visit(inner, []);
      } else {
        this.visitInside(child);
      }
    }
  }

  private pseudo(node: Node, argv: string[], redirects: Redirect[], dynamic: boolean): void {
    this.commands.push({ argv, text: node.text, redirects, dynamic, assignments: [] });
  }

  private command(node: Node, outer: Redirect[]): void {
    const redirects: Redirect[] = [];
    const assignments: string[] = [];
    const words: Word[] = [];
    let dynamic = containsExpansion(node);
    for (let i = 0; i < node.childCount; i++) {
      const child = node.child(i);
      if (!child || child.type === "comment") continue;
      if (REDIRECT_TYPES.has(child.type)) {
        redirects.push(redirectOf(child));
      } else if (child.type === "variable_assignment") {
        assignments.push(assignmentText(child));
      } else if (child.type === "command_name") {
        const name = child.namedChildren[0] ? resolveWord(child.namedChildren[0]) : resolveWord(child);
        // A glob or anything unresolved in the command name decides which program runs.
        dynamic ||= !name.static || name.glob;
        words.push(name);
      } else if (child.isNamed) {
        const word = resolveWord(child);
        dynamic ||= !word.static;
        words.push(word);
      }
    }
    this.visitInside(node);
    const all = [...redirects, ...outer];
    dynamic ||= all.some((r) => r.dynamic);
    this.emit(words, node.endIndex, { argv: [], text: node.text, redirects: all, dynamic, assignments }, 0);
  }

  /** Records a command and whatever it wraps (wrappers, `bash -c`, eval, find -exec). */
  private emit(words: Word[], end: number, base: SimpleCommand, depth: number): void {
    const argv = words.map((w) => w.value);
    const command: SimpleCommand = { ...base, argv };
    const name = basename(argv[0] ?? "");
    if (EVAL_LIKE.has(name)) command.dynamic = true;
    this.commands.push(command);
    if (depth > MAX_DEPTH || argv.length === 0) return;

    const script = scriptArgument(name, argv);
    if (script) {
      // A string run as shell code: parsed recursively when static; otherwise the command is dynamic.
      if (script.indices.every((i) => words[i]?.static)) {
        this.nested.push({ script: script.text, via: script.via, redirects: base.redirects, assignments: base.assignments });
      } else {
        command.dynamic = true;
      }
    }

    const inner = wrapped(name, argv);
    if (inner) {
      const innerWords = words.slice(inner.from, inner.to);
      const first = innerWords[0];
      const last = innerWords[innerWords.length - 1];
      const innerEnd = inner.to === undefined ? end : last ? last.start + lengthOf(last) : end;
      this.emit(
        innerWords,
        innerEnd,
        {
          ...base,
          text: first ? this.source.slice(first.start, innerEnd) : base.text,
          assignments: [...base.assignments, ...inner.assignments],
          via: inner.via,
          ...(base.extraArgs || inner.extraArgs ? { extraArgs: true } : {}),
        },
        depth + 1,
      );
    }
  }
}

function lengthOf(word: Word): number {
  return word.end - word.start;
}
