// git_status, git_diff, git_log, git_commit on the workspace's own repository (simple-git).
// Repository config can run programs (core.fsmonitor on every status, diff drivers and textconv on
// diff, hooks on commit, clean filters): fsmonitor, hooks, drivers and textconv are off, and the gate
// refuses these tools in an untrusted workspace (runsRepositoryConfig), where filters could still run.
// git_commit writes into .git, a protected path: it always asks.
import type { SimpleGit } from "simple-git";
import { workspaceGit } from "../../git/workspace-git";
import type { ToolContext, ToolDefinition } from "../tool-types";
import { displayPath, guarded, optionalBool, optionalInt, optionalString, resolvePath, stringArg, ToolArgumentError } from "./tool-support";

const MAX_OUTPUT = 20_000;

function gitFor(context: ToolContext): SimpleGit {
  const root = context.roots.roots[0];
  if (!root) throw new ToolArgumentError("no workspace folder is open");
  return workspaceGit(root.path, context.signal);
}

function bounded(text: string): string {
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n[... ${text.length - MAX_OUTPUT} characters omitted; narrow it with path]` : text;
}

async function notARepository(git: SimpleGit): Promise<boolean> {
  return !(await git.checkIsRepo().catch(() => false));
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
      guarded(async () => {
        const git = gitFor(context);
        if (await notARepository(git)) return { ok: false, observation: "the workspace is not a git repository" };
        return { ok: true, observation: bounded((await git.raw(["status", "--short", "--branch"])).trimEnd() || "clean") };
      }),
  };
}

export function gitDiffTool(): ToolDefinition {
  return {
    name: "git_diff",
    description: "Show uncommitted changes (staged with staged=true).",
    parameters: { type: "object", properties: { path: { type: "string" }, staged: { type: "boolean" } } },
    effect: "read",
    runsRepositoryConfig: true,
    targets: (args) => ({ paths: [optionalString(args, "path") ?? "."] }),
    run: (args, context) =>
      guarded(async () => {
        const git = gitFor(context);
        if (await notARepository(git)) return { ok: false, observation: "the workspace is not a git repository" };
        const target = await resolvePath(context, optionalString(args, "path") ?? ".");
        const argv = ["diff", "--no-ext-diff", "--no-textconv", "--no-color"];
        if (optionalBool(args, "staged")) argv.push("--cached");
        argv.push("--", target.path);
        const diff = (await git.raw(argv)).trimEnd();
        return { ok: true, observation: diff ? bounded(diff) : `no changes in ${displayPath(target)}` };
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
      guarded(async () => {
        const git = gitFor(context);
        if (await notARepository(git)) return { ok: false, observation: "the workspace is not a git repository" };
        const count = optionalInt(args, "count", 1, 50) ?? 10;
        const log = await git.raw(["log", "--no-color", "--no-decorate", `-n${count}`, "--format=%h %ad %an: %s", "--date=short"]).catch((error: Error) => {
          if (/does not have any commits/.test(error.message)) return "";
          throw error;
        });
        return { ok: true, observation: log.trimEnd() || "no commits yet" };
      }),
  };
}

export function gitCommitTool(): ToolDefinition {
  return {
    name: "git_commit",
    description: "Stage all changes and commit them with a message.",
    parameters: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
    effect: "edit",
    runsRepositoryConfig: true,
    // Writing .git is protected: the gate always asks before a commit.
    targets: () => ({ paths: [".git"] }),
    run: (args, context) =>
      guarded(async () => {
        const message = stringArg(args, "message").trim();
        if (message === "") throw new ToolArgumentError("the commit message is empty");
        const git = gitFor(context);
        if (await notARepository(git)) return { ok: false, observation: "the workspace is not a git repository" };
        await git.raw(["add", "-A"]);
        const status = await git.raw(["status", "--porcelain"]);
        if (status.trim() === "") return { ok: false, observation: "nothing to commit" };
        const result = await git.commit(message);
        return { ok: true, observation: `committed ${result.commit || "(no id)"}: ${result.summary.changes} file(s) changed` };
      }),
  };
}
