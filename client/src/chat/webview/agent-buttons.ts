// Buttons on agent entries carry their action in data-* attributes; one delegated listener posts
// them, so renderers stay plain functions of their entry. They are real <button>s: Tab and Enter work.
import type { AgentAction } from "../../agent/agent-entries";
import type { FromWebview } from "../webview-protocol";
import { el, icon } from "./dom";

export function agentButton(action: AgentAction, runId: string, label: string, iconName: string, options: { step?: number; text?: string } = {}): HTMLButtonElement {
  const button = el("button", { class: "agent-button", "data-agent-action": action, "data-run": runId, title: label, "aria-label": label }, icon(iconName), options.text ?? label);
  if (options.step !== undefined) button.dataset.step = String(options.step);
  return button;
}

export function wireAgentButtons(root: HTMLElement, post: (message: FromWebview) => void): void {
  root.addEventListener("click", (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-agent-action]");
    if (!button || button.disabled) return;
    const step = button.dataset.step === undefined ? undefined : Number(button.dataset.step);
    post({ type: "agent", action: button.dataset.agentAction as AgentAction, runId: button.dataset.run ?? "", ...(step !== undefined ? { step } : {}) });
  });
}
