// The uncommitted changes of each workspace folder, as `git diff HEAD` prints them, from the
// folder's own repository (git/workspace-git.ts: pinned, no program from its config runs).
// Only for trusted workspaces (the LSP handler checks).
import { WorkspaceGit } from "../git/workspace-git";

const MAX_DIFF_CHARS = 200_000;
const DIFF_OPTIONS = ["--no-color", "--no-ext-diff", "--no-textconv", "--ignore-submodules=all"];

export interface FolderDiff {
  folder: string;
  text: string;
}

export async function uncommittedChanges(folders: readonly string[], signal?: AbortSignal): Promise<FolderDiff[]> {
  const diffs: FolderDiff[] = [];
  for (const folder of folders) {
    signal?.throwIfAborted();
    // A folder without a readable repository of its own has nothing to offer here.
    const git = await WorkspaceGit.open(folder, signal ?? new AbortController().signal).catch((error: unknown) => {
      if (signal?.aborted) throw error;
      return undefined;
    });
    if (!git) continue;
    // A repository without commits has no HEAD; then the staged changes are all there is.
    const hasHead = await git.run(["rev-parse", "--verify", "--quiet", "HEAD"]).then(
      () => true,
      () => false,
    );
    const text = await git.run(["diff", hasHead ? "HEAD" : "--cached", ...DIFF_OPTIONS]);
    if (text.trim()) diffs.push({ folder, text: text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters]` : text });
  }
  return diffs;
}
