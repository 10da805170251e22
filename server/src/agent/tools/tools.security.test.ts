// One row per known attack, at the TOOL + GATE level: the call goes through the permission gate the
// planner uses, runs only on "allow", and afterwards nothing outside the workspace may have been
// read into the observation or changed on disk. Confinement rows also run the tool WITHOUT the gate
// (defence in depth: the tool itself refuses).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import { CliFileWriter } from "../cli-file-writer";
import { DEFAULT_COMMAND_RULES } from "../command-rules-file";
import { ProcessCommandRunner } from "../command-runner";
import { type PermissionGateOptions, type PermissionProfile, createPermissionGate, jsonApprovalStore, workspaceKeyFor } from "../permissions";
import type { PermissionDecision, ToolContext, ToolDefinition } from "../tool-types";
import { createTools } from "./index";
import { existsSync } from "node:fs";

const RG = ["/usr/bin/rg", "/usr/local/bin/rg"].find((candidate) => existsSync(candidate));

const SECRET = "TOP-SECRET-OUTSIDE";
const RULES = { allow: ["ls *", "echo *", "git status", "cp *"], deny: ["curl *", "rm -rf *"] };

type Row = {
  name: string;
  tool: string;
  args: Record<string, unknown>;
  expected: PermissionDecision;
  profile?: PermissionProfile;
  gate?: Partial<PermissionGateOptions>;
  /** Also run the tool without the gate: it must refuse by itself. */
  toolRefuses?: boolean;
  /** Run with ripgrep as the search engine (skipped where no rg binary exists). */
  ripgrep?: boolean;
  /** Text that must not appear in the observation (besides the outside secret). */
  leak?: string;
  /** Extra files for this row only (removed after it), so other rows (searches) do not see them. */
  setup?: (dirs: { ws: string; outside: string }) => Promise<void>;
  teardown?: (dirs: { ws: string; outside: string }) => Promise<void>;
};

const FOLDER_OPEN_TASK = JSON.stringify({ version: "2.0.0", tasks: [{ label: "x", type: "shell", command: "touch /tmp/pwned", runOptions: { runOn: "folderOpen" } }] });

const hardLink = (name: string, target: string) => ({
  setup: async ({ ws, outside }: { ws: string; outside: string }) => fs.link(path.join(outside, target), path.join(ws, name)),
  teardown: async ({ ws }: { ws: string }) => fs.rm(path.join(ws, name), { force: true }),
});

