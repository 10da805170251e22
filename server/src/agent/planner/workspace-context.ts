// A few lines about the workspace for the start of the conversation: each folder's name and its
// top-level entries. Cheap, stable for the run (so it stays in the KV cache) and enough for a
// model to know where to look first; it lists names only, never file contents.
import { promises as fs } from "node:fs";
import path from "node:path";
import type { WorkspaceRoots } from "../../platform/workspace-paths";

const MAX_ENTRIES = 40;
const HIDDEN = new Set([".git", "node_modules", ".hg", ".svn"]);

export async function describeWorkspace(roots: WorkspaceRoots): Promise<string> {
  const lines: string[] = [];
  for (const root of roots.roots) {
    const entries = await fs.readdir(root.path, { withFileTypes: true }).catch(() => []);
    const names = entries
      .filter((entry) => !HIDDEN.has(entry.name))
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name))
      .sort();
    const shown = names.slice(0, MAX_ENTRIES).join(" ");
    const more = names.length > MAX_ENTRIES ? ` (+${names.length - MAX_ENTRIES} more)` : "";
    lines.push(`${path.basename(root.path)}/: ${shown || "(empty)"}${more}`);
  }
  return lines.join("\n");
}
