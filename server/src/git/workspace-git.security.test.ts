// One row per known attack on Pincer's git calls: a repository (planted from plain files by the
// agent's own create_file, unpacked from an archive, or a real .git whose config came with the
// workspace) names a program, and a Pincer feature runs git. Every row plants the attack for real,
// points the program at a script that leaves a marker file OUTSIDE the workspace, runs the
// feature, and asserts the marker does not exist. Agent calls go through the permission gate, and
// every approval is answered "deny" unless the row says the person approved (a commit).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hasGit } from "../../../test/helpers/git";
import { CliFileWriter } from "../agent/cli-file-writer";
import { DEFAULT_COMMAND_RULES } from "../agent/command-rules-file";
import { ProcessCommandRunner } from "../agent/command-runner";
import { createPermissionGate, type PermissionProfile } from "../agent/permissions";
import type { PermissionDecision, ToolContext, ToolDefinition } from "../agent/tool-types";
import { createTools } from "../agent/tools";
import { uncommittedChanges } from "../chat/git-diff";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { stagedDiff, uncommittedDiff } from "./git-changes";

const MISSING_COMMIT = "1111111111111111111111111111111111111111";

interface Lab {
  /** Temporary folder holding everything below (and the marker). */
  base: string;
  /** The workspace folder. */
  ws: string;
  /** A folder outside the workspace whose names must never show up. */
  outside: string;
  /** The "malicious" program: an executable script that creates `marker`. */
  evil: string;
  marker: string;
  profile: PermissionProfile;
  /** Decisions of the agent calls the row made (tool: decision). */
  decisions: string[];
  /** Everything the features answered, for rows that check what is shown. */
  output: string[];
}

type Step = (lab: Lab) => Promise<void>;

interface Row {
  /** Attack class, and the peer CVE class it stands for. */
  name: string;
  peer: string;
  profile?: PermissionProfile;
  plant: Step;
  act: Step[];
  /** Extra checks after the marker check. */
  check?: (lab: Lab) => void;
}

const tools = new Map(createTools().map((tool) => [tool.name, tool]));

function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: "u", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "u", GIT_COMMITTER_EMAIL: "u@x", GIT_CONFIG_NOSYSTEM: "1" };
  return execFileSync("git", args, { cwd, env, encoding: "utf8" });
}

function context(lab: Lab, roots: WorkspaceRoots): ToolContext {
  return { roots, signal: new AbortController().signal, files: new CliFileWriter(), commands: new ProcessCommandRunner() };
}

/** One agent call the way the planner makes it: gate first, run on allow or on an approved ask. */
async function agentCall(lab: Lab, name: string, args: Record<string, unknown>, approve = false): Promise<PermissionDecision> {
  const tool = tools.get(name) as ToolDefinition;
  const roots = await WorkspaceRoots.create([lab.ws]);
  const gate = createPermissionGate({ profile: lab.profile, rules: DEFAULT_COMMAND_RULES, trusted: true, headless: false, roots });
  const check = await gate.check(tool, args, new AbortController().signal);
  lab.decisions.push(`${name} ${JSON.stringify(args.path ?? args.command ?? "")}: ${check.decision}`);
  if (check.decision === "allow" || (check.decision === "ask" && approve)) {
    const outcome = await tool.run(args, context(lab, roots));
    lab.output.push(outcome.observation);
  }
  return check.decision;
}

const tool =
  (name: string, args: Record<string, unknown> = {}, approve = false): Step =>
  async (lab) => void (await agentCall(lab, name, args, approve));

/** The same command as an approved run_command would run it (the runner the hosts use). */
const approvedCommand =
  (command: string): Step =>
  async (lab) => {
    const run = await new ProcessCommandRunner().run(command, { cwd: lab.ws, timeoutMs: 30_000, signal: new AbortController().signal });
    lab.output.push(run.output);
  };

