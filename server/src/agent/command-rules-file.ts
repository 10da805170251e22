// The command rules file `.pincer/commands.json` ({"allow": [...], "ask": [...], "deny": [...]},
// see command-policy.ts for the syntax). It lives in the workspace, where the agent's own writes to
// it always ask (.pincer/ is protected). A missing file means the defaults; an unreadable or invalid
// one means "invalid" and every command asks (headless: deny), never allow. The file comes with the
// repository, so it adds to the built-in deny rules and never lifts them: a cloned repo cannot
// allow `curl` or `sudo`.
import { promises as fs } from "node:fs";
import path from "node:path";
import { type CommandRules, type RulesValidation, validateRules } from "./command-policy";

export const COMMAND_RULES_FILE = path.join(".pincer", "commands.json");

/**
 * Read-only commands allowed out of the box; network and privilege tools denied. No git command is
 * allowed by default: git runs programs the repository's config names (core.fsmonitor on every
 * status, filters, diff drivers, a partial clone's ssh command), so "read-only" is not a property of
 * the command line. The git_status / git_diff / git_log tools run git with all of that off.
 */
export const DEFAULT_COMMAND_RULES: CommandRules = {
  allow: ["ls *", "pwd"],
  deny: ["curl *", "wget *", "ssh *", "scp *", "nc *", "sudo *", "su *", "rm -rf /", "rm -rf ~"],
};

export async function loadCommandRules(workspaceFolder: string): Promise<RulesValidation> {
  const file = path.join(workspaceFolder, COMMAND_RULES_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, rules: DEFAULT_COMMAND_RULES };
    return { ok: false, error: `cannot read ${COMMAND_RULES_FILE}: ${(error as Error).message}` };
  }
  const validation = validateRules(text);
  if (!validation.ok) return { ok: false, error: `${COMMAND_RULES_FILE}: ${validation.error}` };
  const deny = [...DEFAULT_COMMAND_RULES.deny, ...validation.rules.deny.filter((rule) => !DEFAULT_COMMAND_RULES.deny.includes(rule))];
  return { ok: true, rules: { ...validation.rules, deny } };
}