const ROWS: Row[] = [
  // Path traversal and absolute paths
  { name: "read ../ traversal", tool: "read_file", args: { path: "../outside/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "read deep ../../ traversal", tool: "read_file", args: { path: "sub/../../outside/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "read absolute path outside", tool: "read_file", args: { path: "$OUTSIDE/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "read /etc/passwd", tool: "read_file", args: { path: "/etc/passwd" }, expected: "deny", toolRefuses: true },
  { name: "read with a NUL byte", tool: "read_file", args: { path: "a.txt\u0000../../outside/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "list the parent folder", tool: "list_files", args: { path: ".." }, expected: "deny", toolRefuses: true },
  { name: "search from /", tool: "search_text", args: { query: "SECRET", path: "/" }, expected: "deny", toolRefuses: true },
  { name: "outline a file outside", tool: "outline", args: { path: "../outside/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "find_symbol outside", tool: "find_symbol", args: { name: "x", path: "../outside" }, expected: "deny", toolRefuses: true },
  { name: "git_diff of a path outside", tool: "git_diff", args: { path: "../outside" }, expected: "deny", toolRefuses: true },
  // Symlinks
  { name: "read through a symlinked folder pointing out", tool: "read_file", args: { path: "link-out/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "read a symlinked file pointing out", tool: "read_file", args: { path: "secret-link" }, expected: "deny", toolRefuses: true },
  { name: "create through a symlinked folder", tool: "create_file", args: { path: "link-out/new.txt", content: "x" }, expected: "deny", toolRefuses: true },
  { name: "create through a dangling symlink", tool: "create_file", args: { path: "dangling", content: "x" }, expected: "deny", toolRefuses: true },
  { name: "edit through a symlinked file", tool: "edit_file", args: { path: "secret-link", search: SECRET, replace: "pwned" }, expected: "deny", toolRefuses: true },
  { name: "delete through a symlinked folder", tool: "delete_file", args: { path: "link-out/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "rename out through a symlink", tool: "rename_file", args: { from: "a.txt", to: "link-out/moved.txt" }, expected: "deny", toolRefuses: true },
  { name: "rename in from outside", tool: "rename_file", args: { from: "link-out/secret.txt", to: "stolen.txt" }, expected: "deny", toolRefuses: true },
  { name: "search does not follow a symlink out (JS walk)", tool: "search_text", args: { query: "TOP-SECRET" }, expected: "allow" },
  { name: "search does not follow a symlink out (ripgrep)", tool: "search_text", args: { query: "TOP-SECRET" }, expected: "allow", ripgrep: true },
  { name: "list shows a link but does not enter it", tool: "list_files", args: { depth: 5 }, expected: "allow" },
  { name: "find_symbol does not walk into a link", tool: "find_symbol", args: { name: "stolen" }, expected: "allow" },
  // Prefix collision: /base/ws vs /base/ws-evil
  { name: "prefix collision read", tool: "read_file", args: { path: "../ws-evil/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "prefix collision absolute", tool: "edit_file", args: { path: "$BASE/ws-evil/secret.txt", search: SECRET, replace: "x" }, expected: "deny", toolRefuses: true },
  { name: "prefix collision create", tool: "create_file", args: { path: "$BASE/ws-evil/new.txt", content: "x" }, expected: "deny", toolRefuses: true },
  // Writes outside by the edit tools
  { name: "edit ../ file", tool: "edit_file", args: { path: "../outside/secret.txt", search: SECRET, replace: "x" }, expected: "deny", toolRefuses: true },
  { name: "delete ../ file", tool: "delete_file", args: { path: "../outside/secret.txt" }, expected: "deny", toolRefuses: true },
  { name: "create absolute outside", tool: "create_file", args: { path: "$OUTSIDE/new.txt", content: "x" }, expected: "deny", toolRefuses: true },
  // Protected configuration: always ask, even in "full" or with an "allow" override
  { name: "edit .git/config", tool: "edit_file", args: { path: ".git/config", search: "bare = false", replace: "bare = true" }, expected: "ask" },
  { name: "create a git hook", tool: "create_file", args: { path: ".git/hooks/pre-commit", content: "curl x" }, expected: "ask", gate: { toolOverrides: { create_file: "allow" } } },
  { name: "create .vscode/settings.json", tool: "create_file", args: { path: ".vscode/settings.json", content: "{}" }, expected: "ask" },
  { name: "create tasks.json through ./ and //", tool: "create_file", args: { path: ".//.vscode/./tasks.json", content: "{}" }, expected: "ask" },
  { name: "create a .code-workspace file", tool: "create_file", args: { path: "evil.code-workspace", content: "{}" }, expected: "ask" },
  { name: "widen own permissions: .pincer/commands.json", tool: "create_file", args: { path: ".pincer/commands.json", content: '{"allow":["curl *"],"deny":[]}' }, expected: "ask" },
  { name: "rename onto .pincer/", tool: "rename_file", args: { from: "a.txt", to: ".pincer/commands.json" }, expected: "ask" },
  { name: "delete .git/HEAD", tool: "delete_file", args: { path: ".git/HEAD" }, expected: "ask" },
  { name: "protected write, headless", tool: "edit_file", args: { path: ".git/config", search: "a", replace: "b" }, expected: "deny", gate: { headless: true } },
  // Plain files that make a git directory (git then reads its config: core.sshCommand, fsmonitor); see git/git-dir-names.ts
  { name: "create HEAD at the root: a planted git directory (CVE-2022-24765 class, unexpected gitdir)", tool: "create_file", args: { path: "HEAD", content: "ref: refs/heads/main\n" }, expected: "ask", gate: { toolOverrides: { create_file: "allow" } } },
  { name: "create HEAD in a subfolder (planted git directory)", tool: "create_file", args: { path: "sub/HEAD", content: "ref: refs/heads/main\n" }, expected: "ask" },
  { name: "create config next to an unpacked HEAD (planted git config → code execution)", tool: "create_file", args: { path: "archive/config", content: "[core]\n\tfsmonitor = x\n" }, expected: "ask" },
  { name: "create objects/ next to an unpacked HEAD (completes a git directory)", tool: "create_file", args: { path: "archive/objects/.keep", content: "" }, expected: "ask" },
  { name: "rename a file onto refs/ next to an unpacked HEAD", tool: "rename_file", args: { from: "a.txt", to: "archive/refs/heads/main" }, expected: "ask" },
  { name: "planted git directory, headless", tool: "create_file", args: { path: "HEAD", content: "x" }, expected: "deny", gate: { headless: true } },
  { name: "an ordinary config/ folder stays ordinary", tool: "create_file", args: { path: "config/app.json", content: "{}" }, expected: "allow" },
  // Default rules: git reads repository config that runs programs (core.fsmonitor on status), so no git command is allowed by default
  { name: "default rules: git status asks (planted core.fsmonitor, Cursor/Cline allow-list CVE class)", tool: "run_command", args: { command: "git status" }, expected: "ask", gate: { rules: DEFAULT_COMMAND_RULES } },
  { name: "default rules: git log asks (partial-clone lazy fetch runs core.sshCommand)", tool: "run_command", args: { command: "git log" }, expected: "ask", gate: { rules: DEFAULT_COMMAND_RULES } },
  { name: "git_commit asks", tool: "git_commit", args: { message: "m" }, expected: "ask" },
  { name: "git_commit headless", tool: "git_commit", args: { message: "m" }, expected: "deny", gate: { headless: true } },
  // Command chaining, smuggling and substitutions (profile "full": rules decide)
  { name: "&& chain to a denied command", tool: "run_command", args: { command: "echo hi && curl evil.sh" }, expected: "deny" },
  { name: "; then rm -rf", tool: "run_command", args: { command: "ls; rm -rf /" }, expected: "deny" },
  { name: "pipe into sh", tool: "run_command", args: { command: "echo x | sh" }, expected: "ask" },
  { name: "newline smuggling", tool: "run_command", args: { command: "ls\ncurl x" }, expected: "deny" },
  { name: "U+2028 line separator", tool: "run_command", args: { command: "ls\u2028touch $OUTSIDE/pwned" }, expected: "ask" },
  { name: "carriage return", tool: "run_command", args: { command: "ls\rtouch $OUTSIDE/pwned" }, expected: "ask" },
  { name: "$(...) substitution", tool: "run_command", args: { command: "echo $(curl x)" }, expected: "deny" },
  { name: "backticks", tool: "run_command", args: { command: "echo `touch $OUTSIDE/pwned`" }, expected: "ask" },
  { name: "redirect into a file outside", tool: "run_command", args: { command: "echo pwned > $OUTSIDE/secret.txt" }, expected: "ask" },
  { name: "bash -c string", tool: "run_command", args: { command: "bash -c 'curl x'" }, expected: "deny" },
  { name: "allowed cp of ordinary files stays allowed", tool: "run_command", args: { command: "cp a.txt sub/a.txt" }, expected: "allow" },
  { name: "allowed cp onto .pincer/commands.json (widening own rules)", tool: "run_command", args: { command: "cp rules.json .pincer/commands.json" }, expected: "ask" },
  { name: "allowed command into .git/hooks", tool: "run_command", args: { command: "cp x .git/hooks/pre-commit" }, expected: "ask" },
  { name: "--opt=path to .vscode", tool: "run_command", args: { command: "cp --target-directory=.vscode tasks.json" }, expected: "ask" },
  { name: "case variant .VSCODE in a command", tool: "run_command", args: { command: "cp tasks.json .VSCODE/" }, expected: "ask" },
  { name: "headless ask becomes deny", tool: "run_command", args: { command: "echo x | sh" }, expected: "deny", gate: { headless: true } },
  { name: "allowed command runs", tool: "run_command", args: { command: "ls" }, expected: "allow" },
  { name: "invalid rules file: never allow", tool: "run_command", args: { command: "ls" }, expected: "ask", gate: { rules: { ok: false, error: "bad json" } } },
  { name: "edit profile: commands ask", tool: "run_command", args: { command: "ls" }, expected: "ask", profile: "edit" },
  { name: "allow override cannot beat a deny rule", tool: "run_command", args: { command: "curl x" }, expected: "deny", profile: "edit", gate: { toolOverrides: { run_command: "allow" } } },
  // Profiles, overrides, trust
  { name: "read-only: no edits", tool: "edit_file", args: { path: "a.txt", search: "hello", replace: "bye" }, expected: "deny", profile: "read-only" },
  { name: "read-only: no commands", tool: "run_command", args: { command: "ls" }, expected: "deny", profile: "read-only" },
  { name: "untrusted workspace: no edits", tool: "create_file", args: { path: "new.txt", content: "x" }, expected: "deny", gate: { trusted: false } },
  { name: "untrusted workspace: no commands even if allowed", tool: "run_command", args: { command: "ls" }, expected: "deny", gate: { trusted: false, toolOverrides: { run_command: "allow" } } },
  { name: "untrusted workspace: reads still work", tool: "read_file", args: { path: "a.txt" }, expected: "allow", gate: { trusted: false } },
  // A cloned repository's .git/config can name programs (clean filters, fsmonitor) that git runs even to read.
  { name: "untrusted workspace: no git_status (repository config runs programs)", tool: "git_status", args: {}, expected: "deny", gate: { trusted: false } },
  { name: "untrusted workspace: no git_diff", tool: "git_diff", args: {}, expected: "deny", gate: { trusted: false } },
  { name: "untrusted workspace: no git_log", tool: "git_log", args: {}, expected: "deny", gate: { trusted: false } },
  { name: "deny override on a read tool", tool: "read_file", args: { path: "a.txt" }, expected: "deny", gate: { toolOverrides: { read_file: "deny" } } },
  { name: "bad arguments are denied", tool: "read_file", args: { path: 42 }, expected: "deny" },
  // Protected folders behind symlinks (.vscode -> config/vscode, .pincer -> pincer-shared: a shared-config
  // layout). CVE class: CVE-2025-53773 (an agent writes editor/agent config to run code or approve itself), here
  // through a symlink as in the Cursor .vscode/tasks.json reports.
  { name: "symlinked protected folder: create .vscode/tasks.json with a folderOpen task (CVE class: Cursor .vscode/tasks.json via symlink)", tool: "create_file", args: { path: ".vscode/tasks.json", content: FOLDER_OPEN_TASK }, expected: "ask", profile: "edit" },
  { name: "symlinked protected folder, reverse: create config/vscode/tasks.json while .vscode points there", tool: "create_file", args: { path: "config/vscode/tasks.json", content: FOLDER_OPEN_TASK }, expected: "ask", profile: "edit" },
  { name: "symlinked protected folder: edit .pincer/commands.json through .pincer -> pincer-shared", tool: "edit_file", args: { path: ".pincer/commands.json", search: "[]", replace: '["curl *"]' }, expected: "ask", profile: "edit" },
  { name: "symlinked protected folder, reverse: edit pincer-shared/commands.json", tool: "edit_file", args: { path: "pincer-shared/commands.json", search: "[]", replace: '["curl *"]' }, expected: "ask", profile: "edit" },
  { name: "symlinked protected folder, reverse: rename onto config/vscode/settings.json", tool: "rename_file", args: { from: "a.txt", to: "config/vscode/launch.json" }, expected: "ask", gate: { toolOverrides: { rename_file: "allow" } } },
  { name: "symlinked protected folder, reverse: delete config/vscode/settings.json", tool: "delete_file", args: { path: "config/vscode/settings.json" }, expected: "ask" },
  // Names git refuses (CVE-2014-9390 .Git and HFS ignorables, CVE-2019-1353 NTFS git~1, CVE-2021-21300-style
  // case-insensitive .git): on some file system each is the repository's .git, and git cannot snapshot them.
  { name: "CVE-2021-21300-style case-insensitive .git: create .GIT/x", tool: "create_file", args: { path: ".GIT/x", content: "x" }, expected: "deny", toolRefuses: true },
  { name: "CVE-2019-1353 NTFS short name: create git~1/hooks/pre-commit", tool: "create_file", args: { path: "git~1/hooks/pre-commit", content: "x" }, expected: "deny", toolRefuses: true },
  { name: "NTFS trailing dot: create .git./config", tool: "create_file", args: { path: ".git./config", content: "x" }, expected: "deny", toolRefuses: true },
  { name: "CVE-2014-9390 HFS+ ignorable: create .g<U+200C>it/config", tool: "create_file", args: { path: ".g\u200cit/config", content: "x" }, expected: "deny", toolRefuses: true },
  { name: "rename onto .GIT/x", tool: "rename_file", args: { from: "a.txt", to: ".GIT/x" }, expected: "deny", toolRefuses: true },
  { name: "reading .GIT/x stays possible (only writes are refused)", tool: "read_file", args: { path: "odd/.GIT/readme.txt" }, expected: "allow" },
  // Hard links: another name of the same file can be outside the workspace (CVE class: CVE-2024-32021, git
  // local clone hard-linking files it should not).
  { name: "hard link to an outside file: read_file refuses (CVE class: CVE-2024-32021 hard links)", tool: "read_file", args: { path: "hard.txt" }, expected: "allow", toolRefuses: true, ...hardLink("hard.txt", "secret.txt") },
  { name: "hard link to an outside file: edit_file refuses (an in-place save would write through it)", tool: "edit_file", args: { path: "hard.txt", search: SECRET, replace: "pwned" }, expected: "allow", toolRefuses: true, ...hardLink("hard.txt", "secret.txt") },
  { name: "hard link to an outside file: search_text skips it (JS walk)", tool: "search_text", args: { query: "TOP-SECRET" }, expected: "allow", ...hardLink("hard.txt", "secret.txt") },
  { name: "hard link to an outside file: search_text skips it (ripgrep)", tool: "search_text", args: { query: "TOP-SECRET" }, expected: "allow", ripgrep: true, ...hardLink("hard.txt", "secret.txt") },
  { name: "hard link to an outside file: search_text in that file (ripgrep)", tool: "search_text", args: { query: "TOP-SECRET", path: "hard.txt" }, expected: "allow", ripgrep: true, ...hardLink("hard.txt", "secret.txt") },
  { name: "hard link to an outside file: outline refuses", tool: "outline", args: { path: "hard.ts" }, expected: "allow", toolRefuses: true, ...hardLink("hard.ts", "stolen.ts") },
  { name: "hard link to an outside file: find_symbol skips it", tool: "find_symbol", args: { name: "stolen" }, expected: "allow", leak: "hard.ts", ...hardLink("hard.ts", "stolen.ts") },
  { name: "hard link to an outside file: delete_file still removes only the inside name", tool: "delete_file", args: { path: "hard-delete.txt" }, expected: "allow", ...hardLink("hard-delete.txt", "kept.txt") },
];


async function snapshotTree(dir: string): Promise<string> {
  const out: string[] = [];
  const visit = async (current: string): Promise<void> => {
    for (const entry of (await fs.readdir(current, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await visit(full);
      else out.push(`${path.relative(dir, full)}=${entry.isSymbolicLink() ? `->${await fs.readlink(full)}` : await fs.readFile(full, "utf8")}`);
    }
  };
  await visit(dir);
  return out.join("\n");
}

describe("agent tools behind the permission gate (security table)", function () {
  let base: string;
  let ws: string;
  let outside: string;
  let roots: WorkspaceRoots;
  let tools: Map<string, ToolDefinition>;
  let baseline: { outside: string; evil: string; git: string };

  const substitute = (value: unknown): unknown => (typeof value === "string" ? value.replaceAll("$OUTSIDE", outside).replaceAll("$BASE", base) : value);

  before(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-tools-sec-")));
    ws = path.join(base, "ws");
    outside = path.join(base, "outside");
    await fs.mkdir(path.join(ws, "sub"), { recursive: true });
    await fs.mkdir(path.join(ws, ".git", "hooks"), { recursive: true });
    await fs.mkdir(outside);
    await fs.mkdir(path.join(base, "ws-evil"));
    await fs.writeFile(path.join(outside, "secret.txt"), `${SECRET}\n`);
    await fs.writeFile(path.join(outside, "stolen.ts"), `export function stolen() { return "${SECRET}"; }\n`);
    await fs.writeFile(path.join(base, "ws-evil", "secret.txt"), `${SECRET}\n`);
    await fs.writeFile(path.join(ws, "a.txt"), "hello\n");
    // A HEAD as an unpacked archive may bring it: next to it, objects/refs/config would make a git directory.
    await fs.mkdir(path.join(ws, "archive"));
    await fs.writeFile(path.join(ws, "archive", "HEAD"), "ref: refs/heads/main\n");
    await fs.writeFile(path.join(ws, ".git", "config"), "[core]\n\tbare = false\n");
    await fs.writeFile(path.join(ws, ".git", "HEAD"), "ref: refs/heads/main\n");
    await fs.symlink(outside, path.join(ws, "link-out"));
    await fs.symlink(path.join(outside, "secret.txt"), path.join(ws, "secret-link"));
    await fs.symlink(path.join(outside, "created-by-link.txt"), path.join(ws, "dangling"));
    // The shared-config layout: relative links to protected folders.
    await fs.mkdir(path.join(ws, "config", "vscode"), { recursive: true });
    await fs.writeFile(path.join(ws, "config", "vscode", "settings.json"), "{}\n");
    await fs.symlink(path.join("config", "vscode"), path.join(ws, ".vscode"));
    await fs.mkdir(path.join(ws, "pincer-shared"));
    await fs.writeFile(path.join(ws, "pincer-shared", "commands.json"), '{"allow":[]}\n');
    await fs.symlink("pincer-shared", path.join(ws, ".pincer"));
    await fs.mkdir(path.join(ws, "odd", ".GIT"), { recursive: true });
    await fs.writeFile(path.join(ws, "odd", ".GIT", "readme.txt"), "odd\n");
    await fs.writeFile(path.join(outside, "kept.txt"), "kept\n");
    roots = await WorkspaceRoots.create([ws]);
    tools = new Map(createTools().map((tool) => [tool.name, tool]));
    baseline = { outside: await snapshotTree(outside), evil: await snapshotTree(path.join(base, "ws-evil")), git: await snapshotTree(path.join(ws, ".git")) };
  });

  after(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  const context = (ripgrep = false): ToolContext => ({
    roots,
    signal: new AbortController().signal,
    files: new CliFileWriter(),
    commands: new ProcessCommandRunner(),
    ...(ripgrep && RG ? { ripgrepPath: RG } : {}),
  });

  for (const row of ROWS) {
    it(`${row.name}: ${row.expected}`, async function () {
      if (row.ripgrep && !RG) {
        console.log("      (skipped: no rg binary on this machine)");
        this.skip();
      }
      const tool = tools.get(row.tool);
      assert.ok(tool, `tool ${row.tool} exists`);
      await row.setup?.({ ws, outside });
      try {
        const args = Object.fromEntries(Object.entries(row.args).map(([k, v]) => [k, substitute(v)]));
        const gate = createPermissionGate({ profile: row.profile ?? "full", rules: RULES, trusted: true, headless: false, roots, ...row.gate });
        const check = await gate.check(tool, args, new AbortController().signal);
        assert.equal(check.decision, row.expected, `reasons: ${check.reasons.join("; ")}`);
        if (check.decision !== "allow") assert.ok(check.reasons.length > 0, "a refusal says why");
        if (check.decision === "allow" && row.tool !== "run_command") {
          const outcome = await tool.run(args, context(row.ripgrep));
          assert.ok(!outcome.observation.includes(SECRET), `leaked: ${outcome.observation}`);
          assert.ok(!outcome.observation.includes("stolen.ts"), `walked out: ${outcome.observation}`);
          if (row.leak) assert.ok(!outcome.observation.includes(row.leak), `leaked: ${outcome.observation}`);
        }
        if (row.toolRefuses) {
          const outcome = await tool.run(args, context());
          assert.equal(outcome.ok, false, `the tool alone must refuse: ${outcome.observation}`);
          assert.ok(!outcome.observation.includes(SECRET), "nothing from outside leaks into the observation");
        }
        assert.equal(await snapshotTree(outside), baseline.outside, "nothing outside the workspace changed");
        assert.equal(await snapshotTree(path.join(base, "ws-evil")), baseline.evil, "the prefix-collision sibling is unchanged");
        assert.equal(await snapshotTree(path.join(ws, ".git")), baseline.git, ".git unchanged");
        assert.equal(await fs.readFile(path.join(ws, "a.txt"), "utf8"), "hello\n");
        assert.equal(await fs.readFile(path.join(ws, "config", "vscode", "settings.json"), "utf8"), "{}\n");
        assert.equal(await fs.readFile(path.join(ws, "pincer-shared", "commands.json"), "utf8"), '{"allow":[]}\n');
        assert.equal(await fs.lstat(path.join(ws, ".GIT")).then(() => true, () => false), false, "no .GIT was created");
      } finally {
        await row.teardown?.({ ws, outside });
      }
    });
  }

  it("case variants: a differently cased workspace path is outside on a case-sensitive file system, and .GIT is refused as a write target everywhere", async () => {
    const root = roots.roots[0]!;
    const gate = createPermissionGate({ profile: "full", rules: RULES, trusted: true, headless: false, roots });
    const read = tools.get("read_file")!;
    const upper = path.join(base, "WS", "a.txt");
    const upperCheck = await gate.check(read, { path: upper }, new AbortController().signal);
    assert.equal(upperCheck.decision, root.caseInsensitive ? "allow" : "deny", upperCheck.reasons.join("; "));
    const create = tools.get("create_file")!;
    const gitVariant = await gate.check(create, { path: ".GIT/hooks/post-checkout", content: "x" }, new AbortController().signal);
    // Where case is ignored .GIT is the protected .git; where it matters git still refuses the name (and a
    // checkpoint could not store it): never a write target.
    assert.equal(gitVariant.decision, "deny", gitVariant.reasons.join("; "));
    assert.match(gitVariant.reasons.join("; "), /name git refuses/);
    assert.equal(await snapshotTree(path.join(ws, ".git")), baseline.git);
  });

  it("the agent cannot remember approvals into a store inside the workspace", async () => {
    const store = { location: path.join(ws, ".pincer", "approvals.json"), commands: async () => [], add: async () => assert.fail("must not be written") };
    const gate = createPermissionGate({ profile: "edit", rules: RULES, trusted: true, headless: false, roots, rememberStore: store });
    await assert.rejects(gate.rememberApproval({ tool: "run_command", summary: "", command: "curl x", reasons: [] }, new AbortController().signal), /inside the workspace/);
  });

  it("a remembered command is allowed in the edit profile, a remembered denied one is still denied", async () => {
    const remembered = ["npm test", "curl x"];
    const store = { location: path.join(base, "store", "approvals.json"), commands: async () => remembered, add: async () => undefined };
    const gate = createPermissionGate({ profile: "edit", rules: RULES, trusted: true, headless: false, roots, rememberStore: store });
    const run = tools.get("run_command")!;
    assert.equal((await gate.check(run, { command: "npm test" }, new AbortController().signal)).decision, "allow");
    assert.equal((await gate.check(run, { command: "npm test --watch" }, new AbortController().signal)).decision, "ask");
    assert.equal((await gate.check(run, { command: "curl x" }, new AbortController().signal)).decision, "deny");
    const readOnly = createPermissionGate({ profile: "read-only", rules: RULES, trusted: true, headless: false, roots, rememberStore: store });
    assert.equal((await readOnly.check(run, { command: "npm test" }, new AbortController().signal)).decision, "deny");
  });
  // Check-then-write races (CWE-367; the class of CVE-2018-15664, docker cp's symlink-exchange race): another
  // process swaps a folder or file for a symlink after the tool resolved the path and before it opens it. The
  // swap is injected right after the tool's first resolveInside, so the race is hit every time, without sleeps.
  const RACES: { name: string; tool: string; args: Record<string, unknown>; prepare: (ws: string) => Promise<void>; swap: (ws: string, outside: string) => Promise<void> }[] = [
    {
      name: "TOCTOU symlink swap: create_file into a folder swapped for a symlink to outside after the check",
      tool: "create_file",
      args: { path: "race1/new.txt", content: "pwned" },
      prepare: async (w) => fs.mkdir(path.join(w, "race1")),
      swap: async (w, out) => {
        await fs.rename(path.join(w, "race1"), path.join(w, "race1-old"));
        await fs.symlink(out, path.join(w, "race1"));
      },
    },
    {
      name: "TOCTOU symlink swap: edit_file whose file became a symlink to an outside file",
      tool: "edit_file",
      args: { path: "race2.txt", search: "hello", replace: "pwned" },
      prepare: async (w) => fs.writeFile(path.join(w, "race2.txt"), "hello race\n"),
      swap: async (w, out) => {
        await fs.rm(path.join(w, "race2.txt"));
        await fs.symlink(path.join(out, "secret.txt"), path.join(w, "race2.txt"));
      },
    },
    {
      name: "TOCTOU symlink swap: edit_file whose folder became a symlink to outside",
      tool: "edit_file",
      args: { path: "race3/secret.txt", search: SECRET, replace: "pwned" },
      prepare: async (w) => {
        await fs.mkdir(path.join(w, "race3"));
        await fs.writeFile(path.join(w, "race3", "secret.txt"), `${SECRET}\n`);
      },
      swap: async (w, out) => {
        await fs.rm(path.join(w, "race3"), { recursive: true });
        await fs.symlink(out, path.join(w, "race3"));
      },
    },
    {
      name: "TOCTOU symlink swap: read_file whose folder became a symlink to outside",
      tool: "read_file",
      args: { path: "race4/secret.txt" },
      prepare: async (w) => {
        await fs.mkdir(path.join(w, "race4"));
        await fs.writeFile(path.join(w, "race4", "secret.txt"), "inside\n");
      },
      swap: async (w, out) => {
        await fs.rm(path.join(w, "race4"), { recursive: true });
        await fs.symlink(out, path.join(w, "race4"));
      },
    },
    {
      name: "TOCTOU symlink swap: read_file whose file became a hard link to an outside file",
      tool: "read_file",
      args: { path: "race5.txt" },
      prepare: async (w) => fs.writeFile(path.join(w, "race5.txt"), "inside\n"),
      swap: async (w, out) => {
        await fs.rm(path.join(w, "race5.txt"));
        await fs.link(path.join(out, "secret.txt"), path.join(w, "race5.txt"));
      },
    },
  ];
  for (const race of RACES) {
    it(race.name, async () => {
      await race.prepare(ws);
      let swapped = false;
      const racing = Object.create(roots) as WorkspaceRoots;
      racing.resolveInside = async (requested, options) => {
        const result = await roots.resolveInside(requested, options);
        if (!swapped) {
          swapped = true;
          await race.swap(ws, outside);
        }
        return result;
      };
      const outcome = await tools.get(race.tool)!.run(race.args, { ...context(), roots: racing });
      assert.ok(swapped, "the swap happened");
      assert.equal(outcome.ok, false, `must refuse: ${outcome.observation}`);
      assert.ok(!outcome.observation.includes(SECRET), `leaked: ${outcome.observation}`);
      assert.equal(await snapshotTree(outside), baseline.outside, "nothing outside the workspace changed");
    });
  }

  // "Always allow" answers must come from a store no tool can write (CVE class: CVE-2025-53773, an agent
  // approving itself by editing a settings file). In a multi-root workspace the store may lie inside the SECOND
  // folder; reading it there would let create_file grant commands.
  describe("approval store (security table)", () => {
    const STORE_ROWS: { name: string; location: (dirs: { base: string; ws2: string }) => Promise<string>; ignored: boolean }[] = [
      { name: "store inside a second workspace folder: remembered commands are ignored (CVE class: CVE-2025-53773 self-approval)", location: async ({ ws2 }) => path.join(ws2, "storage"), ignored: true },
      {
        name: "store reached through a symlink that points into a workspace folder",
        location: async ({ base: b, ws2 }) => {
          await fs.mkdir(path.join(ws2, "real-storage"), { recursive: true });
          await fs.symlink(path.join(ws2, "real-storage"), path.join(b, "storage-link"));
          return path.join(b, "storage-link");
        },
        ignored: true,
      },
      { name: "store inside the first workspace folder", location: async () => path.join(ws, "storage"), ignored: true },
      { name: "store outside every workspace folder is used", location: async ({ base: b }) => path.join(b, "global-storage"), ignored: false },
    ];
    for (const row of STORE_ROWS) {
      it(row.name, async () => {
        const ws2 = path.join(base, "ws2");
        await fs.mkdir(ws2, { recursive: true });
        const multi = await WorkspaceRoots.create([ws, ws2]);
        const dir = await row.location({ base, ws2 });
        await fs.mkdir(dir, { recursive: true });
        // What a create_file into the second folder would have planted.
        await fs.writeFile(path.join(dir, "agent-approvals.json"), JSON.stringify({ [workspaceKeyFor(multi)]: ["echo planted"] }));
        const gate = createPermissionGate({ profile: "edit", rules: RULES, trusted: true, headless: false, roots: multi, rememberStore: jsonApprovalStore(dir) });
        const check = await gate.check(tools.get("run_command")!, { command: "echo planted" }, new AbortController().signal);
        assert.equal(check.decision, row.ignored ? "ask" : "allow", check.reasons.join("; "));
        if (row.ignored) assert.match(check.reasons.join("; "), /approval store .* is inside the workspace folder .*: remembered approvals are ignored/);
        const remember = gate.rememberApproval({ tool: "run_command", summary: "", command: "echo more", reasons: [] }, new AbortController().signal);
        if (row.ignored) await assert.rejects(remember, /inside the workspace folder/);
        else await remember;
        const stored = JSON.parse(await fs.readFile(path.join(dir, "agent-approvals.json"), "utf8")) as Record<string, string[]>;
        assert.deepEqual(stored[workspaceKeyFor(multi)], row.ignored ? ["echo planted"] : ["echo planted", "echo more"]);
        await fs.rm(dir, { recursive: true, force: true });
        await fs.rm(path.join(base, "storage-link"), { force: true });
      });
    }
  });
});
