// The uncommitted changes of each workspace folder, as `git diff HEAD` prints them (simple-git).
// Only for trusted workspaces: git reads the repository's config, which can run programs.
import { workspaceGit } from "../git/workspace-git";

const MAX_DIFF_CHARS = 200_000;

export interface FolderDiff {
  folder: string;
  text: string;
}

export async function uncommittedChanges(folders: readonly string[], signal?: AbortSignal): Promise<FolderDiff[]> {
  const diffs: FolderDiff[] = [];
  for (const folder of folders) {
    signal?.throwIfAborted();
    const git = workspaceGit(folder, signal);
    if (!(await git.checkIsRepo().catch(() => false))) continue;
    // A repository without commits has no HEAD; then the staged and unstaged changes are all there is.
    const hasHead = await git.revparse(["--verify", "HEAD"]).then(
      () => true,
      () => false,
    );
    const text = hasHead ? await git.diff(["HEAD"]) : await git.diff(["--cached"]);
    if (text.trim()) diffs.push({ folder, text: text.length > MAX_DIFF_CHARS ? `${text.slice(0, MAX_DIFF_CHARS)}\n[diff cut at ${MAX_DIFF_CHARS} characters]` : text });
  }
  return diffs;
}
