// An approval card: what the call would do and why code asks, with Approve / Deny / Always allow.
// An email is shown whole (to, cc, subject, the body as it will be sent, each attachment with its size):
// the person approves the message, not a summary of it.
import type { ApprovalMessage } from "../../../../server/src/protocol";
import type { AgentApprovalEntry } from "../../agent/agent-entries";
import { sandboxText } from "../../agent/sandbox-text";
import { agentButton } from "./agent-buttons";
import { el, icon } from "./dom";
import { t, type WebviewString } from "./l10n";

const ANSWER_TEXT = { approve: "Approved", deny: "Denied", always: "Always allowed in this workspace", cancelled: "No longer needed (the run stopped)" } as const satisfies Record<string, WebviewString>;

export function renderAgentApproval(entry: AgentApprovalEntry): HTMLElement {
  const { request } = entry;
  // The server's text in the UI language (shown); the gate's English where an older server sent none.
  const summary = request.shown?.summary ?? request.summary;
  const reasons = request.shown?.reasons ?? request.reasons;
  const card = el(
    "section",
    { class: `agent-approval ${entry.answer ?? "pending"}`, role: "group", "aria-label": t("Approval needed for step {0}: {1}", entry.step, summary) },
    el("div", { class: "agent-approval-title" }, icon("shield"), t("Step {0} needs your approval", entry.step)),
    el("div", { class: "agent-approval-summary" }, request.command !== undefined ? el("code", {}, request.commandShown ?? request.command) : summary),
  );
  // An MCP call: which server, which tool, and exactly the arguments it would get.
  if (request.mcp) card.append(el("div", { class: "meta" }, icon("server"), t("MCP server {0}, tool {1}", request.mcp.server, request.mcp.tool)), el("pre", { class: "agent-mcp-args" }, request.mcp.arguments));
  if (request.message) card.append(renderEmail(request.message));
  else if (request.paths?.length) card.append(el("div", { class: "meta" }, icon("file"), request.paths.join(", ")));
  // Where the command would run: in the sandbox (and whether approving opens the network) or not confined.
  if (request.sandbox) {
    const text = sandboxText(request.sandbox, request.network === true, t);
    card.append(el("div", { class: `meta agent-sandbox ${text.confined ? "confined" : "unconfined"}`, title: text.detail }, icon(text.confined ? "shield" : "warning"), `${text.label}. ${text.detail}`));
  }
  if (reasons.length) card.append(el("ul", { class: "agent-reasons" }, ...reasons.map((reason) => el("li", {}, reason))));
  if (entry.answer) {
    card.append(el("div", { class: "meta", role: "status" }, icon(entry.answer === "deny" || entry.answer === "cancelled" ? "circle-slash" : "check"), t(ANSWER_TEXT[entry.answer])));
    return card;
  }
  const actions = el(
    "div",
    { class: "agent-actions" },
    agentButton("approve", entry.runId, t("Approve: {0}", summary), "check", { step: entry.step, text: t("Approve") }),
    agentButton("deny", entry.runId, t("Deny: {0}", summary), "close", { step: entry.step, text: t("Deny") }),
  );
  // "Always" is remembered per command line; for file edits it would mean nothing the gate keeps.
  if (request.command !== undefined) actions.append(agentButton("always", entry.runId, t("Always allow this command in this workspace: {0}", request.commandShown ?? request.command), "workspace-trusted", { step: entry.step, text: t("Always allow") }));
  card.append(actions);
  return card;
}

/** 1234 → "1.2 KB"; what the card says about an attachment's size. */
export function sizeText(bytes: number | undefined): string {
  if (bytes === undefined) return "missing";
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "KB"] : [bytes / (1024 * 1024), "MB"];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

function renderEmail(message: ApprovalMessage): HTMLElement {
  const field = (name: WebviewString, value: string) => [el("dt", {}, t(name)), el("dd", {}, value)];
  const headers = el(
    "dl",
    { class: "agent-email-headers" },
    ...field("To", message.to.join(", ")),
    ...(message.cc.length > 0 ? field("Cc", message.cc.join(", ")) : []),
    ...field("Subject", message.subject),
  );
  const email = el("div", { class: "agent-email", role: "group", "aria-label": t("The email as it will be sent") }, headers, el("pre", { class: "agent-email-body" }, message.body));
  if (message.attachments.length > 0) {
    email.append(
      el(
        "ul",
        { class: "agent-email-attachments", "aria-label": t("Attachments") },
        ...message.attachments.map((file) => el("li", {}, icon("file"), `${file.path.split("/").pop() ?? file.path} (${sizeText(file.bytes)})`, el("span", { class: "meta" }, ` ${file.path}`))),
      ),
    );
  } else email.append(el("div", { class: "meta" }, t("No attachments")));
  return email;
}
