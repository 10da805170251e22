// The webview's strings in the display language: the extension writes the translations of
// WEBVIEW_STRINGS into the page as JSON (chat-view-provider.ts); a string without one stays English.
import { formatMessage, L10N_ELEMENT_ID, type WebviewString } from "../webview-strings";

export type { WebviewString };

let table: Record<string, string> | undefined;

function translations(): Record<string, string> {
  if (table) return table;
  try {
    const parsed = JSON.parse(document.getElementById(L10N_ELEMENT_ID)?.textContent ?? "{}") as unknown;
    table = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    table = {};
  }
  return table;
}

/** The display language's text for `english`, with {0}… replaced by `args`. */
export function t(english: WebviewString, ...args: (string | number)[]): string {
  const translated = translations()[english];
  return formatMessage(typeof translated === "string" && translated !== "" ? translated : english, args);
}
