// Folds a run's events into the JSON transcript that `pincer run --json` prints and the UI shows:
// plan, steps (call, permission, approval, checkpoint, observation, cost), summary, outcome.
import type { ApprovalAnswer, ApprovalRequest, PermissionDecision } from "../tool-types";
import type { AgentEvent, RunStatus, Usage } from "./agent-events";
import type { BudgetKind } from "./budgets";

export interface TranscriptStep {
  step: number;
  thought?: string;
  tool?: string;
  args?: Record<string, unknown>;
  /** Set when the model's answer was not a valid call (only possible with a model that ignores the grammar). */
  invalidCall?: { text: string; error: string };
  permission?: { decision: PermissionDecision; reasons: string[] };
  approval?: { request: ApprovalRequest; answer?: ApprovalAnswer };
  checkpointId?: string;
  result?: { ok: boolean; observation: string; truncated: boolean; changedPaths: string[]; details?: Record<string, unknown> };
  replan?: { reason: string; steps: string[] };
  evaluatedPromptTokens?: number;
  newPromptTokens?: number;
  generatedTokens?: number;
  ms?: number;
}

export interface Transcript {
  runId: string;
  request: string;
  startedAt: string;
  status: RunStatus;
  fixedPromptTokens: number;
  plan: string[];
  steps: TranscriptStep[];
  summary?: { summary: string; verified: string };
  changedPaths: string[];
  checkpointIds: string[];
  budgetStop?: BudgetKind;
  usage: Usage;
  error?: string;
}

export class TranscriptRecorder {
  private readonly transcript: Transcript = {
    runId: "",
    request: "",
    startedAt: "",
    status: "failed",
    fixedPromptTokens: 0,
    plan: [],
    steps: [],
    changedPaths: [],
    checkpointIds: [],
    usage: { steps: 0, tokens: 0, wallMs: 0 },
  };

  record(event: AgentEvent): void {
    const t = this.transcript;
    switch (event.type) {
      case "run-start":
        Object.assign(t, { runId: event.runId, request: event.request, startedAt: event.startedAt, fixedPromptTokens: event.fixedPromptTokens });
        return;
      case "plan":
        t.plan = [...event.steps];
        return;
      case "step-start":
        t.steps.push({ step: event.step });
        return;
      case "tool-call":
        Object.assign(this.step(event.step), { thought: event.thought, tool: event.tool, args: event.args });
        return;
      case "invalid-call":
        this.step(event.step).invalidCall = { text: event.text, error: event.error };
        return;
      case "permission":
        this.step(event.step).permission = { decision: event.decision, reasons: event.reasons };
        return;
      case "approval-needed":
        this.step(event.step).approval = { request: event.request };
        return;
      case "approval-answered": {
        const step = this.step(event.step);
        if (step.approval) step.approval.answer = event.answer;
        return;
      }
      case "checkpoint":
        this.step(event.step).checkpointId = event.checkpointId;
        t.checkpointIds.push(event.checkpointId);
        return;
      case "observation":
        this.step(event.step).result = { ok: event.ok, observation: event.text, truncated: event.truncated, changedPaths: event.changedPaths, details: event.details };
        for (const changed of event.changedPaths) if (!t.changedPaths.includes(changed)) t.changedPaths.push(changed);
        return;
      case "step-end":
        Object.assign(this.step(event.step), { evaluatedPromptTokens: event.evaluatedPromptTokens, newPromptTokens: event.newPromptTokens, generatedTokens: event.generatedTokens, ms: event.ms });
        return;
      case "replan":
        this.step(event.step).replan = { reason: event.reason, steps: event.steps };
        t.plan = [...event.steps];
        return;
      case "summary":
        t.summary = { summary: event.summary, verified: event.verified };
        return;
      case "budget-stop":
        t.budgetStop = event.budget;
        return;
      case "run-end":
        t.status = event.status;
        t.usage = event.usage;
        if (event.error !== undefined) t.error = event.error;
        return;
      case "compacted":
        return;
    }
  }

  toJSON(): Transcript {
    return structuredClone(this.transcript);
  }

  private step(step: number): TranscriptStep {
    let record = this.transcript.steps.find((s) => s.step === step);
    if (!record) {
      record = { step };
      this.transcript.steps.push(record);
    }
    return record;
  }
}