const chatDiff: Step = async (lab) => {
  // A repository git cannot read may fail the request; what matters here is what ran.
  const diffs = await uncommittedChanges([lab.ws]).catch((error: Error) => [{ text: error.message }]);
  for (const diff of diffs) lab.output.push(diff.text);
};
const commitMessageDiff: Step = async (lab) => {
  lab.output.push(await stagedDiff(lab.ws).then((d) => d.diff, (e: Error) => e.message));
};
const summaryDiff: Step = async (lab) => {
  lab.output.push(await uncommittedDiff(lab.ws).then((d) => d.diff, (e: Error) => e.message));
};

/** Files that make a folder a git directory: HEAD, config, objects/, refs/ (the review's exact attack). */
function plantedGitDir(config: (lab: Lab) => string, options: { branch?: boolean } = {}): Record<string, (lab: Lab) => string> {
  return {
    HEAD: () => "ref: refs/heads/main\n",
    config,
    "objects/.keep": () => "",
    // The branch names a commit that is not here: reading it starts a partial clone's lazy fetch.
    ...(options.branch === false ? { "refs/.keep": () => "" } : { "refs/heads/main": () => `${MISSING_COMMIT}\n` }),
  };
}

/** Written by the agent's create_file through the gate (approvals denied). */
const plantWithCreateFile =
  (files: Record<string, (lab: Lab) => string>): Step =>
  async (lab) => {
    for (const [name, content] of Object.entries(files)) await agentCall(lab, "create_file", { path: name, content: content(lab) });
  };

/** Already on disk, as an unpacked archive would leave them. */
const plantOnDisk =
  (files: Record<string, (lab: Lab) => string>, under = ""): Step =>
  async (lab) => {
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(lab.ws, under, name);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content(lab));
    }
  };

const lazyFetchConfig = (lab: Lab, extra = "") =>
  `[core]\n\trepositoryformatversion = 1\n\tsshCommand = "${lab.evil}"\n${extra}[extensions]\n\tpartialClone = origin\n[remote "origin"]\n\turl = ssh://attacker.invalid/repo\n\tpromisor = true\n`;
/** A planted directory that also claims a work tree (itself), so `git status` works on it. */
const worktreeConfig = (lab: Lab) => lazyFetchConfig(lab, `\tbare = false\n\tworktree = .\n\tfsmonitor = "${lab.evil}"\n`);

/** A real repository in the workspace with one commit; `config` entries are added afterwards. */
function realRepository(config: (lab: Lab) => [string, string][], files: Record<string, string> = {}): Step {
  return async (lab) => {
    git(lab.ws, "init", "-q", "-b", "main");
    git(lab.ws, "config", "user.name", "u");
    git(lab.ws, "config", "user.email", "u@x");
    await fs.writeFile(path.join(lab.ws, "a.txt"), "one\n");
    for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(lab.ws, name), content);
    git(lab.ws, "add", "-A");
    git(lab.ws, "commit", "-q", "-m", "first");
    // A staged change (for the commit message), then an unstaged one of the same size: git must
    // re-read the file to see it (and would run its clean filter).
    await fs.writeFile(path.join(lab.ws, "a.txt"), "two\n");
    git(lab.ws, "add", "a.txt");
    await fs.writeFile(path.join(lab.ws, "a.txt"), "six\n");
    for (const [key, value] of config(lab)) git(lab.ws, "config", key, value);
  };
}

const filterConfig = (lab: Lab): [string, string][] => [
  ["filter.evil.clean", lab.evil],
  ["filter.evil.smudge", lab.evil],
  ["filter.evil.process", lab.evil],
  ["filter.evil.required", "true"],
];
const attributes = { ".gitattributes": "*.txt filter=evil diff=evil merge=evil\n" };

const ALL_READS: Step[] = [tool("git_status"), tool("git_diff"), tool("git_log"), chatDiff, commitMessageDiff, summaryDiff];

