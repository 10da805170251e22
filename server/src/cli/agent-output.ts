// How `pincer run` talks to a person or a script: the approval policy of --approve, a readable
// line per event on stderr (stdout stays for the summary or the JSON transcript), and exit codes.
import type { AgentEvent, RunStatus } from "../agent/planner/agent-events";
import type { ApprovalRequest, Approver } from "../agent/tool-types";
import { EXIT_APPROVAL_NEEDED, EXIT_BUDGET_STOP, EXIT_FAILURE, EXIT_OK } from "./usage";

export type ApprovePolicy = "never" | "auto";

/**
 * Headless answers: never ⇒ every ask is refused (the run stops, exit 4); auto ⇒ asks are approved, except an
 * email: a message leaves only after a person read it whole, which a policy flag is not. Denies stay denies.
 */
export function policyApprover(policy: ApprovePolicy): Approver {
  return { request: async (request: ApprovalRequest) => (policy === "auto" && request.message === undefined ? "approve" : "deny") };
}

export function exitCodeFor(status: RunStatus): number {
  switch (status) {
    case "finished":
      return EXIT_OK;
    case "budget":
      return EXIT_BUDGET_STOP;
    case "approval-needed":
      return EXIT_APPROVAL_NEEDED;
    case "cancelled":
    case "failed":
      return EXIT_FAILURE;
  }
}

/** One short line per event worth a person's attention; undefined for the rest. */
export function describeEvent(event: AgentEvent): string | undefined {
  switch (event.type) {
    case "plan":
      return `Plan:\n${event.steps.map((step, i) => `  ${i + 1}. ${step}`).join("\n")}`;
    case "tool-call":
      return `[${event.step}] ${event.tool} ${oneLine(JSON.stringify(event.args), 160)}`;
    case "permission":
      return event.decision === "deny" ? `[${event.step}] denied: ${event.reasons.join("; ")}` : undefined;
    case "approval-needed":
      return `[${event.step}] needs approval: ${event.request.summary}${event.request.reasons.length ? ` (${event.request.reasons.join("; ")})` : ""}${sandboxNote(event.request)}`;
    case "approval-answered":
      return `[${event.step}] approval: ${event.answer}`;
    case "checkpoint":
      return `[${event.step}] checkpoint ${event.checkpointId}`;
    case "observation":
      return `[${event.step}] ${event.ok ? "ok" : "error"}: ${oneLine(event.text, 200)}`;
    case "replan":
      return `[${event.step}] re-plan (${event.reason}):\n${event.steps.map((step, i) => `  ${i + 1}. ${step}`).join("\n")}`;
    case "compacted":
      return `(older observations summarised: steps ${event.summarisedSteps.join(", ")})`;
    case "budget-stop":
      return `Stopped: the ${event.budget} budget is spent (${event.usage.steps} steps, ${event.usage.tokens} tokens, ${Math.round(event.usage.wallMs / 1000)} s).`;
    default:
      return undefined;
  }
}

/** How an asked-for command would run: in which sandbox, with or without network. */
export function sandboxNote(request: ApprovalRequest): string {
  const sandbox = request.sandbox;
  if (!sandbox) return "";
  if (sandbox.kind === "none") return ` [not sandboxed: ${sandbox.reason ?? "unavailable"}]`;
  return ` [sandboxed: ${sandbox.kind}, ${request.network ? "WITH network access" : "no network"}]`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
