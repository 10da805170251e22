// Workspace instructions for the chat: AGENTS.md and .pincer/rules/*.md in each workspace folder.
// Read through the workspace confinement, so a rules file that links outside the workspace is refused.
import { promises as fs } from "node:fs";
import path from "node:path";
import type { WorkspaceRoots } from "../platform/workspace-paths";

export interface RuleFile {
  /** Workspace-relative path, forward slashes. */
  path: string;
  text: string;
}

/** Rules files larger than this are refused whole rather than cut (the user is told). */
const MAX_RULE_BYTES = 64 * 1024;

export async function loadRules(roots: WorkspaceRoots, warn: (message: string) => void = () => undefined): Promise<RuleFile[]> {
  const rules: RuleFile[] = [];
  for (const root of roots.roots) {
    const candidates = ["AGENTS.md"];
    const rulesDir = await roots.resolveInside(path.join(root.path, ".pincer", "rules"));
    if (rulesDir.ok) {
      const names = await fs.readdir(rulesDir.path).catch(() => [] as string[]);
      candidates.push(...names.filter((n) => n.toLowerCase().endsWith(".md")).sort().map((n) => path.join(".pincer", "rules", n)));
    }
    for (const relative of candidates) {
      const resolved = await roots.resolveInside(path.join(root.path, relative));
      if (!resolved.ok) {
        if (!/no such file/.test(resolved.reason)) warn(`Rules file ${relative} skipped: ${resolved.reason}.`);
        continue;
      }
      const stat = await fs.stat(resolved.path).catch(() => undefined);
      if (!stat?.isFile()) continue;
      if (stat.size > MAX_RULE_BYTES) {
        warn(`Rules file ${relative} skipped: larger than ${MAX_RULE_BYTES / 1024} KiB.`);
        continue;
      }
      const text = (await fs.readFile(resolved.path, "utf8")).trim();
      if (text) rules.push({ path: resolved.relative.split(path.sep).join("/"), text });
    }
  }
  return rules;
}
