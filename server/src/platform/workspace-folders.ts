// The workspace folders while the server runs, with one owner: set at initialize and changed by
// workspace/didChangeWorkspaceFolders. Every feature that decides confinement asks it at call time,
// so a folder added later is used at once and a removed one is refused at once, also by an agent
// run in progress: its tools, gate, commands and checkpoints check against the same live roots.
import path from "node:path";
import { WorkspaceRoots, type WorkspaceRoot } from "./workspace-paths";

export class WorkspaceFolders {
  private folders: readonly string[] = [];
  private resolved: readonly WorkspaceRoot[] = [];
  private settled: Promise<void> = Promise.resolve();
  /** Checks against the folders as they are when each check starts. */
  private readonly live = WorkspaceRoots.live(() => this.resolved);

  /** The folders as the editor named them. */
  paths(): readonly string[] {
    return this.folders;
  }

  /** The live roots, once every change so far is resolved. */
  async roots(): Promise<WorkspaceRoots> {
    await this.settled;
    return this.live;
  }

  set(folders: readonly string[]): Promise<void> {
    this.folders = unique(folders);
    return this.refresh();
  }

  change(added: readonly string[], removed: readonly string[]): Promise<void> {
    const gone = new Set(removed.map((folder) => path.resolve(folder)));
    // A removed folder is refused now, not once the new list is resolved.
    this.resolved = this.resolved.filter((root) => !gone.has(path.resolve(root.folder)));
    this.folders = unique([...this.folders.filter((folder) => !gone.has(path.resolve(folder))), ...added]);
    return this.refresh();
  }

  private refresh(): Promise<void> {
    const folders = this.folders;
    this.settled = this.settled
      .then(() => WorkspaceRoots.resolve(folders))
      .then((resolved) => {
        // A newer change started meanwhile: its own refresh sets the roots.
        if (this.folders === folders) this.resolved = resolved;
      });
    return this.settled;
  }
}

function unique(folders: readonly string[]): string[] {
  const seen = new Set<string>();
  return folders.filter((folder) => {
    const key = path.resolve(folder);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
