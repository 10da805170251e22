// An answer: Markdown rendered as it streams, with its state (generating, stopped, interrupted).
import type { AssistantEntry } from "../webview-protocol";
import { el, icon } from "./dom";
import { renderMarkdownInto, type CodeBlockHandler } from "./render-markdown";
import { t } from "./l10n";

export function renderAssistant(entry: AssistantEntry, onCode: CodeBlockHandler): HTMLElement {
  const body = el("div", { class: "message-body" });
  renderMarkdownInto(body, entry.text, onCode);
  const article = el(
    "article",
    { class: `message assistant ${entry.state}`, "aria-label": t("Pincer answered"), "aria-busy": String(entry.state === "streaming") },
    el("div", { class: "message-author" }, icon("hubot"), "Pincer"),
    body,
  );
  const status = statusLine(entry);
  if (status) article.append(status);
  return article;
}

function statusLine(entry: AssistantEntry): HTMLElement | undefined {
  if (entry.state === "streaming") return el("div", { class: "meta streaming" }, icon("loading codicon-modifier-spin"), t("Generating…"));
  if (entry.state === "stopped") return el("div", { class: "meta" }, icon("debug-stop"), t("Stopped"));
  if (entry.state === "interrupted") return el("div", { class: "meta" }, icon("warning"), t("Interrupted (the answer did not finish)"));
  if (entry.state === "error") return el("div", { class: "meta error", role: "alert" }, icon("error"), entry.error ?? t("Failed"));
  return undefined;
}
