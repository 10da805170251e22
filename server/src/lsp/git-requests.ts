// pincer/git/commitMessage and pincer/git/summarizeChanges: the model reads a workspace folder's git diff
// (git/git-changes.ts: pinned, hardened git) and answers with a commit message or a summary.
import { PincerError } from "../platform/errors";
import type { CancellationToken, Connection } from "vscode-languageserver";
import { chatActionModel } from "../actions/action-model";
import { chatModelFor } from "../remote/role-models";
import { commitMessagePrompt, summarizeChangesPrompt } from "../actions/action-prompts";
import { extractCode } from "../actions/extract-code";
import { stagedDiff, uncommittedDiff, type DiffText } from "../git/git-changes";
import { CommitMessageRequest, SummarizeChangesRequest, type GitTextParams, type GitTextResult } from "../protocol";
import type { ServerContext } from "./context";
import { withGenerationProgress } from "./generation-progress";

export function registerGitRequests(connection: Connection, context: ServerContext): void {
  const handle =
    (title: string, read: (folder: string, signal: AbortSignal) => Promise<DiffText>, prompt: (diff: string) => string, clean: (answer: string) => string) =>
    (params: GitTextParams, token: CancellationToken) =>
      withGenerationProgress(connection, title, token, async (signal): Promise<GitTextResult> => {
        context.trust.require("git");
        const diff = await read(await workspaceFolder(context, params.folder), signal);
        const model = chatActionModel(await chatModelFor(context.settings(), context.remote, (s) => context.host.requireEngine(s), signal));
        const answer = await model.answer(prompt(diff.diff), { signal });
        return { text: clean(answer.text), truncated: diff.truncated };
      });
  connection.onRequest(CommitMessageRequest, handle("Pincer: Generate Commit Message", (f, signal) => stagedDiff(f, { signal }), commitMessagePrompt, (a) => extractCode(a).trim()));
  connection.onRequest(SummarizeChangesRequest, handle("Pincer: Summarize Uncommitted Changes", (f, signal) => uncommittedDiff(f, { signal }), summarizeChangesPrompt, (a) => a.trim()));
}

/** Git runs only in an open workspace folder itself (after realpath), never in a path the client names. */
async function workspaceFolder(context: ServerContext, requested: string): Promise<string> {
  const resolved = await (await context.roots()).resolveInside(requested);
  if (!resolved.ok || resolved.relative !== "") throw new PincerError(`${requested} is not an open workspace folder${resolved.ok ? "" : ` (${resolved.reason})`}.`, "invalid-params");
  return resolved.path;
}
