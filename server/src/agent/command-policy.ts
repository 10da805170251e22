// Command permissions for the agent: code decides, never the model.
//
// Rules are argv prefixes written as plain space-separated tokens ("npm test", "git status",
// "rm -rf *"). Matching is on whole tokens after the shell has been parsed (shell-parse.ts), so
// quoting cannot hide a command: `'git' 'status'` is `git status`.
//  - Without a trailing "*" a rule matches that exact argv only: "git status" matches
//    `git status` but NOT `git status --porcelain` (extra arguments can change what a command
//    does: `git status --output=…`, `npm test -- --watch`). Write "git status *" to allow more.
//  - A trailing "*" token means "any further arguments, including none": "ls *" matches `ls`,
//    `ls -la`. "*" anywhere else, and a bare "*" allow rule, make the rules file invalid.
//  - deny and ask rules also match a command run by path (`/usr/bin/curl x` for "curl *");
//    allow rules match the command name exactly as written.
//
// decide(): deny when any simple command (anywhere in the line, see shell-parse.ts) matches a deny
// rule. Otherwise allow only when EVERY simple command matches an allow rule, matches no ask
// rule, is not dynamic, sets no variables, and writes no file except /dev/null. Anything else
// is ask, and in headless mode (nobody to ask) ask becomes deny. An unparseable command line or
// an invalid rules file is ask (headless: deny), never allow.
//
// Deny rules are a convenience, not the safety net: they match argv prefixes, so "rm -rf *" does
// not catch `rm -fr /` or `rm -r -f /`. What keeps those from running unasked is that they are
// not allowed.
import type { PermissionDecision } from "../protocol/agent";
import { TOOL_PERMISSIONS } from "../protocol/settings";
import { parseCommandLine, type ParseCommandOptions, type SimpleCommand } from "./shell-parse";

export interface CommandRules {
  allow: string[];
  ask?: string[];
  deny: string[];
}

export type RulesValidation = { ok: true; rules: CommandRules } | { ok: false; error: string };

export type Decision = PermissionDecision;

export interface CommandDecision {
  decision: Decision;
  /** Why, one line per finding (empty only for a plain allow). */
  reasons: string[];
  /** The simple commands found (empty when the line could not be parsed). */
  commands: SimpleCommand[];
}

export interface DecideOptions extends ParseCommandOptions {
  /** No one can be asked (CLI, CI): every "ask" becomes "deny". */
  headless?: boolean;
}

/** Targets a command may write to through a redirect without asking. */
const HARMLESS_WRITE_TARGETS = new Set(["/dev/null"]);
/** Redirect operators that open a file for writing. */
const WRITE_OPS = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);

const RULE_KEYS = new Set<string>(TOOL_PERMISSIONS);
// Controls and line separators have no place in a rule.
const BAD_RULE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Checks a rules file (its parsed JSON, or the JSON text). Strict: unknown keys, non-string or
 * empty rules, "*" anywhere but last, or an allow rule that is only "*" make the whole file
 * invalid, and the caller then treats every command as ask (headless: deny).
 */
