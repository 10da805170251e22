// One row per known attack on checkpoints and undo, run on real files, real symlinks and the real shadow git.
// Undo is a write the person asks for, so it must never be steered by what a command left behind: restores
// refuse a path whose resolution differs from the recorded one, never write into protected folders, and one odd
// file name must not break the snapshots of every later step.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { ShadowCheckpoints } from "./checkpoints";
import { CliFileWriter } from "./cli-file-writer";
import { ProcessCommandRunner } from "./command-runner";
import { createTools } from "./tools/index";
import type { ToolContext } from "./tool-types";

const signal = (): AbortSignal => new AbortController().signal;
const tools = new Map(createTools().map((t) => [t.name, t]));

interface Harness {
  ws: string;
  base: string;
  store: ShadowCheckpoints;
  /** One planner step without the gate: checkpoint, run the tool, checkpoint. */
  step(runId: string, n: number, tool: string, args: Record<string, unknown>): Promise<{ changedPaths: string[]; notCovered: string[] }>;
  sh(command: string): void;
  read(relative: string): Promise<string>;
  exists(relative: string): Promise<boolean>;
}

/** sha256 of every entry under `dir`, symlinks by their target text. */
async function hashTree(dir: string): Promise<string> {
  const out: string[] = [];
  const visit = async (current: string): Promise<void> => {
    for (const entry of (await fs.readdir(current, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await visit(full);
      else out.push(`${path.relative(dir, full)}:${createHash("sha256").update(entry.isSymbolicLink() ? await fs.readlink(full) : await fs.readFile(full)).digest("hex")}`);
    }
  };
  await visit(dir);
  return out.join("\n");
}

interface Row {
  name: string;
  attack: (h: Harness) => Promise<void>;
}

const ROWS: Row[] = [
  {
    name: "undo through a folder swapped for a symlink to .git/hooks after the run (CVE class: CVE-2018-15664 symlink exchange; restore-through-symlink)",
    attack: async (h) => {
      await h.step("swap", 1, "edit_file", { path: "sub/pre-commit", search: "one", replace: "two" });
      // Later, outside the run, a command leaves `sub` as a link into .git/hooks holding what the agent left.
      h.sh("mv sub sub-real && ln -s .git/hooks sub && cp sub-real/pre-commit .git/hooks/pre-commit");
      const hooks = await hashTree(path.join(h.ws, ".git"));
      const report = await h.store.undoRun("swap", signal());
      assert.deepEqual(report.restored, []);
      assert.deepEqual(report.conflicts.map((c) => c.path), ["sub/pre-commit"]);
      assert.match(report.conflicts[0]!.reason, /leads elsewhere now \(through a symlink\)/);
      assert.equal(await hashTree(path.join(h.ws, ".git")), hooks, "nothing was written into .git/hooks");
      assert.equal(await h.read(".git/hooks/pre-commit"), "echo two\n");
    },
  },
  {
    name: "undo run whose own command swapped the folder for a symlink to .git/hooks: the link goes first, nothing is written through it",
    attack: async (h) => {
      await h.step("own", 1, "edit_file", { path: "sub/pre-commit", search: "one", replace: "two" });
      await h.step("own", 2, "run_command", { command: "mv sub sub-real && ln -s .git/hooks sub" });
      const git = await hashTree(path.join(h.ws, ".git"));
      const report = await h.store.undoRun("own", signal());
      assert.deepEqual(report.conflicts, []);
      assert.equal(await hashTree(path.join(h.ws, ".git")), git, "nothing was written into .git/hooks");
      assert.equal((await fs.lstat(path.join(h.ws, "sub"))).isDirectory(), true, "sub is a folder again");
      assert.equal(await h.read("sub/pre-commit"), "echo one\n");
      assert.equal(await h.exists("sub-real"), false);
    },
  },
  {
    name: "undo never writes into a protected folder: an edited .vscode/settings.json is a conflict with a note",
    attack: async (h) => {
      await h.step("vsc", 1, "edit_file", { path: ".vscode/settings.json", search: "{}", replace: '{"a": 1}' });
      const report = await h.store.undoRun("vsc", signal());
      assert.deepEqual(report.restored, []);
      assert.deepEqual(report.conflicts.map((c) => c.path), [".vscode/settings.json"]);
      assert.match(report.conflicts[0]!.reason, /protected configuration \(vscode\): undo does not write there/);
      assert.equal(await h.read(".vscode/settings.json"), '{"a": 1}\n');
    },
  },
  {
    name: "undo never writes into a protected folder reached through a symlink (config/vscode while .vscode -> config/vscode)",
    attack: async (h) => {
      await fs.mkdir(path.join(h.ws, "config", "vscode"), { recursive: true });
      await fs.writeFile(path.join(h.ws, "config", "vscode", "tasks.json"), "[]\n");
      await h.step("vsc2", 1, "run_command", { command: "echo '[1]' > config/vscode/tasks.json" });
      h.sh("rm -rf .vscode && ln -s config/vscode .vscode");
      const report = await h.store.undoRun("vsc2", signal());
      assert.deepEqual(report.conflicts.map((c) => c.path), ["config/vscode/tasks.json"]);
      assert.match(report.conflicts[0]!.reason, /protected configuration/);
      assert.equal(await h.read("config/vscode/tasks.json"), "[1]\n");
    },
  },
  ...[
    { label: "CVE-2021-21300-style case-insensitive .git: .GIT/x", make: "mkdir .GIT && echo x > .GIT/x", odd: ".GIT/x" },
    { label: "CVE-2019-1353 NTFS short name: git~1/x", make: "mkdir git~1 && echo x > git~1/x", odd: "git~1/x" },
    { label: "NTFS trailing dot: .git./x", make: "mkdir .git. && echo x > .git./x", odd: ".git./x" },
    { label: "HFS+ ignorable code point: .g<U+200C>it/x", make: "mkdir .g\u200cit && echo x > .g\u200cit/x", odd: ".g\u200cit/x" },
    { label: "CVE-2018-11235 class: .gitmodules as a symlink", make: "ln -s notes.md .gitmodules", odd: ".gitmodules" },
  ].map(
    ({ label, make, odd }): Row => ({
      name: `a name git refuses, made by a command, does not break checkpoints: ${label}`,
      attack: async (h) => {
        const first = await h.step("odd", 1, "run_command", { command: `${make} && echo y > ok.txt` });
        assert.deepEqual(first.changedPaths, ["ok.txt"]);
        assert.deepEqual(first.notCovered, [odd], "the step reports what undo cannot cover");
        // Later steps still checkpoint, and report the name only once.
        const second = await h.step("odd", 2, "edit_file", { path: "notes.md", search: "notes", replace: "NOTES" });
        assert.deepEqual(second, { changedPaths: ["notes.md"], notCovered: [] });
        const report = await h.store.undoRun("odd", signal());
        assert.deepEqual([...report.restored].sort(), ["notes.md", "ok.txt"]);
        assert.equal(await h.exists("ok.txt"), false);
        assert.equal(await h.read("notes.md"), "notes\n");
      },
    }),
  ),
  {
    name: "checkpoint storage inside a second workspace folder is refused (CVE class: CVE-2025-53773, the agent edits its own safety state)",
    attack: async (h) => {
      const ws2 = path.join(h.base, "ws2");
      await fs.mkdir(ws2);
      const roots = await WorkspaceRoots.create([h.ws, ws2]);
      const inside = new ShadowCheckpoints({ storageDir: path.join(ws2, "storage"), roots });
      await assert.rejects(inside.beforeStep("r", 1, signal()), /the checkpoint storage .* is inside the workspace folder .*ws2/);
      await assert.rejects(inside.listRuns(signal()), /inside the workspace folder/);
      assert.equal(await fs.lstat(path.join(ws2, "storage", "checkpoints")).then(() => true, () => false), false, "nothing was created there");
    },
  },
  {
    name: "the checkpoint store is private: a 0600 .env is not world-readable in it (CWE-732)",
    attack: async (h) => {
      await fs.chmod(path.join(h.ws, ".env"), 0o600);
      await h.step("priv", 1, "edit_file", { path: ".env", search: "API=1", replace: "API=2" });
      await h.store.undoRun("priv", signal());
      assert.deepEqual(await looseModes(path.join(h.base, "storage", "checkpoints")), []);
    },
  },
  {
    name: "an existing world-readable store is made private when it is opened",
    attack: async (h) => {
      await h.step("old", 1, "edit_file", { path: ".env", search: "API=1", replace: "API=2" });
      h.sh(`chmod -R go+rX ${JSON.stringify(path.join(h.base, "storage"))}`);
      assert.notDeepEqual(await looseModes(path.join(h.base, "storage", "checkpoints")), []);
      const reopened = new ShadowCheckpoints({ storageDir: path.join(h.base, "storage"), roots: await WorkspaceRoots.create([h.ws]) });
      await reopened.listRuns(signal());
      assert.deepEqual(await looseModes(path.join(h.base, "storage", "checkpoints")), []);
    },
  },
];

/** Entries under `dir` that group or others can read: folders must be 0700, files 0600 (or 0400). */
async function looseModes(dir: string): Promise<string[]> {
  const loose: string[] = [];
  const visit = async (current: string): Promise<void> => {
    const stat = await fs.lstat(current);
    if ((stat.mode & 0o077) !== 0) loose.push(`${path.relative(dir, current) || "."} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const entry of await fs.readdir(current)) await visit(path.join(current, entry));
  };
  await visit(dir);
  return loose;
}

describe("checkpoints and undo (security table)", function () {
  this.timeout(30_000);
  if (process.platform === "win32") return; // the rows use POSIX symlinks, modes and sh

  for (const row of ROWS) {
    it(row.name, async () => {
      const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-ckpt-sec-")));
      try {
        const ws = path.join(base, "ws");
        await fs.mkdir(path.join(ws, "sub"), { recursive: true });
        await fs.mkdir(path.join(ws, ".vscode"), { recursive: true });
        await fs.writeFile(path.join(ws, "sub", "pre-commit"), "echo one\n", { mode: 0o755 });
        await fs.writeFile(path.join(ws, ".vscode", "settings.json"), "{}\n");
        await fs.writeFile(path.join(ws, "notes.md"), "notes\n");
        await fs.writeFile(path.join(ws, ".gitignore"), ".env\n");
        await fs.writeFile(path.join(ws, ".env"), "API=1\n");
        const env = { ...process.env, GIT_AUTHOR_NAME: "u", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "u", GIT_COMMITTER_EMAIL: "u@x" };
        execFileSync("git", ["init", "-q"], { cwd: ws, env });
        const roots = await WorkspaceRoots.create([ws]);
        const store = new ShadowCheckpoints({ storageDir: path.join(base, "storage"), roots });
        const context: ToolContext = { roots, signal: signal(), files: new CliFileWriter(), commands: new ProcessCommandRunner() };
        const harness: Harness = {
          ws,
          base,
          store,
          async step(runId, n, tool, args) {
            const definition = tools.get(tool)!;
            await store.beforeStep(runId, n, signal(), definition.targets(args).paths);
            const outcome = await definition.run(args, context);
            assert.ok(outcome.ok, outcome.observation);
            const after = await store.afterStep(runId, n, signal());
            return { changedPaths: [...after.changedPaths].sort(), notCovered: after.notCovered ?? [] };
          },
          sh: (command) => void execFileSync("sh", ["-c", command], { cwd: ws, stdio: "ignore" }),
          read: (relative) => fs.readFile(path.join(ws, relative), "utf8"),
          exists: (relative) => fs.lstat(path.join(ws, relative)).then(() => true, () => false),
        };
        await row.attack(harness);
      } finally {
        await fs.rm(base, { recursive: true, force: true });
      }
    });
  }
});

