// The diffs the commit-message and summary commands read, from a workspace folder's own repository
// (workspace-git.ts: pinned, no program from the repository's config runs). Large diffs are cut at a
// character budget and the cut is said in the text the model sees.
import { PincerError } from "../platform/errors";
import { GitCommandError, WorkspaceGit } from "./workspace-git";

export class GitUnavailableError extends PincerError {
  override name = "GitUnavailableError";
  constructor(message: string) {
    super(message, "not-available");
  }
}

export interface DiffText {
  diff: string;
  truncated: boolean;
}

const DEFAULT_BUDGET = 12_000;

// stagedDiff, uncommittedDiff (and chat/git-diff.ts's uncommittedChanges) keep an optional signal: the
// frozen security suite (workspace-git.security.test.ts) calls them without one. Every feature passes one.

/** `git diff --staged` of the repository holding `folder`; throws GitUnavailableError when there is nothing to use. */
export async function stagedDiff(folder: string, options: { signal?: AbortSignal; maxChars?: number } = {}): Promise<DiffText> {
  const git = await repository(folder, options.signal);
  const diff = await git.run(["diff", "--staged", ...DIFF_OPTIONS]);
  if (diff.trim() === "") throw new GitUnavailableError("Nothing is staged. Stage changes first (git add), then generate the message.");
  return cut(diff, options.maxChars ?? DEFAULT_BUDGET);
}

/** Staged and unstaged changes against HEAD, plus the names of untracked files. */
export async function uncommittedDiff(folder: string, options: { signal?: AbortSignal; maxChars?: number } = {}): Promise<DiffText> {
  const git = await repository(folder, options.signal);
  // A repository without commits has no HEAD to compare with; then everything staged is the change.
  const diff = await git.run(["diff", "HEAD", ...DIFF_OPTIONS, "--"]).catch(async (error: unknown) => {
    if (options.signal?.aborted) throw error;
    return git.run(["diff", "--staged", ...DIFF_OPTIONS]);
  });
  const names = untrackedNames(await git.run(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignore-submodules=all"]));
  const untracked = names.length ? `\nUntracked files:\n${names.map((f) => `  ${f}`).join("\n")}\n` : "";
  if (diff.trim() === "" && untracked === "") throw new GitUnavailableError("There are no uncommitted changes.");
  return cut(diff + untracked, options.maxChars ?? DEFAULT_BUDGET);
}

/** Plain text diffs: no external diff program, no textconv filter, no submodule descent. */
const DIFF_OPTIONS = ["--no-color", "--no-ext-diff", "--no-textconv", "--ignore-submodules=all"];

async function repository(folder: string, signal = new AbortController().signal): Promise<WorkspaceGit> {
  let git: WorkspaceGit | undefined;
  try {
    git = await WorkspaceGit.open(folder, signal);
  } catch (error) {
    if (error instanceof GitCommandError) throw new GitUnavailableError(`${folder}: ${error.message}`);
    throw error;
  }
  if (!git) throw new GitUnavailableError(`${folder} has no git repository of its own (Pincer uses only a .git directly in the workspace folder).`);
  return git;
}

/** Untracked paths from `git status --porcelain=v1 -z` ("?? path" entries; a rename's second path is skipped). */
function untrackedNames(status: string): string[] {
  const names: string[] = [];
  const entries = status.split("\0");
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.startsWith("?? ")) names.push(entry.slice(3));
    else if (/^[RC]/.test(entry)) i++;
  }
  return names;
}

function cut(diff: string, maxChars: number): DiffText {
  if (diff.length <= maxChars) return { diff, truncated: false };
  const end = diff.lastIndexOf("\n", maxChars);
  return { diff: `${diff.slice(0, end > 0 ? end : maxChars)}\n… (diff cut here: ${diff.length - maxChars} more characters not shown)\n`, truncated: true };
}
