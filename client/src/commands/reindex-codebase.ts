// "Pincer: Re-index Codebase": a full scan of the workspace into the codebase index now (after a
// large checkout, or when search seems stale), with the index's own progress in a cancellable
// notification and its result (files, chunks, vectors) at the end.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { CodebaseReindexRequest, CodebaseStatusNotification, type IndexStatus } from "../../../server/src/protocol";

export async function reindexCodebaseCommand(client: LanguageClient): Promise<void> {
  const status = await vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Pincer: Re-indexing the codebase"), cancellable: true }, async (progress, cancellation) => {
      let last = 0;
      // The server reports every step of the run as a pincer/codebase/status notification.
      const listener = client.onNotification(CodebaseStatusNotification, (s: IndexStatus) => {
        if (s.total <= 0) return;
        const percentage = Math.round((s.done / s.total) * 100);
        progress.report({ message: `${s.message ?? s.state} (${s.done}/${s.total})`, increment: Math.max(0, percentage - last) });
        last = Math.max(last, percentage);
      });
      try {
        return await client.sendRequest(CodebaseReindexRequest, {}, cancellation);
      } finally {
        listener.dispose();
      }
    })
    .then(
      (value) => value,
      (error: Error) => {
        void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: re-indexing failed: {0}", error.message));
        return undefined;
      },
    );
  if (!status) return;
  void vscode.window.showInformationMessage(`Pincer: ${reindexSummary(status)}`);
}

/** What the person reads when the run ends. */
export function reindexSummary(status: IndexStatus): string {
  const vectors = status.embeddingModel ? vscode.l10n.t("{0} with vectors from {1}", status.embedded, status.embeddingModel) : vscode.l10n.t("keyword search only (no embedding model set)");
  return `${vscode.l10n.t("the codebase index has {0} files, {1} chunks; {2}.", status.files, status.chunks, vectors)}${status.message ? ` ${status.message}` : ""}`;
}
