// What a run reports as it goes. The JSON transcript (transcript.ts), the CLI and the VS Code UI
// all consume these same events.
import type { ApprovalAnswer, ApprovalRequest, PermissionDecision } from "../tool-types";
import type { BudgetKind } from "./budgets";

export type RunStatus = "finished" | "budget" | "approval-needed" | "cancelled" | "failed";

export interface Usage {
  steps: number;
  /** Prompt tokens evaluated plus tokens generated, over the whole run. */
  tokens: number;
  wallMs: number;
}

export type AgentEvent =
  | { type: "run-start"; runId: string; request: string; startedAt: string; fixedPromptTokens: number }
  | { type: "plan"; steps: string[] }
  | { type: "step-start"; step: number }
  | { type: "tool-call"; step: number; thought: string; tool: string; args: Record<string, unknown> }
  | { type: "invalid-call"; step: number; text: string; error: string }
  | { type: "permission"; step: number; decision: PermissionDecision; reasons: string[] }
  | { type: "approval-needed"; step: number; request: ApprovalRequest }
  | { type: "approval-answered"; step: number; answer: ApprovalAnswer }
  | { type: "checkpoint"; step: number; checkpointId: string }
  | { type: "observation"; step: number; ok: boolean; text: string; truncated: boolean; changedPaths: string[]; details?: Record<string, unknown> }
  /** evaluatedPromptTokens: what the model evaluated; newPromptTokens: what was new since the last answer (equal when the KV cache held the rest). */
  | { type: "step-end"; step: number; evaluatedPromptTokens: number; newPromptTokens: number; generatedTokens: number; ms: number }
  | { type: "replan"; step: number; reason: string; steps: string[] }
  | { type: "compacted"; summarisedSteps: number[] }
  | { type: "summary"; summary: string; verified: string; changedPaths: string[] }
  | { type: "budget-stop"; budget: BudgetKind; usage: Usage }
  | { type: "run-end"; status: RunStatus; usage: Usage; error?: string };
