// The agent's FileWriter in VS Code: every write, delete and rename is a workspace/applyEdit, so it
// shows in open editors and in their undo stack. The tools and checkpoints read the disk, so after
// an edit the client is asked to save the touched documents (pincer/agent/save), and the disk is
// then checked; if the client could not save (no document, save refused), the content is written
// atomically so the disk is never behind what the agent was told. VS Code does the write itself, so the
// path is checked before (no symlink swapped in, no hard-linked file an in-place save would write through)
// and after (the saved file is read back through confined-fs).
import { promises as fs } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Connection, WorkspaceEdit } from "vscode-languageserver";
import type { FileWriter } from "../agent/tool-types";
import { readFileConfined, verifyFolder, writeFileConfined } from "../platform/confined-fs";
import { AgentSaveRequest, type AgentSaveParams } from "../protocol";
import { AgentWritesInFlight } from "./editor-writes";

/** The last line any document can have: VS Code clamps a range to the document, so this means "to the end". */
const END = { line: 2 ** 31 - 1, character: 0 };

export class ApplyEditWriter implements FileWriter {
  /** Per document: the text the agent's last write replaced. */
  private readonly replacedText = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly warn: (message: string) => void,
    private readonly openDocumentText: (uri: string) => string | undefined = () => undefined,
    /** While the agent writes a path through the editor, the editor's reports of it are the agent's, not the person's. */
    private readonly inFlight: AgentWritesInFlight = new AgentWritesInFlight(),
  ) {}

  write(absolutePath: string, content: string, signal: AbortSignal): Promise<void> {
    return this.inFlight.during([absolutePath], () => this.writeNow(absolutePath, content, signal));
  }

  delete(absolutePath: string, signal: AbortSignal): Promise<void> {
    return this.inFlight.during([absolutePath], () => this.deleteNow(absolutePath, signal));
  }

  rename(fromAbsolutePath: string, toAbsolutePath: string, signal: AbortSignal): Promise<void> {
    return this.inFlight.during([fromAbsolutePath, toAbsolutePath], () => this.renameNow(fromAbsolutePath, toAbsolutePath, signal));
  }

  private async writeNow(absolutePath: string, content: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const uri = pathToFileURL(absolutePath).href;
    await this.refuseUnsavedChanges(absolutePath, uri);
    const entry = await fs.lstat(absolutePath).catch(() => undefined);
    const exists = entry !== undefined;
    // Throws for a symlink swapped in since the check and for a hard-linked file.
    if (exists) this.replacedText.set(uri, (await readFileConfined(absolutePath)).toString("utf8"));
    else await verifyNearestFolder(absolutePath);
    const edit: WorkspaceEdit = {
      documentChanges: [
        ...(exists ? [] : [{ kind: "create" as const, uri, options: { overwrite: false, ignoreIfExists: true } }]),
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: END }, newText: content }] },
      ],
    };
    await this.apply(edit, `write ${absolutePath}`);
    await this.save([uri]);
    const onDisk = await readText(absolutePath);
    if (onDisk !== content) {
      this.warn(`Agent: the editor did not save ${absolutePath}; writing the file directly.`);
      await writeFileConfined(absolutePath, content, { mode: entry?.isFile() ? entry.mode & 0o7777 : 0o644 });
    }
  }

  private async deleteNow(absolutePath: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await this.refuseUnsavedChanges(absolutePath, pathToFileURL(absolutePath).href);
    await verifyFolder(path.dirname(absolutePath));
    await this.apply({ documentChanges: [{ kind: "delete", uri: pathToFileURL(absolutePath).href, options: { ignoreIfNotExists: true } }] }, `delete ${absolutePath}`);
    if (await fs.lstat(absolutePath).then(() => true, () => false)) await fs.rm(absolutePath, { force: true });
  }

  private async renameNow(fromAbsolutePath: string, toAbsolutePath: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    await verifyFolder(path.dirname(fromAbsolutePath));
    await verifyNearestFolder(toAbsolutePath);
    const newUri = pathToFileURL(toAbsolutePath).href;
    await this.apply({ documentChanges: [{ kind: "rename", oldUri: pathToFileURL(fromAbsolutePath).href, newUri, options: { overwrite: false } }] }, `rename ${fromAbsolutePath}`);
    // A dirty editor moves with the rename; its content must reach the disk too.
    await this.save([newUri]);
    const moved = await fs.lstat(toAbsolutePath).then(() => true, () => false);
    if (!moved) await fs.rename(fromAbsolutePath, toAbsolutePath);
  }

  /**
   * The agent computed its change from the file on disk; an editor holding unsaved changes to that
   * file would lose them to a whole-document replace, so the person decides first.
   */
  private async refuseUnsavedChanges(absolutePath: string, uri: string): Promise<void> {
    const open = this.openDocumentText(uri);
    if (open === undefined) return;
    const onDisk = await readText(absolutePath);
    // The server's copy can still be the text before the agent's own previous write (its didChange
    // not in yet): that is not the person's work.
    if (onDisk !== undefined && onDisk !== open && open !== this.replacedText.get(uri)) {
      throw new Error(`${absolutePath} has unsaved changes in the editor; ask the person to save or discard them, then try again.`);
    }
  }

  private async apply(edit: WorkspaceEdit, what: string): Promise<void> {
    const result = await this.connection.workspace.applyEdit({ label: "Pincer agent", edit });
    if (!result.applied) throw new Error(`VS Code did not apply the edit (${what})${result.failureReason ? `: ${result.failureReason}` : ""}.`);
  }

  private async save(uris: string[]): Promise<void> {
    try {
      await this.connection.sendRequest(AgentSaveRequest, { uris } satisfies AgentSaveParams);
    } catch (error) {
      this.warn(`Agent: saving ${uris.join(", ")} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The file's text read through confined-fs; undefined when it is missing or no longer where it was checked. */
function readText(absolutePath: string): Promise<string | undefined> {
  return readFileConfined(absolutePath).then((buffer) => buffer.toString("utf8"), () => undefined);
}

/** The nearest existing folder above a new file must be a real folder (VS Code creates the rest). */
async function verifyNearestFolder(absolutePath: string): Promise<void> {
  let folder = path.dirname(absolutePath);
  while (!(await fs.lstat(folder).then(() => true, () => false)) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  await verifyFolder(folder);
}
