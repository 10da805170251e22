// Workspace Trust with one owner: the client reports it (initialize, then pincer/workspace/setTrust)
// and every feature asks here. Restricted Mode (an untrusted workspace) keeps Pincer read-only: no
// edits, no git (a repository's config can name programs git runs), no undo, and the agent runs
// with the read-only profile. Each refusal says the same thing wherever it is met.
import { RestrictedModeError } from "./errors";

/** What Restricted Mode refuses, and how the refusal reads. */
const REFUSALS = {
  edit: "Restricted Mode: Pincer does not edit files in an untrusted workspace. Trust the workspace to use this action.",
  git: "Restricted Mode: git is not run in an untrusted workspace (the repository's config can name programs git runs).",
  undo: "Restricted Mode: undo writes files, so it is not available in an untrusted workspace.",
} as const;

export type RestrictedAction = keyof typeof REFUSALS;

export class WorkspaceTrust {
  constructor(private current = false) {}

  get trusted(): boolean {
    return this.current;
  }

  set(trusted: boolean): void {
    this.current = trusted;
  }

  /** Throws the refusal of `action` in Restricted Mode. */
  require(action: RestrictedAction): void {
    if (!this.current) throw new RestrictedModeError(REFUSALS[action]);
  }
}
