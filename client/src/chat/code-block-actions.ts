// What a code block's toolbar does: copy, insert at the cursor, or apply to a file through the diff
// review (nothing changes before Accept; the change goes through applyEdit so Undo works).
import * as vscode from "vscode";
import { reviewChange } from "../diff-review";
import type { CodeAction } from "./webview-protocol";

export async function runCodeAction(action: CodeAction, code: string): Promise<void> {
  if (action === "copy") {
    await vscode.env.clipboard.writeText(code);
    vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t("Pincer: code copied")}`, 2000);
    return;
  }
  // Restricted Mode promises no file edits from Pincer (package.json, untrustedWorkspaces).
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(vscode.l10n.t("Pincer does not edit files in Restricted Mode. Copy the code instead, or trust the workspace."));
    return;
  }
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  if (action === "insert") {
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t("Pincer: open an editor to insert the code at its cursor."));
      return;
    }
    await editor.edit((edit) => edit.replace(editor.selection, code));
    return;
  }
  await applyToFile(editor, code);
}

/**
 * The block replaces the selection of the active editor, or the whole file when nothing is
 * selected; another file can be chosen instead. The diff shows exactly that before anything changes.
 */
async function applyToFile(editor: vscode.TextEditor | undefined, code: string): Promise<void> {
  const target = await chooseTarget(editor);
  if (!target) return;
  const document = await vscode.workspace.openTextDocument(target.uri);
  const range = target.range ?? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  const before = document.getText();
  const proposed = document.getText().slice(0, document.offsetAt(range.start)) + code + document.getText().slice(document.offsetAt(range.end));
  const name = vscode.workspace.asRelativePath(document.uri, false);
  const decision = await reviewChange({ target: document.uri, proposedText: proposed, title: vscode.l10n.t("Apply code block to {0}", name) });
  if (decision !== "accepted") return;
  // The edit must produce what the diff showed: if the file changed meanwhile, nothing is applied.
  if (document.getText() !== before) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: {0} changed while the diff was open; the code block was not applied.", name));
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, code);
  if (!(await vscode.workspace.applyEdit(edit))) void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: {0} changed while the diff was open; the code block was not applied.", name));
}

async function chooseTarget(editor: vscode.TextEditor | undefined): Promise<{ uri: vscode.Uri; range?: vscode.Range } | undefined> {
  const choices: (vscode.QuickPickItem & { target?: { uri: vscode.Uri; range?: vscode.Range } })[] = [];
  if (editor) {
    const name = vscode.workspace.asRelativePath(editor.document.uri, false);
    if (!editor.selection.isEmpty) choices.push({ label: `$(selection) ${vscode.l10n.t("Replace the selection in {0}", name)}`, target: { uri: editor.document.uri, range: editor.selection } });
    choices.push({ label: `$(file) ${vscode.l10n.t("Replace all of {0}", name)}`, target: { uri: editor.document.uri } });
  }
  choices.push({ label: `$(folder-opened) ${vscode.l10n.t("Another file…")}` });
  const picked = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: vscode.l10n.t("Apply the code block to…") });
  if (!picked) return undefined;
  if (picked.target) return picked.target;
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, openLabel: vscode.l10n.t("Apply to this file") });
  return files?.[0] ? { uri: files[0] } : undefined;
}
