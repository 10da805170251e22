// Transcript markers: where older turns were compacted into a summary, and notices.
import type { CompactionEntry, NoticeEntry } from "../webview-protocol";
import { el, icon } from "./dom";

export function renderCompaction(entry: CompactionEntry): HTMLElement {
  return el(
    "div",
    { class: "compaction", role: "separator", "aria-label": `${entry.turns} earlier messages were summarized to fit the model's window` },
    icon("fold"),
    `${entry.turns} earlier messages summarized to fit the window`,
  );
}

export function renderNotice(entry: NoticeEntry): HTMLElement {
  const name = entry.level === "error" ? "error" : entry.level === "warning" ? "warning" : "info";
  return el("div", { class: `notice ${entry.level}`, role: entry.level === "error" ? "alert" : "status" }, icon(name), entry.text);
}
