// simple-git for a workspace repository, with the two settings that make git run programs on any
// command switched off: core.fsmonitor and the hooks. (Clean/smudge filters and diff drivers named
// by the repository's config still run, so callers also refuse untrusted workspaces.)
import { simpleGit, type SimpleGit } from "simple-git";

export function workspaceGit(baseDir: string, signal?: AbortSignal): SimpleGit {
  return simpleGit({
    baseDir,
    abort: signal,
    maxConcurrentProcesses: 1,
    // Setting these two to harmless values is what the "unsafe" flags permit.
    unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true },
    config: ["core.fsmonitor=false", `core.hooksPath=${process.platform === "win32" ? "NUL" : "/dev/null"}`],
  });
}
