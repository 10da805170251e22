// Reads the workspace files a document imports by relative path, for completion context. Only
// files inside a workspace folder (WorkspaceRoots.resolveInside: real paths, symlinks) and of modest size are read.
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { grammarForPath } from "../index/grammars";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { ImportReader } from "./context-select";

const EXTENSIONS = ["", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", "/index.ts", "/index.js", ".py", ".h", ".hpp"];
const MAX_BYTES = 256 * 1024;

export function workspaceImportReader(workspaceRoots: () => Promise<WorkspaceRoots>, displayPath: (uri: string) => string): ImportReader {
  return async (specifier, fromUri) => {
    if (!fromUri.startsWith("file:")) return undefined;
    const base = path.resolve(path.dirname(fileURLToPath(fromUri)), specifier);
    const roots = await workspaceRoots();
    const candidates = new Set([...EXTENSIONS.map((ext) => base.replace(/\.(js|mjs|cjs)$/, "") + ext), base]);
    for (const candidate of candidates) {
      const inside = await roots.resolveInside(candidate, { forWrite: false });
      if (!inside.ok) continue;
      const real = inside.path;
      const stat = await fs.stat(real).catch(() => undefined);
      if (!stat?.isFile() || stat.size > MAX_BYTES) continue;
      const languageId = grammarForPath(real);
      if (!languageId) continue;
      const uri = pathToFileURL(real).href;
      return { uri, path: displayPath(uri), languageId, text: await fs.readFile(real, "utf8") };
    }
    return undefined;
  };
}
