// git_status, git_diff, git_log, git_commit on the workspace folder's own repository, through
// git/workspace-git.ts: only the .git directly at the folder's root is used (never a repository git
// would discover, never a planted bare one), the work tree is the folder, and every program the
// repository's config names (fsmonitor, filters, diff drivers, textconv, gpg, hooks, ssh for a lazy
// fetch) is switched off. The gate still refuses these tools in an untrusted workspace
// (runsRepositoryConfig). git_commit writes into .git, a protected path: it always asks.
import { NOT_A_REPOSITORY, WorkspaceGit } from "../../git/workspace-git";
import type { ToolContext, ToolDefinition, ToolOutcome } from "../tool-types";
import { displayPath, guarded, optionalBool, optionalInt, optionalString, PATH_CHARS, resolvePath, stringArg, TEXT_CHARS, ToolArgumentError } from "./tool-support";

const MAX_OUTPUT = 20_000;

/** Runs `body` with the workspace's repository, or answers that there is none. */
async function withGit(context: ToolContext, body: (git: WorkspaceGit) => Promise<ToolOutcome>): Promise<ToolOutcome> {
  const root = context.roots.roots[0];
  if (!root) throw new ToolArgumentError("no workspace folder is open");
  const git = await WorkspaceGit.open(root.path, context.signal);
  if (!git) return { ok: false, observation: NOT_A_REPOSITORY };
  return body(git);
}

function bounded(text: string): string {
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n[... ${text.length - MAX_OUTPUT} characters omitted; narrow it with path]` : text;
}

export function gitStatusTool(): ToolDefinition {
  return {
    name: "git_status",
    description: "Show the git branch and changed files.",
    parameters: { type: "object", properties: {} },
    effect: "read",
    runsRepositoryConfig: true,
    targets: () => ({ paths: [] }),
    run: (_args, context) =>
      guarded(() =>
        withGit(context, async (git) => ({
          ok: true,
          observation: bounded((await git.run(["status", "--short", "--branch", "--ignore-submodules=all"])).trimEnd() || "clean"),
        })),
      ),
  };
}

export function gitDiffTool(): ToolDefinition {
  return {
    name: "git_diff",
    description: "Show uncommitted changes (staged with staged=true).",
    parameters: { type: "object", properties: { path: { type: "string", maxLength: PATH_CHARS }, staged: { type: "boolean" } } },
    effect: "read",
    runsRepositoryConfig: true,
    targets: (args) => ({ paths: [optionalString(args, "path") ?? "."] }),
    run: (args, context) =>
      guarded(async () => {
        const target = await resolvePath(context, optionalString(args, "path") ?? ".");
        return withGit(context, async (git) => {
          const argv = ["diff", "--no-ext-diff", "--no-textconv", "--no-color", "--ignore-submodules=all"];
          if (optionalBool(args, "staged")) argv.push("--cached");
          argv.push("--", target.path);
          const diff = (await git.run(argv)).trimEnd();
          return { ok: true, observation: diff ? bounded(diff) : `no changes in ${displayPath(target)}` };
        });
      }),
  };
}

export function gitLogTool(): ToolDefinition {
  return {
    name: "git_log",
    description: "Show recent commits.",
    parameters: { type: "object", properties: { count: { type: "integer", minimum: 1, maximum: 50 } } },
    effect: "read",
    runsRepositoryConfig: true,
    targets: () => ({ paths: [] }),
    run: (args, context) =>
      guarded(() =>
        withGit(context, async (git) => {
          const count = optionalInt(args, "count", 1, 50) ?? 10;
          const log = await git.run(["log", "--no-color", "--no-decorate", "--no-show-signature", `-n${count}`, "--format=%h %ad %an: %s", "--date=short"]).catch((error: Error) => {
            if (/does not have any commits/.test(error.message)) return "";
            throw error;
          });
          return { ok: true, observation: log.trimEnd() || "no commits yet" };
        }),
      ),
  };
}

export function gitCommitTool(): ToolDefinition {
  return {
    name: "git_commit",
    description: "Stage all changes and commit them with a message.",
    parameters: { type: "object", properties: { message: { type: "string", maxLength: TEXT_CHARS } }, required: ["message"] },
    effect: "edit",
    runsRepositoryConfig: true,
    // Writing .git is protected: the gate always asks before a commit.
    targets: () => ({ paths: [".git"] }),
    run: (args, context) =>
      guarded(async () => {
        const message = stringArg(args, "message").trim();
        if (message === "") throw new ToolArgumentError("the commit message is empty");
        return withGit(context, async (git) => {
          await git.run(["add", "-A"]);
          const status = await git.run(["status", "--porcelain", "--ignore-submodules=all"]);
          if (status.trim() === "") return { ok: false, observation: "nothing to commit" };
          // The message on stdin: never an argument git could read as an option.
          await git.run(["commit", "--quiet", "--no-verify", "--no-gpg-sign", "--file=-"], { input: message });
          const id = (await git.run(["rev-parse", "--short", "HEAD"])).trim();
          const changed = (await git.run(["diff-tree", "--root", "--no-commit-id", "--name-only", "-r", "-z", "HEAD"])).split("\0").filter(Boolean).length;
          return { ok: true, observation: `committed ${id}: ${changed} file(s) changed` };
        });
      }),
  };
}
