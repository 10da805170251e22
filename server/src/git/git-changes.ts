// The diffs the commit-message and summary commands read, via simple-git in one workspace folder.
// Large diffs are cut at a character budget and the cut is said in the text the model sees.
import { workspaceGit } from "./workspace-git";

export class GitUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitUnavailableError";
  }
}

export interface DiffText {
  diff: string;
  truncated: boolean;
}

const DEFAULT_BUDGET = 12_000;

/** `git diff --staged` of the repository holding `folder`; throws GitUnavailableError when there is nothing to use. */
export async function stagedDiff(folder: string, options: { signal?: AbortSignal; maxChars?: number } = {}): Promise<DiffText> {
  const git = await repository(folder, options.signal);
  const diff = await git.diff(["--staged", "--no-color", "--no-ext-diff"]);
  if (diff.trim() === "") throw new GitUnavailableError("Nothing is staged. Stage changes first (git add), then generate the message.");
  return cut(diff, options.maxChars ?? DEFAULT_BUDGET);
}

/** Staged and unstaged changes against HEAD, plus the names of untracked files. */
export async function uncommittedDiff(folder: string, options: { signal?: AbortSignal; maxChars?: number } = {}): Promise<DiffText> {
  const git = await repository(folder, options.signal);
  // A repository without commits has no HEAD to compare with; then everything staged is the change.
  const diff = await git.diff(["HEAD", "--no-color", "--no-ext-diff", "--"]).catch(async (error: unknown) => {
    if (options.signal?.aborted) throw error;
    return git.diff(["--staged", "--no-color", "--no-ext-diff"]);
  });
  const status = await git.status();
  const untracked = status.not_added.length ? `\nUntracked files:\n${status.not_added.map((f) => `  ${f}`).join("\n")}\n` : "";
  if (diff.trim() === "" && untracked === "") throw new GitUnavailableError("There are no uncommitted changes.");
  return cut(diff + untracked, options.maxChars ?? DEFAULT_BUDGET);
}

async function repository(folder: string, signal: AbortSignal | undefined) {
  const git = workspaceGit(folder, signal);
  const inside = await git.checkIsRepo().catch(() => false);
  if (!inside) throw new GitUnavailableError(`${folder} is not inside a git repository.`);
  return git;
}

function cut(diff: string, maxChars: number): DiffText {
  if (diff.length <= maxChars) return { diff, truncated: false };
  const end = diff.lastIndexOf("\n", maxChars);
  return { diff: `${diff.slice(0, end > 0 ? end : maxChars)}\n… (diff cut here: ${diff.length - maxChars} more characters not shown)\n`, truncated: true };
}