const ROWS: Row[] = [
  // Item 1: the planted git directory.
  {
    name: "agent plants HEAD/config/objects/refs with create_file, git_log lazy-fetches through core.sshCommand",
    peer: "CVE-2022-24765 class (discovery of an unexpected gitdir) → config write → code execution (Cursor/Cline CVE class)",
    profile: "edit",
    plant: plantWithCreateFile(plantedGitDir(worktreeConfig)),
    act: [tool("git_log")],
    check: (lab) => assert.ok(lab.decisions.some((d) => /^create_file "HEAD": ask/.test(d)), `writing HEAD at the root asks: ${lab.decisions.join("; ")}`),
  },
  {
    name: "agent plants a git directory claiming a work tree, git_status runs its fsmonitor / lazy fetch",
    peer: "CVE-2022-24765 class (unexpected gitdir) → core.fsmonitor code execution",
    profile: "edit",
    plant: plantWithCreateFile(plantedGitDir(worktreeConfig)),
    act: [tool("git_status"), tool("git_diff"), tool("git_log")],
  },
  {
    name: "read-only profile: an unpacked archive holds a bare git directory at the root",
    peer: "CVE-2022-24765 class (unexpected gitdir) → lazy fetch runs core.sshCommand",
    profile: "read-only",
    plant: plantOnDisk(plantedGitDir(worktreeConfig)),
    act: ALL_READS,
    check: (lab) => assert.ok(lab.output.slice(0, 3).every((o) => /not a git repository/.test(o)), lab.output.join("\n---\n")),
  },
  {
    name: "workspace is a subfolder of another repository and holds a planted git directory",
    peer: "CVE-2022-24765 class (git picks a gitdir the person did not choose)",
    plant: async (lab) => {
      git(lab.base, "init", "-q", "-b", "main");
      await plantOnDisk(plantedGitDir(worktreeConfig))(lab);
    },
    act: ALL_READS,
    check: (lab) => assert.ok(lab.output.slice(0, 3).every((o) => /not a git repository/.test(o)), lab.output.join("\n---\n")),
  },
  {
    name: "planted core.worktree points outside: git_status must not list names outside the workspace",
    peer: "path confinement bypass through repository config (CVE-2024-32002-style repository config)",
    plant: plantOnDisk(plantedGitDir((lab) => `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = ${lab.base}\n`, { branch: false })),
    act: [tool("git_status")],
    check: (lab) => assert.doesNotMatch(lab.output.join("\n"), /outside|\.\.\//),
  },
  // A real .git whose config came with the workspace (a copied or unpacked repository).
  {
    name: "real .git: core.worktree points outside the workspace (git_status)",
    peer: "path confinement bypass through repository config (CVE-2024-32002-style repository config)",
    plant: realRepository((lab) => [["core.worktree", lab.base]]),
    act: [tool("git_status"), tool("git_diff")],
    check: (lab) => assert.doesNotMatch(lab.output.join("\n"), /outside|\.\.\//),
  },
  {
    name: "real .git: clean/smudge/process filters selected by .gitattributes",
    peer: "CVE-2024-32002-style repository config → code execution on read",
    plant: realRepository(filterConfig, attributes),
    act: [...ALL_READS, tool("git_commit", { message: "m" }, true)],
  },
  {
    name: "real .git: a filter driver whose name holds '=' and '.' (a `-c key=value` override would be split at the '=')",
    peer: "CVE-2024-32002-style repository config → code execution on read",
    plant: realRepository(
      (lab) => [
        ["filter.a=b.c.clean", lab.evil],
        ["filter.a=b.c.smudge", lab.evil],
      ],
      { ".gitattributes": "*.txt filter=a=b.c\n" },
    ),
    act: ALL_READS,
  },
  {
    name: "real .git: textconv, diff driver command and diff.external",
    peer: "CVE-2024-32002-style repository config → code execution on diff",
    plant: realRepository((lab) => [["diff.evil.textconv", lab.evil], ["diff.evil.command", lab.evil], ["diff.external", lab.evil]], attributes),
    act: ALL_READS,
  },
  {
    name: "real .git: core.fsmonitor",
    peer: "config write → code execution (Cursor/Cline CVE class)",
    plant: realRepository((lab) => [["core.fsmonitor", lab.evil]]),
    act: ALL_READS,
  },
  {
    name: "real .git: partial clone lazy fetch through core.sshCommand",
    peer: "repository config → code execution / network connection of the model's choice",
    plant: async (lab) => {
      await realRepository((l) => [["core.repositoryformatversion", "1"], ["extensions.partialClone", "origin"], ["remote.origin.url", "ssh://attacker.invalid/x"], ["remote.origin.promisor", "true"], ["core.sshCommand", l.evil]])(lab);
      await fs.writeFile(path.join(lab.ws, ".git", "refs", "heads", "main"), `${MISSING_COMMIT}\n`);
    },
    act: ALL_READS,
  },
  {
    name: "real .git: lazy fetch over file:// with protocol.file.allow=always and a planted upload-pack",
    peer: "repository config re-enables a transport (CVE-2022-39253 class) → code execution",
    plant: async (lab) => {
      await realRepository((l) => [
        ["core.repositoryformatversion", "1"],
        ["extensions.partialClone", "origin"],
        ["remote.origin.url", `file://${l.base}/elsewhere`],
        ["remote.origin.promisor", "true"],
        ["remote.origin.uploadpack", l.evil],
        ["protocol.allow", "always"],
        ["protocol.file.allow", "always"],
      ])(lab);
      await fs.writeFile(path.join(lab.ws, ".git", "refs", "heads", "main"), `${MISSING_COMMIT}\n`);
    },
    act: [tool("git_log"), tool("git_status")],
  },
  {
    name: "real .git: log.showSignature runs gpg.program on a signed commit",
    peer: "repository config → code execution on a read-only log",
    plant: async (lab) => {
      await realRepository(() => [])(lab);
      const tree = git(lab.ws, "rev-parse", "HEAD^{tree}").trim();
      const body = `tree ${tree}\nauthor u <u@x> 0 +0000\ncommitter u <u@x> 0 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n\nsigned\n`;
      await fs.writeFile(path.join(lab.base, "commit.txt"), body);
      const id = git(lab.ws, "hash-object", "-t", "commit", "-w", path.join(lab.base, "commit.txt")).trim();
      git(lab.ws, "update-ref", "refs/heads/main", id);
      git(lab.ws, "config", "log.showSignature", "true");
      git(lab.ws, "config", "gpg.program", lab.evil);
    },
    act: [tool("git_log")],
  },
  {
    name: "real .git: config includes a workspace file that defines a filter",
    peer: "CVE-2024-32002-style repository config (include.path to an agent-writable file)",
    plant: async (lab) => {
      await realRepository(() => [["include.path", "../evil.gitconfig"]], attributes)(lab);
      await fs.writeFile(path.join(lab.ws, "evil.gitconfig"), `[filter "evil"]\n\tclean = ${lab.evil}\n\tsmudge = ${lab.evil}\n`);
    },
    act: ALL_READS,
  },
  {
    name: "real .git: hooks (core.hooksPath into the workspace) and commit signing on an approved git_commit",
    peer: "config write → code execution (Cursor/Cline CVE class): the person approves a commit, not a program",
    plant: async (lab) => {
      await realRepository((l) => [["core.hooksPath", ".husky"], ["commit.gpgSign", "true"], ["gpg.program", l.evil]])(lab);
      await fs.mkdir(path.join(lab.ws, ".husky"));
      await fs.writeFile(path.join(lab.ws, ".husky", "pre-commit"), `#!/bin/sh\n"${lab.evil}"\n`, { mode: 0o755 });
    },
    act: [tool("git_commit", { message: "m" }, true)],
    check: (lab) => assert.match(lab.output.join("\n"), /committed/),
  },
  {
    name: "a .git file (gitfile) at the root is followed, its repository's filters and fsmonitor stay off",
    peer: "CVE-2024-32002-style repository config (a worktree's gitfile names the repository)",
    plant: async (lab) => {
      const elsewhere = path.join(lab.base, "elsewhere");
      await fs.mkdir(elsewhere);
      git(elsewhere, "init", "-q", "-b", "main");
      await fs.writeFile(path.join(elsewhere, "a.txt"), "one\n");
      await fs.writeFile(path.join(elsewhere, ".gitattributes"), attributes[".gitattributes"]);
      git(elsewhere, "add", "-A");
      git(elsewhere, "commit", "-q", "-m", "first");
      git(elsewhere, "worktree", "add", "-q", lab.ws);
      for (const [key, value] of [...filterConfig(lab), ["core.fsmonitor", lab.evil]]) git(elsewhere, "config", key!, value!);
      await fs.writeFile(path.join(lab.ws, "a.txt"), "two\n");
    },
    act: ALL_READS,
    check: (lab) => assert.match(lab.output[0] ?? "", /a\.txt/, "the worktree's repository is used"),
  },
  // Item 4: git through run_command.
  {
    name: "default rules: `git status` through run_command is no longer allowed without asking",
    peer: "allow-listed command runs repository config (Cursor/Cline allow-list CVE class)",
    profile: "full",
    plant: realRepository((lab) => [["core.fsmonitor", lab.evil]]),
    act: [tool("run_command", { command: "git status" }), tool("run_command", { command: "git diff" }), tool("run_command", { command: "git log" })],
    check: (lab) => assert.ok(lab.decisions.every((d) => /: ask$/.test(d)), lab.decisions.join("; ")),
  },
  {
    name: "approved `git status` in a planted git directory: the bare repository is refused",
    peer: "CVE-2022-24765 class (unexpected gitdir) → core.fsmonitor code execution",
    plant: plantOnDisk(plantedGitDir(worktreeConfig)),
    act: [approvedCommand("git status"), approvedCommand("git log -n1")],
  },
  {
    name: "approved `git log` in a planted bare git directory (no work tree claimed): no lazy fetch",
    peer: "CVE-2022-24765 class (unexpected gitdir) → lazy fetch runs core.sshCommand",
    plant: plantOnDisk(plantedGitDir(lazyFetchConfig)),
    act: [approvedCommand("git log -n1"), approvedCommand("git cat-file -p HEAD")],
  },
  {
    name: "approved `git status` with a real .git/config naming core.fsmonitor",
    peer: "config write → code execution (Cursor/Cline CVE class)",
    plant: realRepository((lab) => [["core.fsmonitor", lab.evil]]),
    act: [approvedCommand("git status")],
  },
  {
    name: "approved `git commit` with hooks in an agent-writable folder (core.hooksPath=.husky)",
    peer: "config write → code execution (Cursor/Cline CVE class)",
    plant: async (lab) => {
      await realRepository(() => [["core.hooksPath", ".husky"]])(lab);
      await fs.mkdir(path.join(lab.ws, ".husky"));
      await fs.writeFile(path.join(lab.ws, ".husky", "pre-commit"), `#!/bin/sh\n"${lab.evil}"\n`, { mode: 0o755 });
    },
    act: [approvedCommand("git commit -q -am m")],
  },
];

describe("Pincer's git calls against hostile repositories (security table)", function () {
  this.timeout(60_000);
  let root: string;
  let count = 0;

  before(async function () {
    if (!hasGit()) {
      console.warn("    skipped: git is not installed");
      this.skip();
    }
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-git-sec-")));
  });

  after(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(`${row.name} [${row.peer}]`, async () => {
      const base = path.join(root, `lab-${++count}`);
      const lab: Lab = {
        base,
        ws: path.join(base, "ws"),
        outside: path.join(base, "outside"),
        evil: path.join(base, "evil.sh"),
        marker: path.join(base, "marker"),
        profile: row.profile ?? "edit",
        decisions: [],
        output: [],
      };
      await fs.mkdir(lab.ws, { recursive: true });
      await fs.mkdir(lab.outside);
      await fs.writeFile(path.join(lab.outside, "outside-secret-name.txt"), "x\n");
      await fs.writeFile(lab.evil, `#!/bin/sh\necho "$0 $*" >> "${lab.marker}"\n`, { mode: 0o755 });
      await row.plant(lab);
      // Planting must not have run anything either; if the set-up itself ran git on it, start clean.
      await fs.rm(lab.marker, { force: true });
      for (const step of row.act) await step(lab);
      const ran = existsSync(lab.marker) ? await fs.readFile(lab.marker, "utf8") : "";
      assert.equal(ran, "", `a program named by repository config ran:\n${ran}\noutputs:\n${lab.output.join("\n---\n")}`);
      row.check?.(lab);
    });
  }
});
