// "Pincer: OCR Document to Markdown": the server reads the image or PDF (on this machine) and the
// Markdown opens beside the source, as an unsaved document the user can keep or discard.
import { randomUUID } from "node:crypto";
import path from "node:path";
import * as vscode from "vscode";
import { WorkDoneProgress, type LanguageClient, type WorkDoneProgressReport } from "vscode-languageclient/node";
import { OcrDocumentRequest, type OcrDocumentParams, type OcrDocumentResult } from "../../../server/src/protocol";

const filters = () => ({ [vscode.l10n.t("Images and PDFs")]: ["png", "jpg", "jpeg", "webp", "tif", "tiff", "bmp", "gif", "pdf"] });

export async function ocrDocumentCommand(client: LanguageClient, target?: vscode.Uri): Promise<void> {
  const uri = target instanceof vscode.Uri ? target : (activeFileUri() ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: filters(), title: vscode.l10n.t("Pincer: OCR Document to Markdown") }))?.[0]);
  if (!uri) return;
  if (uri.scheme !== "file") {
    void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: OCR reads files on this machine only."));
    return;
  }
  const name = path.basename(uri.fsPath);
  const result = await vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title: `Pincer: OCR ${name}`, cancellable: true }, async (progress, cancellation) => {
      const token = randomUUID();
      let last = 0;
      const listener = client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === "end") return;
        const percentage = (value as WorkDoneProgressReport).percentage ?? 0;
        progress.report({ message: value.message ?? "", increment: percentage - last });
        last = percentage;
      });
      try {
        const params: OcrDocumentParams = { uri: uri.toString(), workDoneToken: token };
        return await client.sendRequest(OcrDocumentRequest, params, cancellation);
      } finally {
        listener.dispose();
      }
    })
    .then(
      (value) => value,
      (error: Error) => {
        void vscode.window.showErrorMessage(`Pincer: ${error.message}`);
        return undefined;
      },
    );
  if (!result) return;
  // The facts go last: an untitled editor takes its title from the first line.
  const footer = `<!-- OCR of ${name}: ${result.pages} of ${result.pageCount} page(s), mean confidence ${result.confidence}% -->`;
  const notes = result.notes.map((n) => `<!-- ${n} -->`);
  const document = await vscode.workspace.openTextDocument({ language: "markdown", content: [result.markdown, "", footer, ...notes, ""].join("\n") });
  // The Markdown opens beside the current group, then the image (VS Code's image preview) in that
  // group, so the source shows beside the text; a PDF has no viewer here.
  const sourceColumn: vscode.ViewColumn = vscode.window.tabGroups.activeTabGroup.viewColumn;
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  if (!/\.pdf$/i.test(uri.path)) await openSource(uri, sourceColumn);
}

/** Opens the image and waits until its tab is the active one of its group (vscode.open resolves earlier for custom editors). */
async function openSource(uri: vscode.Uri, column: vscode.ViewColumn): Promise<void> {
  const shown = () =>
    vscode.window.tabGroups.all.some((group) => {
      const input = group.activeTab?.input;
      return group.viewColumn === column && input !== null && typeof input === "object" && "uri" in input && String((input as { uri: unknown }).uri) === uri.toString();
    });
  let dispose = () => {};
  const opened = new Promise<void>((resolve) => {
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => shown() && resolve());
    const timer = setTimeout(resolve, 5_000);
    dispose = () => {
      listener.dispose();
      clearTimeout(timer);
    };
  });
  try {
    await vscode.commands.executeCommand("vscode.open", uri, { preview: true, preserveFocus: true, viewColumn: column });
    if (!shown()) await opened;
  } finally {
    dispose();
  }
}

function activeFileUri(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = tab && typeof tab === "object" && "uri" in tab ? (tab as { uri: unknown }).uri : undefined;
  return uri instanceof vscode.Uri && /\.(png|jpe?g|webp|tiff?|bmp|gif|pdf)$/i.test(uri.path) ? uri : undefined;
}