export function validateRules(json: unknown): RulesValidation {
  let value = json;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (error) {
      return { ok: false, error: `rules are not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "rules must be a JSON object with allow and deny lists" };
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!RULE_KEYS.has(key)) return { ok: false, error: `unknown key "${key}" in rules` };
  const lists: Partial<Record<Decision, string[]>> = {};
  for (const key of TOOL_PERMISSIONS) {
    const list = record[key];
    if (list === undefined && key === "ask") continue;
    if (!Array.isArray(list)) return { ok: false, error: `"${key}" must be an array of strings` };
    const rules: string[] = [];
    for (const [i, rule] of list.entries()) {
      if (typeof rule !== "string") return { ok: false, error: `${key}[${i}] is not a string` };
      const problem = ruleProblem(rule, key);
      if (problem) return { ok: false, error: `${key}[${i}] ${JSON.stringify(rule)}: ${problem}` };
      rules.push(rule);
    }
    lists[key] = rules;
  }
  return { ok: true, rules: { allow: lists.allow!, ...(lists.ask ? { ask: lists.ask } : {}), deny: lists.deny! } };
}

function ruleProblem(rule: string, key: Decision): string | undefined {
  if (BAD_RULE_CHARS.test(rule)) return "contains a control character";
  const tokens = ruleTokens(rule);
  if (tokens.length === 0) return "is empty";
  const star = tokens.indexOf("*");
  if (star >= 0 && star !== tokens.length - 1) return `"*" is only allowed as the last token`;
  if (key === "allow" && tokens.length === 1 && tokens[0] === "*") return "allowing every command is not supported";
  return undefined;
}

function ruleTokens(rule: string): string[] {
  return rule.split(/[ \t]+/).filter((t) => t.length > 0);
}

/** Whether `argv` matches a rule (see the file comment); `extraArgs` commands only match "*" rules. */
export function matchesRule(argv: readonly string[], rule: string, extraArgs = false): boolean {
  const tokens = ruleTokens(rule);
  const open = tokens[tokens.length - 1] === "*";
  const fixed = open ? tokens.slice(0, -1) : tokens;
  if (!open && (extraArgs || argv.length !== fixed.length)) return false;
  if (argv.length < fixed.length) return false;
  return fixed.every((token, i) => argv[i] === token);
}

/** Also tries the command name without its directory (`/usr/bin/curl` → `curl`). */
function matchesLoosely(argv: readonly string[], rule: string, extraArgs: boolean | undefined): boolean {
  if (matchesRule(argv, rule, extraArgs)) return true;
  const name = argv[0];
  if (name === undefined || !name.includes("/")) return false;
  const base = name.slice(name.lastIndexOf("/") + 1);
  return base.length > 0 && matchesRule([base, ...argv.slice(1)], rule, extraArgs);
}

/** Parses `commandLine` and decides. `rules` is re-validated; an invalid one means ask (headless: deny). */
export async function decide(commandLine: string, rules: CommandRules | RulesValidation, options: DecideOptions = {}): Promise<CommandDecision> {
  const ask = (reasons: string[], commands: SimpleCommand[]): CommandDecision =>
    options.headless ? { decision: "deny", reasons: [...reasons, "headless: nobody to ask"], commands } : { decision: "ask", reasons, commands };

  const validation = "ok" in rules ? (rules.ok ? validateRules(rules.rules) : rules) : validateRules(rules);
  if (!validation.ok) return ask([`invalid command rules: ${validation.error}`], []);
  const parsed = await parseCommandLine(commandLine, options.pool ? { pool: options.pool } : {});
  if (!parsed.ok) return ask([`cannot analyse the command: ${parsed.reason}`], []);
  return decideCommands(parsed.commands, validation.rules, options.headless ?? false);
}

/** The decision for already parsed commands (rules assumed valid). */
export function decideCommands(commands: SimpleCommand[], rules: CommandRules, headless: boolean): CommandDecision {
  if (commands.length === 0) {
    const reasons = ["empty command"];
    return headless ? { decision: "deny", reasons: [...reasons, "headless: nobody to ask"], commands } : { decision: "ask", reasons, commands };
  }
  const denied: string[] = [];
  for (const command of commands) {
    const rule = rules.deny.find((r) => matchesLoosely(command.argv, r, command.extraArgs));
    if (rule !== undefined) denied.push(`${describe(command)} matches deny rule "${rule}"`);
  }
  if (denied.length > 0) return { decision: "deny", reasons: denied, commands };

  const doubts: string[] = [];
  for (const command of commands) doubts.push(...doubtsAbout(command, rules));
  if (doubts.length === 0) return { decision: "allow", reasons: [], commands };
  return headless ? { decision: "deny", reasons: [...doubts, "headless: nobody to ask"], commands } : { decision: "ask", reasons: doubts, commands };
}

function doubtsAbout(command: SimpleCommand, rules: CommandRules): string[] {
  const doubts: string[] = [];
  const what = describe(command);
  if (command.argv.length === 0) doubts.push(`${what}: no command name (bare assignment or redirect)`);
  if (command.dynamic) doubts.push(`${what}: contains expansions or substitutions that cannot be checked before it runs`);
  if (command.assignments.length > 0) doubts.push(`${what}: sets ${command.assignments.map((a) => a.split("=")[0]).join(", ")}`);
  const askRule = (rules.ask ?? []).find((r) => matchesLoosely(command.argv, r, command.extraArgs));
  if (askRule !== undefined) doubts.push(`${what}: matches ask rule "${askRule}"`);
  if (command.argv.length > 0 && !rules.allow.some((r) => matchesRule(command.argv, r, command.extraArgs))) {
    doubts.push(`${what}: not in the allow list${command.extraArgs ? " (runs with extra arguments from xargs)" : ""}`);
  }
  for (const redirect of command.redirects) {
    if (redirect.dynamic) doubts.push(`${what}: redirect ${redirect.op} to a target that cannot be checked`);
    else if (writes(redirect.op, redirect.target) && !HARMLESS_WRITE_TARGETS.has(redirect.target)) {
      doubts.push(`${what}: writes to ${JSON.stringify(redirect.target)}`);
    }
  }
  return doubts;
}

function writes(op: string, target: string): boolean {
  if (WRITE_OPS.has(op)) return true;
  // `>&1` / `2>&1` duplicate a descriptor and `>&-` closes one; `>& file` is `&> file`.
  if (op === ">&") return !/^(\d+-?|-)$/.test(target);
  return false;
}

function describe(command: SimpleCommand): string {
  const text = command.text.length > 80 ? `${command.text.slice(0, 77)}...` : command.text;
  return `\`${text}\`${command.via ? ` (via ${command.via})` : ""}`;
}
