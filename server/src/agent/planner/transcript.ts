// Folds a run's events into the JSON transcript that `pincer run --json` prints and the UI shows:
// plan, steps (call, permission, approval, checkpoint, observation, cost), summary, outcome.
// The transcript's shape is a wire type (protocol/agent.ts): "Open transcript as JSON" receives it.
import type { AgentEvent, Transcript, TranscriptStep } from "../../protocol/agent";

export type { Transcript, TranscriptStep };

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
