// The extension host's lookup for strings shared with the chat webview (chat/webview-strings.ts):
// the display language's text from the loaded l10n bundle, English when there is none. Everything
// else in the host calls vscode.l10n.t with its English text directly.
import * as vscode from "vscode";
import { formatMessage, type WebviewString } from "./chat/webview-strings";

export function translateListed(english: WebviewString, ...args: (string | number)[]): string {
  const translated = vscode.l10n.bundle?.[english];
  return formatMessage(typeof translated === "string" && translated !== "" ? translated : english, args);
}
