// Shows a proposed change as a diff (current file ↔ proposal) and waits for the person to accept or
// reject it; nothing is written here. Callers apply an accepted change themselves (chat through
// vscode.workspace.applyEdit, code actions through the server's workspace/applyEdit), so undo works.
import * as vscode from "vscode";

export const REVIEW_SCHEME = "pincer-review";
export type ReviewDecision = "accepted" | "rejected";

interface PendingReview {
  text: string;
  settle(decision: ReviewDecision): void;
}

/** Proposed texts by review URI; the diff editor's right side reads from here. */
const pending = new Map<string, PendingReview>();
let sequence = 0;

/** Registers the proposal document provider and the Accept/Reject editor-title commands. */
export function registerDiffReview(): vscode.Disposable {
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: (uri) => pending.get(uri.toString())?.text ?? "",
  };
  const settleActive = (decision: ReviewDecision) => (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const review = target && pending.get(target.toString());
    if (review) review.settle(decision);
    else void vscode.window.showWarningMessage(vscode.l10n.t("Pincer: there is no proposed change in this editor."));
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, provider),
    vscode.commands.registerCommand("pincer.review.accept", settleActive("accepted")),
    vscode.commands.registerCommand("pincer.review.reject", settleActive("rejected")),
  );
}

/**
 * Opens `target` against `proposedText` in a diff editor and resolves when the person accepts or
 * rejects (editor title buttons or the notification), closes the diff, or `signal` fires (rejected).
 */
export async function reviewChange(options: { target: vscode.Uri; proposedText: string; title: string; signal?: AbortSignal }): Promise<ReviewDecision> {
  const { target, proposedText, title, signal } = options;
  if (signal?.aborted) return "rejected";
  const reviewUri = vscode.Uri.from({ scheme: REVIEW_SCHEME, path: target.path, query: `review=${++sequence}` });
  const key = reviewUri.toString();
  let settle!: (decision: ReviewDecision) => void;
  const decided = new Promise<ReviewDecision>((resolve) => (settle = resolve));
  pending.set(key, { text: proposedText, settle });

  const onAbort = () => settle("rejected");
  signal?.addEventListener("abort", onAbort, { once: true });
  // Closing the diff without a decision means no.
  const closed = vscode.workspace.onDidCloseTextDocument((doc) => {
    if (doc.uri.toString() === key) settle("rejected");
  });
  try {
    await vscode.commands.executeCommand("vscode.diff", target, reviewUri, vscode.l10n.t("{0} (proposed)", title), { preview: false });
    const accept = vscode.l10n.t("Accept");
    void vscode.window.showInformationMessage(`Pincer: ${title}`, accept, vscode.l10n.t("Reject")).then((choice) => {
      if (choice) settle(choice === accept ? "accepted" : "rejected");
    });
    return await decided;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    closed.dispose();
    pending.delete(key);
    await closeReviewTabs(key);
  }
}

async function closeReviewTabs(key: string): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === key);
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
