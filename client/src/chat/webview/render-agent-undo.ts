// What an Undo run / Undo step put back, and the files it left alone because they changed since.
import type { AgentUndoEntry } from "../../agent/agent-entries";
import { el, icon } from "./dom";

export function renderAgentUndo(entry: AgentUndoEntry): HTMLElement {
  const what = entry.step === undefined ? "Undo run" : `Undo step ${entry.step}`;
  const box = el(
    "section",
    { class: `agent-undo ${entry.conflicts.length > 0 ? "conflicts" : ""}`, role: entry.conflicts.length > 0 ? "alert" : "status" },
    el("div", { class: "agent-approval-title" }, icon("discard"), `${what}: ${entry.restored.length} file${entry.restored.length === 1 ? "" : "s"} restored`),
  );
  if (entry.restored.length) box.append(el("ul", {}, ...entry.restored.map((file) => el("li", {}, icon("check"), file))));
  if (entry.conflicts.length) {
    box.append(
      el("div", { class: "meta" }, icon("warning"), "Changed after the agent, so left as they are:"),
      el("ul", {}, ...entry.conflicts.map((c) => el("li", {}, icon("warning"), `${c.path}: ${c.reason}`))),
    );
  }
  return box;
}
