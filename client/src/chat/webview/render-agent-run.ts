// An agent run: the request, the plan with its status, the outcome, and Stop / Undo run / JSON.
import type { AgentRunEntry } from "../../agent/agent-entries";
import { agentButton } from "./agent-buttons";
import { el, icon } from "./dom";
import { t, type WebviewString } from "./l10n";

const STATE_TEXT: Record<AgentRunEntry["state"], WebviewString> = {
  running: "Running",
  finished: "Finished",
  budget: "Stopped: a budget ran out",
  "approval-needed": "Stopped: needed an approval",
  cancelled: "Stopped",
  failed: "Failed",
};

export function renderAgentRun(entry: AgentRunEntry): HTMLElement {
  const running = entry.state === "running";
  const planItems = entry.plan.map((step) => {
    // Plan items are done when the run finished; while it runs they are open.
    const done = entry.state === "finished";
    return el("li", { class: `plan-item ${done ? "done" : running ? "open" : "stopped"}` }, icon(done ? "pass" : running ? "circle-large-outline" : "circle-slash"), step);
  });
  const actions = el("div", { class: "agent-actions" });
  if (running) actions.append(agentButton("stop", entry.runId, t("Stop the agent"), "debug-stop", { text: t("Stop") }));
  else {
    if (!entry.undone && !entry.readOnly) actions.append(agentButton("undo-run", entry.runId, t("Undo run: put back the files this run changed"), "discard", { text: t("Undo run") }));
    actions.append(agentButton("transcript", entry.runId, t("Open the run's transcript as JSON"), "json", { text: t("Transcript (JSON)") }));
  }
  const status = el(
    "div",
    { class: `meta agent-status ${entry.state}`, role: entry.state === "failed" ? "alert" : "status" },
    icon(running ? "loading codicon-modifier-spin" : entry.state === "finished" ? "check" : "warning"),
    `${t(STATE_TEXT[entry.state])} · ${entry.stepsTaken === 1 ? t("1 step") : t("{0} steps", entry.stepsTaken)}${entry.error ? ` · ${entry.error}` : ""}`,
  );
  const article = el(
    "article",
    { class: `message agent-run ${entry.state}`, "aria-label": t("Agent run: {0}", entry.request), "aria-busy": String(running) },
    el("div", { class: "message-author" }, icon("robot"), entry.readOnly ? t("Pincer agent (read-only: Restricted Mode)") : t("Pincer agent")),
    el("div", { class: "agent-request" }, entry.request),
  );
  if (planItems.length > 0) article.append(el("div", { class: "agent-plan-title" }, t("Plan")), el("ol", { class: "agent-plan", "aria-label": t("Plan") }, ...planItems));
  if (entry.summary) article.append(el("div", { class: "agent-summary" }, entry.summary.summary), el("div", { class: "meta" }, icon("beaker"), t("Verified: {0}", entry.summary.verified)));
  article.append(status, actions);
  return article;
}
