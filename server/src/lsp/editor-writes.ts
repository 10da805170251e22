// The person's writes as VS Code reports them (a document saved; files created, deleted or renamed in the
// explorer or by another extension's workspace edit), recorded in the editor-write journal of the workspace folder
// they are in (agent/editor-writes.ts), so that checkpoints in this server or in a `pincer run` beside it can
// tell them from what an agent command wrote at the same time. The agent's own edits reach the disk through VS Code
// too (apply-edit-writer.ts): those paths are "in flight" while the agent writes them, and their reports are not
// the person's.
import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection, TextDocuments } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { EditorWriteJournal, type EditorWrite, type EditorWriteKind } from "../agent/editor-writes";
import { blobId } from "../agent/shadow-git";
import { WorkspaceRoots } from "../platform/workspace-paths";
import type { ServerContext } from "./context";

/** Saved files bigger than this are recorded without their content's id (they are then always the person's). */
const HASH_LIMIT_BYTES = 50 * 1024 * 1024;

/** Paths the agent is writing through the editor right now (absolute, as the agent's FileWriter names them). */
export class AgentWritesInFlight {
  private readonly counts = new Map<string, number>();

  async during<T>(absolutePaths: readonly string[], work: () => Promise<T>): Promise<T> {
    for (const file of absolutePaths) this.counts.set(file, (this.counts.get(file) ?? 0) + 1);
    try {
      return await work();
    } finally {
      for (const file of absolutePaths) {
        const left = (this.counts.get(file) ?? 1) - 1;
        if (left === 0) this.counts.delete(file);
        else this.counts.set(file, left);
      }
    }
  }

  has(absolutePath: string): boolean {
    return this.counts.has(absolutePath);
  }
}

export function registerEditorWrites(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext, stateDir: () => string, inFlight: AgentWritesInFlight): void {
  // One append after another: the journal is read by other processes line by line.
  let queue: Promise<void> = Promise.resolve();
  const record = (reports: { uri: string; by: EditorWriteKind }[]): void => {
    queue = queue
      .then(() => recordWrites(reports, context, stateDir(), inFlight))
      .catch((error: unknown) => context.log("warn", `Agent: could not record the editor's writes for undo: ${error instanceof Error ? error.message : String(error)}`));
  };
  documents.onDidSave((event) => record([{ uri: event.document.uri, by: "save" }]));
  connection.workspace.onDidCreateFiles((params) => record(uris(params?.files, "uri").map((uri) => ({ uri, by: "create" }))));
  connection.workspace.onDidDeleteFiles((params) => record(uris(params?.files, "uri").map((uri) => ({ uri, by: "delete" }))));
  connection.workspace.onDidRenameFiles((params) => record([...uris(params?.files, "oldUri"), ...uris(params?.files, "newUri")].map((uri) => ({ uri, by: "rename" }))));
}

/** The URIs in a client's file-operation list (a malformed one is skipped: these come from outside). */
function uris(files: unknown, key: "uri" | "oldUri" | "newUri"): string[] {
  if (!Array.isArray(files)) return [];
  return files.flatMap((file: unknown) => {
    const uri = (file as Record<string, unknown> | null)?.[key];
    return typeof uri === "string" ? [uri] : [];
  });
}

async function recordWrites(reports: readonly { uri: string; by: EditorWriteKind }[], context: ServerContext, stateDir: string, inFlight: AgentWritesInFlight): Promise<void> {
  const t = Date.now();
  const folders = context.workspaceFolders();
  if (folders.length === 0) return;
  const roots = await WorkspaceRoots.create([...folders]);
  const perRoot = new Map<string, Omit<EditorWrite, "t">[]>();
  for (const report of reports) {
    if (!report.uri.startsWith("file:")) continue;
    const requested = fileURLToPath(report.uri);
    if (inFlight.has(requested)) continue;
    const absolute = await realLocation(requested);
    if (inFlight.has(absolute)) continue;
    const hash = report.by === "save" ? await contentId(absolute) : undefined;
    for (const root of roots.roots) {
      const relative = path.relative(root.path, absolute);
      if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) continue;
      const writes = perRoot.get(root.path) ?? [];
      writes.push({ path: relative.split(path.sep).join("/"), by: report.by, ...(hash ? { hash } : {}) });
      perRoot.set(root.path, writes);
    }
  }
  for (const [root, writes] of perRoot) await new EditorWriteJournal(stateDir, root).record(writes, t);
}

/** The real path of a file, or of its folder plus its name when it is gone (deleted, renamed away). */
async function realLocation(file: string): Promise<string> {
  const real = await fs.realpath(file).catch(() => undefined);
  if (real) return real;
  const folder = await fs.realpath(path.dirname(file)).catch(() => path.dirname(file));
  return path.join(folder, path.basename(file));
}

async function contentId(file: string): Promise<string | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat?.isFile() || stat.size > HASH_LIMIT_BYTES) return undefined;
  return blobId(await fs.readFile(file));
}
