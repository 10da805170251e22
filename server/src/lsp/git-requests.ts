// pincer/commitMessage and pincer/summarizeChanges: the model reads a workspace folder's git diff
// (git/git-changes.ts: pinned, hardened git) and answers with a commit message or a summary.
import { ErrorCodes, ResponseError, type CancellationToken, type Connection } from "vscode-languageserver";
import { engineActionModel } from "../actions/action-model";
import { commitMessagePrompt, summarizeChangesPrompt } from "../actions/action-prompts";
import { extractCode } from "../actions/extract-code";
import { GitUnavailableError, stagedDiff, uncommittedDiff, type DiffText } from "../git/git-changes";
import { CommitMessageRequest, SummarizeChangesRequest, type GitTextParams, type GitTextResult } from "../protocol";
import type { ServerContext } from "./context";
import { withGenerationProgress } from "./generation-progress";

export function registerGitRequests(connection: Connection, context: ServerContext): void {
  const handle =
    (title: string, read: (folder: string, signal: AbortSignal) => Promise<DiffText>, prompt: (diff: string) => string, clean: (answer: string) => string) =>
    (params: GitTextParams, token: CancellationToken) =>
      withGenerationProgress(connection, title, token, async (signal): Promise<GitTextResult> => {
        if (!context.trusted()) throw new ResponseError(ErrorCodes.InvalidRequest, "Restricted Mode: git is not run in an untrusted workspace (the repository's config can name programs git runs).");
        const folder = await workspaceFolder(context, params?.folder);
        let diff: DiffText;
        try {
          diff = await read(folder, signal);
        } catch (error) {
          if (error instanceof GitUnavailableError) throw new ResponseError(ErrorCodes.InvalidRequest, error.message);
          throw error;
        }
        const model = engineActionModel(await context.host.requireEngine());
        const answer = await model.answer(prompt(diff.diff), { signal });
        return { text: clean(answer.text), truncated: diff.truncated };
      });
  connection.onRequest(CommitMessageRequest, handle("Pincer: Generate Commit Message", (f, signal) => stagedDiff(f, { signal }), commitMessagePrompt, (a) => extractCode(a).trim()));
  connection.onRequest(SummarizeChangesRequest, handle("Pincer: Summarize Uncommitted Changes", (f, signal) => uncommittedDiff(f, { signal }), summarizeChangesPrompt, (a) => a.trim()));
}

/** Git runs only in an open workspace folder itself (after realpath), never in a path the client names. */
async function workspaceFolder(context: ServerContext, requested: unknown): Promise<string> {
  if (typeof requested !== "string" || requested === "") throw new ResponseError(ErrorCodes.InvalidParams, "A workspace folder is required.");
  const resolved = await (await context.roots()).resolveInside(requested);
  if (!resolved.ok || resolved.relative !== "") throw new ResponseError(ErrorCodes.InvalidParams, `${requested} is not an open workspace folder${resolved.ok ? "" : ` (${resolved.reason})`}.`);
  return resolved.path;
}
