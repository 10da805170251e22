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
// bash might disagree on where words or commands end (shell-differential.ts), is `ok: false`
// (the policy never allows it either): ERROR or MISSING nodes anywhere in the tree, the
// characters and lexer rules listed in shell-differential.ts, words after the redirect of a
// compound command (a syntax error in bash), a static `bash -c` (etc.) script that fails any of
// the above, or nesting deeper than MAX_DEPTH. Every word of a simple command is an argument,
// wherever redirects stand (`git diff 2>/dev/null --output=x`), as in bash (shell-redirects.ts).
// Redirects that no command claims (e.g. on a function definition) become a command with an
// empty argv, so they cannot slip through unseen. Commands run under bash itself
// (command-shell.ts), so this is the language that runs.
import type { Node } from "web-tree-sitter";
import { parserPool as sharedPool, type ParserPool } from "../index/parser-pool";
import { syntaxError, textDifferential, treeDifferential } from "./shell-differential";
import { REDIRECT_TYPES, type RedirectParts, redirectParts } from "./shell-redirects";
import { assignmentText, containsExpansion, resolveWord, type Word } from "./shell-words";
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

/** `{name}>file`: bash opens a free descriptor and stores its number in `name`. */
const DESCRIPTOR_VARIABLE = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;

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
  const refused = textDifferential(text);
  if (refused) return { ok: false, reason: refused };
  let walked: WalkResult | undefined;
  try {
    walked = await pool.withTree(text, "bash", (tree) => {
      const broken = syntaxError(tree.rootNode);
      if (broken) return { commands: [], nested: [], error: broken };
      const different = treeDifferential(tree.rootNode, text);
      if (different) return { commands: [], nested: [], error: different };
      const walker = new Walker(text);
      walker.visit(tree.rootNode, []);
      return { commands: walker.commands, nested: walker.nested, ...(walker.error ? { error: walker.error } : {}) };
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


class Walker {
  constructor(private readonly source: string) {}

  readonly commands: SimpleCommand[] = [];
  readonly nested: NestedScript[] = [];
  /** The first reason to refuse the whole line. */
  error: string | undefined;

  /** Visits a statement-level node; `redirects` come from enclosing redirected statements. */
  visit(node: Node, redirects: Redirect[]): void {
    switch (node.type) {
      case "command":
        this.command(node, redirects, [], node.text);
        return;
      case "redirected_statement": {
        const parts = node.childrenForFieldName("redirect").filter((r) => REDIRECT_TYPES.has(r.type)).flatMap(redirectParts);
        for (const part of parts) for (const own of part.own) this.search(own);
        const body = node.childForFieldName("body");
        this.redirected(body ?? undefined, parts, redirects, node.text);
        for (const part of parts) for (const statement of part.statements) this.visit(statement, redirects);
        // Anything else (unlikely): still searched.
        const claimed = new Set([body?.id, ...node.childrenForFieldName("redirect").map((r) => r.id)]);
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
          const parts = redirectParts(node);
          for (const part of parts) for (const own of part.own) this.search(own);
          const words = parts.flatMap((p) => p.words);
          if (words.length > 0) this.fail(`words after the redirect of a ${node.parent?.type.replace(/_/g, " ") ?? "statement"} at offset ${words[0]!.startIndex} (a syntax error in bash)`);
          this.pseudo(node, [], [...redirects, ...parts.map((p) => p.redirect)], parts.some((p) => p.redirect.dynamic));
          for (const part of parts) for (const statement of part.statements) this.visit(statement, redirects);
          return;
        }
        for (const child of node.children) if (child) this.visit(child, redirects);
    }
  }

  /** Searches the parts of a node that are not statements (words, redirects) for commands in substitutions. */
  private visitInside(node: Node): void {
    for (const child of node.children) if (child) this.search(child);
  }

  /** visitInside for the node itself too: a word may be a substitution. */
  private search(node: Node): void {
    if (node.type === "command_substitution" || node.type === "process_substitution") {
      for (const inner of node.children) if (inner) this.visit(inner, []);
    } else {
      this.visitInside(node);
    }
  }

  /**
   * A statement and the redirects (with the words tree-sitter hung onto them) that follow it. In
   * bash trailing redirects belong to the last command of a list or pipeline (tree-sitter puts
   * them on the whole list), and words after them are that simple command's arguments; after a
   * compound command they are a syntax error.
   */
  private redirected(body: Node | undefined, parts: RedirectParts[], outer: Redirect[], text: string): void {
    if (body && (body.type === "list" || body.type === "pipeline")) {
      const statements = body.namedChildren.filter((c): c is Node => !!c && c.type !== "comment");
      const last = statements.pop();
      for (const statement of statements) this.visit(statement, outer);
      this.redirected(last, parts, outer, last?.text ?? text);
      return;
    }
    const all = [...outer, ...parts.map((p) => p.redirect)];
    const words = parts.flatMap((p) => p.words);
    const simple = body ? simpleCommandOf(body) : undefined;
    if (!body || simple) {
      // `cmd 2>/dev/null more words` (or `>f cmd`): one simple command, all of its words.
      this.command(simple, all, parts, text);
    } else if (words.length > 0) {
      this.fail(`words after the redirect of a ${body.type.replace(/_/g, " ")} at offset ${words[0]!.startIndex} (a syntax error in bash)`);
    } else {
      this.visit(body, all);
    }
  }

  fail(reason: string): void {
    this.error ??= reason;
  }

  private pseudo(node: Node, argv: string[], redirects: Redirect[], dynamic: boolean): void {
    this.commands.push({ argv, text: node.text, redirects, dynamic, assignments: [] });
  }

  /**
   * One simple command: the children of a `command` node plus the words and redirects that
   * tree-sitter hung onto the redirects of the statement around it (`extra`).
   */
  private command(node: Node | undefined, outer: Redirect[], extra: RedirectParts[], text: string): void {
    const redirects: Redirect[] = [];
    const assignments: string[] = [];
    const wordNodes: Node[] = extra.flatMap((p) => p.words);
    const words: Word[] = [];
    const redirectStarts = new Map(extra.map((p) => [p.start, p.redirect]));
    let dynamic = false;
    for (const child of node?.children ?? []) {
      if (!child || child.type === "comment") continue;
      if (REDIRECT_TYPES.has(child.type)) {
        for (const part of redirectParts(child)) {
          redirects.push(part.redirect);
          redirectStarts.set(part.start, part.redirect);
          wordNodes.push(...part.words);
          for (const own of part.own) this.search(own);
          for (const statement of part.statements) this.visit(statement, outer);
        }
      } else if (child.type === "variable_assignment") {
        assignments.push(assignmentText(child));
        dynamic ||= containsExpansion(child);
        this.search(child);
      } else if (child.type === "command_name") {
        wordNodes.push(child.namedChildren[0] ?? child);
      } else if (child.isNamed) {
        wordNodes.push(child);
      } else if (child.type === "=~" || child.type === "==") {
        // Operators of [[ ]] that tree-sitter also accepts in a command: plain arguments to bash.
        words.push({ value: child.type, static: true, glob: false, start: child.startIndex, end: child.endIndex });
      } else if (child.type === "$") {
        words.push({ value: "$", static: false, glob: false, start: child.startIndex, end: child.endIndex });
      }
    }
    for (const wordNode of wordNodes) {
      this.search(wordNode);
      words.push(resolveWord(wordNode));
    }
    words.sort((a, b) => a.start - b.start);
    // A word that runs into a redirect operator is that redirect's descriptor in bash: `0<f`
    // (tree-sitter may hang the 0 onto the previous redirect), `{fd}>f` (sets fd).
    const kept: Word[] = [];
    for (const word of words) {
      const redirect = redirectStarts.get(word.end);
      // As written, not quoted or escaped (`\2<f` is the argument 2), and not before &> or &>>,
      // which take no descriptor (`1&>f` is the argument 1).
      const raw = this.source.slice(word.start, word.end);
      if (redirect && redirect.op.startsWith("&")) kept.push(word);
      else if (redirect && /^\d+$/.test(raw)) redirect.fd = raw;
      else if (redirect && DESCRIPTOR_VARIABLE.test(raw)) assignments.push(`${raw.slice(1, -1)}=(a file descriptor)`);
      else kept.push(word);
    }
    for (const word of kept) dynamic ||= !word.static;
    // A glob in the command name decides which program runs.
    dynamic ||= kept[0]?.glob ?? false;
    const all = [...redirects, ...outer];
    dynamic ||= all.some((r) => r.dynamic);
    const end = Math.max(node?.endIndex ?? 0, ...kept.map((w) => w.end));
    this.emit(kept, end, { argv: [], text, redirects: all, dynamic, assignments }, 0);
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

/** The simple command a redirect list belongs to: the body itself, or the command under `!`. */
function simpleCommandOf(body: Node): Node | undefined {
  if (body.type === "command") return body;
  if (body.type === "negated_command") {
    const inner = body.namedChildren.filter((c) => c?.type !== "comment");
    return inner.length === 1 && inner[0]!.type === "command" ? inner[0]! : undefined;
  }
  return undefined;
}

function lengthOf(word: Word): number {
  return word.end - word.start;
}
