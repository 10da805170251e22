// Client-side rules for ghost text before a request reaches the server: the per-language switch
// (`[python]: { "pincer.completion.enabled": false }`) and a short debounce, so a burst of keystrokes
// costs one request. Typing on cancels the wait (VS Code cancels the token). Cursor moves are passed
// on as hints, so the server can warm the next place's prompt.
import * as vscode from "vscode";
import type { LanguageClient, Middleware } from "vscode-languageclient/node";
import { CompletionCursorNotification, type CompletionCursorParams } from "../../server/src/protocol";
import { completionDebounceMs, completionEnabledFor } from "./settings";
import { noteInlineCompletionRequest } from "./suggest-widget";

export const inlineCompletionMiddleware: Middleware = {
  provideInlineCompletionItems: async (document, position, context, token, next) => {
    // Before any switch: next-edit suggestions need this even where ghost text is off.
    noteInlineCompletionRequest(document, context);
    if (!completionEnabledFor(document)) return null;
    const delay = completionDebounceMs();
    if (delay > 0 && !(await waitUnlessCancelled(delay, token))) return null;
    const result = await next(document, position, context, token);
    const items = Array.isArray(result) ? result : result?.items;
    // The walkthrough's "try a completion" step is done once a suggestion was shown.
    if (items && items.length > 0) void vscode.commands.executeCommand("setContext", "pincer.walkthrough.completionShown", true);
    return result;
  },
};

function waitUnlessCancelled(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  return new Promise((resolve) => {
    if (token.isCancellationRequested) return resolve(false);
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(true);
    }, ms);
    const listener = token.onCancellationRequested(() => {
      clearTimeout(timer);
      listener.dispose();
      resolve(false);
    });
  });
}

/** A cursor that rests this long at a new line is worth warming the prompt for. */
const CURSOR_SETTLE_MS = 150;

/**
 * Tells the server where the cursor went (pincer/completion/cursor) when it moves to another line or
 * file without an edit (a click, a jump, Go to Definition), so the server can evaluate the prompt
 * for that place before the first keystroke there. Edits need no hint: didChange says where.
 */
export function registerCursorHints(client: Pick<LanguageClient, "sendNotification">): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = "";
  const send = (editor: vscode.TextEditor | undefined) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!editor || !editor.selection.isEmpty || !["file", "untitled"].includes(editor.document.uri.scheme)) return;
    if (!completionEnabledFor(editor.document)) return;
    const position = editor.selection.active;
    const key = `${editor.document.uri.toString()}#${position.line}`;
    if (key === lastSent) return;
    timer = setTimeout(() => {
      lastSent = key;
      const params: CompletionCursorParams = { textDocument: { uri: editor.document.uri.toString() }, position: { line: position.line, character: position.character } };
      void client.sendNotification(CompletionCursorNotification, params).catch(() => undefined);
    }, CURSOR_SETTLE_MS);
  };
  const subscriptions = [
    // Typing moves the cursor too; on the same line that is no new place (and the server ignores a
    // hint at the place it is completing at).
    vscode.window.onDidChangeTextEditorSelection((event) => send(event.textEditor)),
    vscode.window.onDidChangeActiveTextEditor((editor) => send(editor)),
  ];
  return vscode.Disposable.from(...subscriptions, { dispose: () => timer && clearTimeout(timer) });
}
