// Client-side rules for ghost text before a request reaches the server: the per-language switch
// (`[python]: { "pincer.completion.enabled": false }`) and a short debounce, so a burst of keystrokes
// costs one request. Typing on cancels the wait (VS Code cancels the token).
import * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import { completionDebounceMs, completionEnabledFor } from "./settings";

export const inlineCompletionMiddleware: Middleware = {
  provideInlineCompletionItems: async (document, position, context, token, next) => {
    if (!completionEnabledFor(document)) return null;
    const delay = completionDebounceMs();
    if (delay > 0 && !(await waitUnlessCancelled(delay, token))) return null;
    return next(document, position, context, token);
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
