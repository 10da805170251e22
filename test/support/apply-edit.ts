// The client's side of workspace/applyEdit, as VS Code would do it to the files: the agent's edits reach the
// disk only through the client, so every LSP agent suite needs this, and one copy keeps them all applying
// edits the same way (create, delete, rename, whole-document replacement).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ApplyWorkspaceEditParams } from "vscode-languageserver-protocol/node";

export interface ApplyEditOptions {
  /** Assert that each text edit replaces the whole document (its range starts at 0:0), as Pincer sends them. */
  wholeDocument?: boolean;
}

/** Writes a workspace edit's document changes to disk; text edits are whole-document replacements. */
export async function applyEditToDisk(params: ApplyWorkspaceEditParams, options: ApplyEditOptions = {}): Promise<void> {
  for (const change of params.edit.documentChanges ?? []) {
    if ("kind" in change && change.kind === "create") {
      await fs.writeFile(fileURLToPath(change.uri), "", { flag: "a" });
    } else if ("kind" in change && change.kind === "delete") {
      await fs.rm(fileURLToPath(change.uri), { force: true });
    } else if ("kind" in change && change.kind === "rename") {
      await fs.rename(fileURLToPath(change.oldUri), fileURLToPath(change.newUri));
    } else if ("textDocument" in change) {
      const edit = change.edits[0] as { range: { start: { line: number; character: number } }; newText: string };
      if (options.wholeDocument) assert.deepEqual(edit.range.start, { line: 0, character: 0 }, "a whole-document replacement");
      await fs.writeFile(fileURLToPath(change.textDocument.uri), edit.newText);
    }
  }
}
