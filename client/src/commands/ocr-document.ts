// "Pincer: OCR Document to Markdown": the server reads the image or PDF (on this machine) and the
// Markdown opens beside the source, as an unsaved document the user can keep or discard.
import { randomUUID } from "node:crypto";
import path from "node:path";
import * as vscode from "vscode";
import { WorkDoneProgress, type LanguageClient, type WorkDoneProgressReport } from "vscode-languageclient/node";
import { OcrDocumentRequest, type OcrDocumentParams, type OcrDocumentResult } from "../../../server/src/protocol";

const FILTERS = { "Images and PDFs": ["png", "jpg", "jpeg", "webp", "tif", "tiff", "bmp", "gif", "pdf"] };

export async function ocrDocumentCommand(client: LanguageClient, target?: vscode.Uri): Promise<void> {
  const uri = target instanceof vscode.Uri ? target : (activeFileUri() ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: FILTERS, title: "Pincer: OCR Document to Markdown" }))?.[0]);
  if (!uri) return;
  if (uri.scheme !== "file") {
    void vscode.window.showErrorMessage("Pincer: OCR reads files on this machine only.");
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
        return await client.sendRequest<OcrDocumentResult>(OcrDocumentRequest, params, cancellation);
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
  const header = `<!-- OCR of ${name}: ${result.pages} of ${result.pageCount} page(s), mean confidence ${result.confidence}% -->`;
  const notes = result.notes.map((n) => `<!-- ${n} -->`);
  const document = await vscode.workspace.openTextDocument({ language: "markdown", content: [header, ...notes, "", result.markdown, ""].join("\n") });
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

function activeFileUri(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = tab && typeof tab === "object" && "uri" in tab ? (tab as { uri: unknown }).uri : undefined;
  return uri instanceof vscode.Uri && /\.(png|jpe?g|webp|tiff?|bmp|gif|pdf)$/i.test(uri.path) ? uri : undefined;
}
