// Approvals of workspace MCP servers, pinned to the exact entry the person saw (command, args, cwd,
// environment names, URL, header names): a repository that swaps an approved entry for another
// program gets asked about again (the Cursor "MCPoison" and Cline class of bugs). Kept in Pincer's
// storage, never inside a workspace folder, where the agent or the repository could write it.
import { createHash } from "node:crypto";
import path from "node:path";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { McpPinnedEntry } from "../protocol/mcp";
import { JsonMapFile } from "../store/json-store";
import { changedFields } from "./mcp-config";

export type McpApprovalState = { approved: true } | { approved: false; changed?: string[] };

export class McpApprovalStore {
  private readonly file: JsonMapFile<McpPinnedEntry>;
  readonly location: string;

  constructor(storageDir: string) {
    this.location = path.join(storageDir, "mcp-approvals.json");
    this.file = new JsonMapFile<McpPinnedEntry>(this.location);
  }

  /** Whether this exact entry of this folder was approved; `changed` names what differs from the last approval. */
  async state(folder: string, entry: McpPinnedEntry, roots: WorkspaceRoots | undefined): Promise<McpApprovalState> {
    if (await this.insideWorkspace(roots)) return { approved: false };
    const before = await this.file.get(keyFor(folder, entry.name)).catch(() => undefined);
    if (!before) return { approved: false };
    const changed = changedFields(before, entry);
    return changed.length === 0 ? { approved: true } : { approved: false, changed };
  }

  async approve(folder: string, entry: McpPinnedEntry, roots: WorkspaceRoots | undefined): Promise<void> {
    const inside = await this.insideWorkspace(roots);
    if (inside) throw new Error(`the MCP approval store ${this.location} is inside the workspace folder ${inside}; refusing to keep approvals there`);
    await this.file.set(keyFor(folder, entry.name), entry);
  }

  private async insideWorkspace(roots: WorkspaceRoots | undefined): Promise<string | undefined> {
    return (await roots?.rootContaining(this.location))?.folder;
  }
}

function keyFor(folder: string, name: string): string {
  return `${createHash("sha256").update(path.resolve(folder)).digest("hex").slice(0, 24)}:${name}`;
}
