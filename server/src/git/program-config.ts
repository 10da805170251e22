// Which git configuration keys name programs git would run (or transports it would open), and the
// harmless value that switches each off. Pincer's own git calls pass these as command-line config
// (GIT_CONFIG_COUNT/KEY/VALUE), which outranks every config file, so no file a repository brings
// (or includes) can name a program: repository config never runs programs.
//
// Two parts: FIXED_SAFE_CONFIG is set on every call, whatever the files say; neutralizingOverrides()
// adds one override per program-valued key actually present in the effective config, because
// drivers are named by the repository (`filter.<name>.clean`) and cannot be listed in advance.

const NULL_DEVICE = process.platform === "win32" ? "NUL" : "/dev/null";

export type ConfigEntry = readonly [key: string, value: string];

/** Set on every Pincer git call. */
export const FIXED_SAFE_CONFIG: readonly ConfigEntry[] = [
  // Only a repository named explicitly (GIT_DIR) is used, never a bare one found by discovery.
  ["safe.bareRepository", "explicit"],
  ["core.fsmonitor", "false"],
  ["core.hooksPath", NULL_DEVICE],
  ["core.sshCommand", "false"],
  ["core.pager", "cat"],
  // git treats ":" as "no editor" without running anything.
  ["core.editor", ":"],
  ["sequence.editor", ":"],
  ["core.askPass", ""],
  ["core.gitProxy", "none"],
  // An empty value empties the list of helpers collected so far.
  ["credential.helper", ""],
  // No transport at all: a partial clone's lazy fetch (git < 2.44 has no GIT_NO_LAZY_FETCH) fails before connecting.
  ["protocol.allow", "never"],
  ...["file", "git", "ssh", "http", "https", "ext", "fd"].map((name): ConfigEntry => [`protocol.${name}.allow`, "never"]),
  // Signing and signature checks run gpg.program.
  ["commit.gpgSign", "false"],
  ["tag.gpgSign", "false"],
  ["log.showSignature", "false"],
  // No background maintenance after a commit, no descent into submodules (their config is not read here).
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
  ["submodule.recurse", "false"],
  ["diff.ignoreSubmodules", "all"],
  ["status.submoduleSummary", "false"],
];

/** Keys by section, whether they carry a subsection (the driver's name), and variable → the harmless value; "*": any variable. */
const DRIVER_KEYS: readonly { section: string; sub: boolean | "optional"; variables: readonly string[]; value: string }[] = [
  { section: "filter", sub: true, variables: ["clean", "smudge", "process"], value: "" },
  // A required filter that no longer runs would fail every command that reads a file.
  { section: "filter", sub: true, variables: ["required"], value: "false" },
  { section: "diff", sub: true, variables: ["command", "textconv"], value: "" },
  { section: "diff", sub: false, variables: ["external"], value: "" },
  { section: "merge", sub: true, variables: ["driver"], value: "" },
  { section: "difftool", sub: true, variables: ["cmd", "path"], value: "" },
  { section: "mergetool", sub: true, variables: ["cmd", "path"], value: "" },
  { section: "pager", sub: false, variables: ["*"], value: "false" },
  { section: "credential", sub: true, variables: ["helper"], value: "" },
  { section: "gpg", sub: "optional", variables: ["program"], value: "" },
  { section: "gpg", sub: true, variables: ["defaultkeycommand"], value: "" },
  { section: "remote", sub: true, variables: ["uploadpack", "receivepack", "vcs"], value: "" },
  { section: "remote", sub: true, variables: ["promisor"], value: "false" },
  { section: "protocol", sub: true, variables: ["allow"], value: "never" },
  { section: "trailer", sub: true, variables: ["command", "cmd"], value: "" },
  { section: "tar", sub: true, variables: ["command"], value: "" },
  { section: "submodule", sub: true, variables: ["update"], value: "none" },
  { section: "uploadpack", sub: false, variables: ["packobjectshook"], value: "" },
  { section: "core", sub: false, variables: ["alternaterefscommand"], value: "" },
];

/** Variable names that name a program wherever they appear (a safety net for keys not listed above). */
const PROGRAM_SUFFIXES = ["command", "cmd", "program", "helper", "hook", "driver", "editor", "pager", "askpass", "textconv"];

/** At most this many overrides; a config naming more is refused rather than half neutralized. */
export const MAX_OVERRIDES = 2_000;

/** section, subsection (undefined when none) and variable of a config key; section and variable lower-cased as git does. */
export function splitKey(key: string): { section: string; subsection: string | undefined; variable: string } | undefined {
  const first = key.indexOf(".");
  const last = key.lastIndexOf(".");
  if (first <= 0 || last === key.length - 1) return undefined;
  return {
    section: key.slice(0, first).toLowerCase(),
    subsection: first === last ? undefined : key.slice(first + 1, last),
    variable: key.slice(last + 1).toLowerCase(),
  };
}

/** The harmless value for a program-valued key, or undefined when the key names no program. */
export function harmlessValue(key: string): string | undefined {
  const parts = splitKey(key);
  if (!parts) return undefined;
  const { section, subsection, variable } = parts;
  for (const rule of DRIVER_KEYS) {
    if (rule.section !== section) continue;
    if (rule.sub === true && subsection === undefined) continue;
    if (rule.sub === false && subsection !== undefined) continue;
    if (rule.variables.includes("*") || rule.variables.includes(variable)) return rule.value;
  }
  if (PROGRAM_SUFFIXES.some((suffix) => variable.endsWith(suffix))) return "";
  return undefined;
}

/**
 * Parses `git config --list -z` (entries `key\nvalue\0`, or `key\0` for a bare boolean) and returns one
 * override per program-valued key that FIXED_SAFE_CONFIG does not already set. Keys keep their
 * subsection's case, which git compares exactly.
 */
export function neutralizingOverrides(listing: string): ConfigEntry[] {
  const fixed = new Set(FIXED_SAFE_CONFIG.map(([key]) => canonical(key)));
  const seen = new Set<string>();
  const overrides: ConfigEntry[] = [];
  for (const entry of listing.split("\0")) {
    if (entry === "") continue;
    const newline = entry.indexOf("\n");
    const key = newline < 0 ? entry : entry.slice(0, newline);
    const id = canonical(key);
    if (fixed.has(id) || seen.has(id)) continue;
    const value = harmlessValue(key);
    if (value === undefined) continue;
    seen.add(id);
    overrides.push([key, value]);
  }
  if (overrides.length > MAX_OVERRIDES) throw new Error(`the repository's git config names ${overrides.length} programs; Pincer does not run git on it`);
  return overrides;
}

/** git's identity of a key: section and variable ignore case, the subsection does not. */
function canonical(key: string): string {
  const parts = splitKey(key);
  if (!parts) return key.toLowerCase();
  return parts.subsection === undefined ? `${parts.section}.${parts.variable}` : `${parts.section}.${parts.subsection}.${parts.variable}`;
}
