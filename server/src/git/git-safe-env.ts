// Environments for git. Two users:
//  - Pincer's own git calls (workspace-git.ts): a fully built environment, no inherited GIT_*, the
//    repository pinned by GIT_DIR / GIT_WORK_TREE, no system config, no transport, no prompt, and
//    the program-valued config switched off through GIT_CONFIG_COUNT (see program-config.ts);
//  - agent commands (run_command): whatever the person approved runs as they wrote it, but a git
//    inside it never adopts a bare repository found by discovery (a folder of plain files the agent
//    wrote), never runs core.fsmonitor and never runs hooks (core.hooksPath may point into the
//    workspace, e.g. .husky/, which the agent can edit without asking).
// GIT_CONFIG_COUNT/KEY/VALUE (git 2.31+) carries keys verbatim: a `-c key=value` argument is split at
// the first "=", which a subsection name may contain.
import path from "node:path";
import { type ConfigEntry } from "./program-config";

const NULL_DEVICE = process.platform === "win32" ? "NUL" : "/dev/null";

/** Set on every command the agent runs. */
export const COMMAND_GIT_CONFIG: readonly ConfigEntry[] = [
  ["safe.bareRepository", "explicit"],
  ["core.fsmonitor", "false"],
  ["core.hooksPath", NULL_DEVICE],
];

/**
 * `env` plus `entries` as command-line git config (GIT_CONFIG_COUNT/KEY_n/VALUE_n), after the entries
 * already there (later entries win). Broken existing entries (a KEY_n missing, e.g. scrubbed as
 * secret-looking) are dropped, because git refuses to start with them.
 */
export function withGitConfig(env: NodeJS.ProcessEnv, entries: readonly ConfigEntry[]): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  const existing: ConfigEntry[] = [];
  const count = Number.parseInt(env.GIT_CONFIG_COUNT ?? "0", 10);
  for (let i = 0; Number.isSafeInteger(count) && i < Math.min(count, 10_000); i++) {
    const key = env[`GIT_CONFIG_KEY_${i}`];
    const value = env[`GIT_CONFIG_VALUE_${i}`];
    if (key !== undefined && value !== undefined) existing.push([key, value]);
  }
  for (const [name, value] of Object.entries(env)) if (!/^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+)$/.test(name)) out[name] = value;
  const all = [...existing, ...entries];
  all.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${i}`] = key;
    out[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  out.GIT_CONFIG_COUNT = String(all.length);
  return out;
}

/** The environment for an agent command: `env` (already scrubbed) with COMMAND_GIT_CONFIG added. */
export function gitSafeCommandEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withGitConfig(env, COMMAND_GIT_CONFIG);
}

/** Variables that would redirect or extend git, or name a program it runs (beyond the GIT_* ones). */
const PROGRAM_VARIABLES = new Set(["PAGER", "EDITOR", "VISUAL", "SSH_ASKPASS"]);

/**
 * The environment of Pincer's own git calls on a pinned repository: the server's environment without any
 * GIT_* variable, plus the pinning and the switches. `entries` (program-config.ts) come last.
 */
export function pinnedGitEnvironment(repository: { gitDir: string; workTree: string }, entries: readonly ConfigEntry[], base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    const upper = name.toUpperCase();
    if (!upper.startsWith("GIT_") && !PROGRAM_VARIABLES.has(upper)) env[name] = value;
  }
  return withGitConfig(
    {
      ...env,
      GIT_DIR: repository.gitDir,
      GIT_WORK_TREE: repository.workTree,
      // Discovery never runs with GIT_DIR set; the ceiling also stops any git process git starts itself.
      GIT_CEILING_DIRECTORIES: path.dirname(repository.workTree),
      GIT_CONFIG_NOSYSTEM: "1",
      // git 2.44+: a partial clone does not fetch missing objects. Older git: no transport is allowed.
      GIT_NO_LAZY_FETCH: "1",
      GIT_ALLOW_PROTOCOL: "pincer-no-protocol",
      GIT_PROTOCOL_FROM_USER: "0",
      GIT_SSH_COMMAND: "false",
      GIT_TERMINAL_PROMPT: "0",
      GIT_ASKPASS: "",
      GIT_PAGER: "cat",
      GIT_EDITOR: ":",
      GIT_SEQUENCE_EDITOR: ":",
      // Read-only tools do not rewrite .git/index behind the person's back.
      GIT_OPTIONAL_LOCKS: "0",
      LC_ALL: "C",
    },
    entries,
  );
}
