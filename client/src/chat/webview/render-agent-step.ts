// One tool call of an agent run: its status, the observation, the edit's diff (a ```diff block)
// and, for a command, a link that focuses its terminal.
import { chartDataUrl, type AgentStepEntry } from "../../agent/agent-entries";
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
  // A chart the agent rendered, from the tool's own PNG (checked again here: a base64 PNG data: URL only).
  const chart = chartDataUrl(entry.image?.dataUrl);
  if (chart && entry.image) row.append(el("img", { class: "agent-chart", src: chart, alt: t("Chart {0}", entry.image.path), title: entry.image.path }));
  if (entry.observation) {
    row.append(el("details", { class: "agent-observation" }, el("summary", {}, entry.state === "ok" ? t("Result") : t("Why")), el("pre", {}, entry.observation)));
  }
  const actions = el("div", { class: "agent-actions" });
  if (entry.terminal) actions.append(agentButton("terminal", entry.runId, t("Show the terminal {0}", entry.terminal), "terminal", { step: entry.step, text: t("Show terminal") }));
  if (entry.document) actions.append(agentButton("open-document", entry.runId, t("Open {0}", entry.document), "file-pdf", { step: entry.step, text: t("Open PDF") }));
  if (entry.checkpoint && entry.changedPaths.length > 0 && entry.state !== "running") actions.append(agentButton("undo-step", entry.runId, t("Undo step {0}", entry.step), "discard", { step: entry.step, text: t("Undo step") }));
  if (actions.childElementCount > 0) row.append(actions);
  return row;
}
