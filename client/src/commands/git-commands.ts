// "Generate Commit Message" (from the staged diff, into the Source Control input box) and
// "Summarize Uncommitted Changes" (into a Markdown document). The server reads git; this file only
// picks the folder and shows the text.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { CommitMessageRequest, SummarizeChangesRequest, type GitTextResult } from "../../../server/src/protocol";

interface GitRepository {
  rootUri: vscode.Uri;
  inputBox: { value: string };
}
interface GitApi {
  repositories: GitRepository[];
}

export async function generateCommitMessageCommand(client: LanguageClient): Promise<void> {
  const folder = await pickFolder();
  if (!folder) return;
  const result = await request(client, CommitMessageRequest, folder);
  if (!result) return;
  const repository = gitRepositories().find((r) => folder.fsPath.startsWith(r.rootUri.fsPath)) ?? gitRepositories()[0];
  if (repository) {
    repository.inputBox.value = result.text;
    await vscode.commands.executeCommand("workbench.view.scm");
  } else {
    // Without VS Code's git extension there is no input box; the message is still useful.
    await vscode.env.clipboard.writeText(result.text);
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: commit message copied to the clipboard (the Git extension is not active)."));
  }
}

export async function summarizeChangesCommand(client: LanguageClient): Promise<void> {
  const folder = await pickFolder();
  if (!folder) return;
  const result = await request(client, SummarizeChangesRequest, folder);
  if (!result) return;
  const note = result.truncated ? "\n\n_(The diff was long; Pincer read only its beginning.)_\n" : "\n";
  const document = await vscode.workspace.openTextDocument({ language: "markdown", content: `# Uncommitted changes\n\n${result.text}${note}` });
  await vscode.window.showTextDocument(document, { preview: true });
}

async function request(client: LanguageClient, method: typeof CommitMessageRequest | typeof SummarizeChangesRequest, folder: vscode.Uri): Promise<GitTextResult | undefined> {
  try {
    return await client.sendRequest(method, { folder: folder.fsPath });
  } catch (error) {
    void vscode.window.showErrorMessage(`Pincer: ${(error as Error).message}`);
    return undefined;
  }
}

async function pickFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const active = vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri);
  if (active) return active.uri;
  if (folders.length <= 1) {
    if (!folders[0]) void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: open a folder with a git repository first."));
    return folders[0]?.uri;
  }
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t("Which repository?") }))?.uri;
}

function gitRepositories(): GitRepository[] {
  const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>("vscode.git");
  if (!extension?.isActive) return [];
  return extension.exports.getAPI(1).repositories;
}
