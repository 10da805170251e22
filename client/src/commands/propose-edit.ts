// The edit flow shared by code actions and edit tasks: the server proposes (cancellable progress
// is the server's), the person reviews the diff, and only an accepted change goes back to the
// server's `pincer.applyEdit`, which lands it through workspace/applyEdit (one undo step).
import * as vscode from "vscode";
import { ExecuteCommandRequest, LSPErrorCodes, type LanguageClient } from "vscode-languageclient/node";
import { ApplyEditCommand, GenerateEditCommand, type ApplyEditResult, type GenerateEditParams, type GenerateEditResult } from "../../../server/src/protocol";
import { reviewChange } from "../diff-review";

/** `title` names the change in the diff tab and the Accept/Reject notification ("Pincer: <title>"). */
export async function proposeAndReview(client: LanguageClient, params: GenerateEditParams, title: string): Promise<void> {
  let proposal: GenerateEditResult | null;
  try {
    proposal = await client.sendRequest(ExecuteCommandRequest.type, { command: GenerateEditCommand, arguments: [params] });
  } catch (error) {
    // The person cancelled the progress notification: nothing to report.
    if ((error as { code?: number }).code === LSPErrorCodes.RequestCancelled) return;
    void vscode.window.showErrorMessage(`Pincer: ${(error as Error).message}`);
    return;
  }
  if (!proposal) return;
  if (proposal.stopReason === "maxTokens") void vscode.window.showWarningMessage(vscode.l10n.t("Pincer: the answer hit the token limit; the proposal may be cut short."));
  const decision = await reviewChange({ target: vscode.Uri.parse(params.uri), proposedText: proposal.proposedText, title });
  if (decision !== "accepted") return;
  const result: ApplyEditResult = await client.sendRequest(ExecuteCommandRequest.type, { command: ApplyEditCommand, arguments: [proposal.edit] });
  if (!result.applied) {
    // The versioned edit is refused when the file changed since the proposal; nothing is lost.
    void vscode.window.showWarningMessage(result.failureReason ? vscode.l10n.t("Pincer: the change was not applied ({0}). Run the action again.", result.failureReason) : vscode.l10n.t("Pincer: the change was not applied because the file changed meanwhile. Run the action again."));
  }
}

export function toWireRange(range: vscode.Range): GenerateEditParams["range"] {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}
