// One tool call of an agent run: its status, the observation, the edit's diff (a ```diff block)
// and, for a command, a link that focuses its terminal.
import type { AgentStepEntry } from "../../agent/agent-entries";
import { agentButton } from "./agent-buttons";
import { el, icon } from "./dom";
import { fenced } from "./markdown";
import { renderMarkdownInto, type CodeBlockHandler } from "./render-markdown";
import { t } from "./l10n";

const STATE_ICON: Record<AgentStepEntry["state"], string> = { running: "loading codicon-modifier-spin", ok: "pass", failed: "error", denied: "circle-slash" };

export function renderAgentStep(entry: AgentStepEntry, onCode: CodeBlockHandler): HTMLElement {
  const row = el(
    "div",
    { class: `agent-step ${entry.state}`, role: "group", "aria-label": `Step ${entry.step}: ${entry.tool} ${entry.target} (${entry.state})` },
    el("div", { class: "agent-step-head" }, icon(STATE_ICON[entry.state]), el("span", { class: "agent-step-number" }, `${entry.step}.`), el("code", {}, entry.tool), el("span", { class: "agent-target" }, entry.target)),
  );
  if (entry.thought) row.append(el("div", { class: "agent-thought" }, entry.thought));
  if (entry.diff) {
    const diff = el("div", { class: "agent-diff" });
    renderMarkdownInto(diff, fenced("diff", entry.diff), onCode);
    row.append(diff);
  }
  if (entry.observation) {
    row.append(el("details", { class: "agent-observation" }, el("summary", {}, entry.state === "ok" ? t("Result") : t("Why")), el("pre", {}, entry.observation)));
  }
  const actions = el("div", { class: "agent-actions" });
  if (entry.terminal) actions.append(agentButton("terminal", entry.runId, t("Show the terminal {0}", entry.terminal), "terminal", { step: entry.step, text: t("Show terminal") }));
  if (entry.checkpoint && entry.changedPaths.length > 0 && entry.state !== "running") actions.append(agentButton("undo-step", entry.runId, t("Undo step {0}", entry.step), "discard", { step: entry.step, text: t("Undo step") }));
  if (actions.childElementCount > 0) row.append(actions);
  return row;
}
