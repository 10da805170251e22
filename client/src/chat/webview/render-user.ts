// A user message: its text (Markdown, so pasted code blocks get the same actions), the context
// chips sent with it, the workspace rules used and anything that was left out for lack of room.
import type { UserEntry } from "../webview-protocol";
import { el, icon } from "./dom";
import { renderMarkdownInto, type CodeBlockHandler } from "./render-markdown";
import { t } from "./l10n";

export function renderUser(entry: UserEntry, onCode: CodeBlockHandler): HTMLElement {
  const body = el("div", { class: "message-body" });
  renderMarkdownInto(body, entry.text, onCode);
  const article = el("article", { class: "message user", "aria-label": t("You said") }, el("div", { class: "message-author" }, icon("account"), t("You")), body);
  if (entry.chips.length) {
    article.append(el("ul", { class: "chips sent", "aria-label": t("Context sent") }, ...entry.chips.map((c) => el("li", { class: "chip" }, icon(chipIcon(c.kind)), c.label))));
  }
  if (entry.rules.length) {
    article.append(el("div", { class: "meta rules" }, icon("law"), t("Instructions used: {0}", entry.rules.join(", "))));
  }
  if (entry.leftOut.length) {
    article.append(el("div", { class: "meta left-out", role: "note" }, icon("warning"), t("Left out (did not fit the model's window): {0}", entry.leftOut.join(", "))));
  }
  return article;
}

export function chipIcon(kind: string): string {
  switch (kind) {
    case "selection":
      return "selection";
    case "symbol":
      return "symbol-function";
    case "problems":
      return "warning";
    case "git-diff":
      return "git-compare";
    case "editors":
      return "files";
    case "codebase":
      return "search";
    case "mcp-resource":
      return "plug";
    default:
      return "file";
  }
}
