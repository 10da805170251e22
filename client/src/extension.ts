// Activation: wire the output channel, status bar, language client and commands. Nothing else.
import { registerReportSecrets } from "./commands/report-secrets";
import { registerMcp } from "./commands/mcp-servers";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { RunCodeActionCommand, StatusNotification, TrustNotification, type CodeActionArgs, type StatusParams } from "../../server/src/protocol";
import { registerChat } from "./chat/register-chat";
import { runCodeAction } from "./commands/code-action-run";
import { downloadModelCommand } from "./commands/download-model";
import { generateCommitMessageCommand, summarizeChangesCommand } from "./commands/git-commands";
import { reindexCodebaseCommand } from "./commands/reindex-codebase";
import { ocrDocumentCommand } from "./commands/ocr-document";
import { askCommand, explainFileCommand, runTaskCommand } from "./commands/palette-tasks";
import { selectModelCommand } from "./commands/select-model";
import { registerFirstRun } from "./first-run";
import { publishStatus } from "./status-events";
import { registerDiffReview } from "./diff-review";
import { registerCursorHints } from "./inline-completion-middleware";
import { registerNextEdit } from "./next-edit";
import { createLanguageClient } from "./language-client";
import { registerRemoteConsent } from "./remote-consent";
import { PincerStatusBar } from "./status-bar";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Pincer", { log: true });
  const statusBar = new PincerStatusBar();
  context.subscriptions.push(output, statusBar, registerDiffReview());

  client = createLanguageClient(context, output, (reason) => {
    statusBar.showStopped(reason);
    const showLogs = vscode.l10n.t("Show logs");
    const restart = vscode.l10n.t("Restart");
    void vscode.window.showErrorMessage(`Pincer: ${reason}`, showLogs, restart).then((action) => {
      if (action === showLogs) output.show();
      if (action === restart) void vscode.commands.executeCommand("pincer.restartServer");
    });
  });
  const languageClient = client;
  context.subscriptions.push(
    registerChat(context, languageClient),
    registerRemoteConsent(context, languageClient),
    registerCursorHints(languageClient),
    registerNextEdit(languageClient),
    registerMcp(languageClient, context.secrets),
    registerReportSecrets(languageClient, context.secrets),
    registerFirstRun(languageClient),
    languageClient.onNotification(StatusNotification, (status: StatusParams) => {
      statusBar.show(status);
      publishStatus(status);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void languageClient.sendNotification(TrustNotification, { trusted: true })),
    vscode.commands.registerCommand("pincer.selectModel", () => selectModelCommand(languageClient)),
    vscode.commands.registerCommand("pincer.downloadModel", () => downloadModelCommand(languageClient)),
    vscode.commands.registerCommand("pincer.showServerLog", () => output.show(true)),
    vscode.commands.registerCommand("pincer.ocrDocument", (uri?: vscode.Uri) => ocrDocumentCommand(languageClient, uri)),
    vscode.commands.registerCommand("pincer.reindexCodebase", () => reindexCodebaseCommand(languageClient)),
    vscode.commands.registerCommand(RunCodeActionCommand, (args: CodeActionArgs) => runCodeAction(languageClient, args)),
    vscode.commands.registerCommand("pincer.ask", () => askCommand()),
    vscode.commands.registerCommand("pincer.explainFile", () => explainFileCommand()),
    vscode.commands.registerCommand("pincer.runTask", () => runTaskCommand(languageClient)),
    vscode.commands.registerCommand("pincer.generateCommitMessage", () => generateCommitMessageCommand(languageClient)),
    vscode.commands.registerCommand("pincer.summarizeChanges", () => summarizeChangesCommand(languageClient)),
    vscode.commands.registerCommand("pincer.restartServer", async () => {
      statusBar.show({ state: "loading", message: vscode.l10n.t("Restarting the Pincer server"), trusted: vscode.workspace.isTrusted });
      await languageClient.restart();
    }),
  );
  try {
    await languageClient.start();
  } catch (error) {
    statusBar.showStopped((error as Error).message);
    output.appendLine(`[client] The Pincer server failed to start: ${(error as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
