// The server's completion and hover serve task files only (`pincer-task`); the client's document
// selector covers every file (ghost text), so other documents are answered here without a round
// trip on every keystroke and every hover.
import type * as vscode from "vscode";
import type { Middleware } from "vscode-languageclient/node";
import { TASK_LANGUAGE_ID } from "../../server/src/protocol";

function isTaskFile(document: vscode.TextDocument): boolean {
  return document.languageId === TASK_LANGUAGE_ID || document.uri.path.endsWith(".pincer.md");
}

export const taskFileMiddleware: Middleware = {
  provideCompletionItem: (document, position, context, token, next) => (isTaskFile(document) ? next(document, position, context, token) : undefined),
  provideHover: (document, position, token, next) => (isTaskFile(document) ? next(document, position, token) : undefined),
};
