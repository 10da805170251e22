// Whether the suggest widget (IntelliSense) is showing, as far as an extension can know. VS Code has
// no API for it: the `suggestWidgetVisible` context key only gates keybindings (extensions cannot
// read context keys, microsoft/vscode#10471; no show/hide events, microsoft/vscode#123784). The one
// signal is the inline completion request: while the widget shows a selected item, VS Code passes
// it as `context.selectedCompletionInfo`, and asks again whenever the selection changes or the text
// changes. So the latest request for a document's current version tells whether the widget is open.
// Limits: no request comes while `editor.inlineSuggest.enabled` is off, and closing the widget
// without an edit (Escape) sends none, so "open" can outlive the widget until the next edit.
import * as vscode from "vscode";

interface Seen {
  uri: string;
  version: number;
  open: boolean;
}

let seen: Seen | undefined;
const opened = new vscode.EventEmitter<vscode.TextDocument>();

/** An event when an inline completion request reports the widget open with an item selected. */
export const onSuggestWidgetSeen = opened.event;

/** Called by the inline completion middleware for every request VS Code makes. */
export function noteInlineCompletionRequest(document: vscode.TextDocument, context: vscode.InlineCompletionContext): void {
  const open = context.selectedCompletionInfo !== undefined;
  seen = { uri: document.uri.toString(), version: document.version, open };
  if (open) opened.fire(document);
}

/** Whether the latest inline completion request for this text of the document saw the suggest widget open. */
export function suggestWidgetSeenOpen(document: vscode.TextDocument): boolean {
  return seen !== undefined && seen.open && seen.uri === document.uri.toString() && seen.version === document.version;
}
