// What an Undo run / Undo step put back, and the files it left alone because they changed since.
import type { AgentUndoEntry } from "../../agent/agent-entries";
import { el, icon } from "./dom";
import { t } from "./l10n";

export function renderAgentUndo(entry: AgentUndoEntry): HTMLElement {
  const what = entry.step === undefined ? t("Undo run") : t("Undo step {0}", entry.step);
  const box = el(
    "section",
    { class: `agent-undo ${entry.conflicts.length > 0 ? "conflicts" : ""}`, role: entry.conflicts.length > 0 ? "alert" : "status" },
    el("div", { class: "agent-approval-title" }, icon("discard"), entry.restored.length === 1 ? t("{0}: 1 file restored", what) : t("{0}: {1} files restored", what, entry.restored.length)),
  );
  if (entry.restored.length) box.append(el("ul", {}, ...entry.restored.map((file) => el("li", {}, icon("check"), file))));
  if (entry.conflicts.length) {
    box.append(
      el("div", { class: "meta" }, icon("warning"), t("Changed after the agent, so left as they are:")),
      el("ul", {}, ...entry.conflicts.map((c) => el("li", {}, icon("warning"), `${c.path}: ${c.reason}`))),
    );
  }
  return box;
}
