// Folds one run's AgentEvents into chat transcript entries: the run card (plan, status, summary)
// and a row per tool call (outcome, diff, terminal, undo). Planner actions (finish, replan,
// more_output) update the run card instead of adding rows.
import type { AgentEvent, AgentRunResult } from "../../../server/src/protocol";
import { chartDataUrl, type AgentEntry, type AgentRunEntry, type AgentStepEntry } from "./agent-entries";

export interface EntrySink {
  append(entry: AgentEntry): void;
  update(entry: AgentEntry): void;
}

const PLANNER_ACTIONS = new Set(["finish", "replan", "more_output"]);
const OBSERVATION_CHARS = 4000;

export class AgentRunView {
  readonly run: AgentRunEntry;
  private readonly steps = new Map<number, AgentStepEntry>();
  /** Terminal ids by step, for "Show terminal". */
  readonly terminals = new Map<number, string>();

  constructor(
    readonly id: string,
    request: string,
    readOnly: boolean,
    private readonly sink: EntrySink,
  ) {
    this.run = { kind: "agent-run", id: `agent-run-${id}`, runId: "", request, readOnly, plan: [], stepsTaken: 0, state: "running" };
    sink.append(this.run);
  }

  get runId(): string {
    return this.run.runId;
  }

  onEvent(event: AgentEvent): void {
    const run = this.run;
    switch (event.type) {
      case "run-start":
        run.runId = event.runId;
        return this.sink.update(run);
      case "plan":
      case "replan":
        run.plan = event.steps;
        return this.sink.update(run);
      case "tool-call": {
        if (PLANNER_ACTIONS.has(event.tool)) return;
        const step: AgentStepEntry = { kind: "agent-step", id: `agent-step-${this.id}-${event.step}`, runId: run.runId, step: event.step, tool: event.tool, thought: event.thought, target: targetOf(event.args), state: "running", changedPaths: [] };
        this.steps.set(event.step, step);
        return this.sink.append(step);
      }
      case "permission":
        return this.patch(event.step, (step) => {
          if (event.decision === "deny") step.state = "denied";
        });
      case "checkpoint":
        return this.patch(event.step, (step) => (step.checkpoint = true));
      case "observation":
        return this.patch(event.step, (step) => {
          if (step.state === "running") step.state = event.ok ? "ok" : "failed";
          step.observation = event.text.length > OBSERVATION_CHARS ? `${event.text.slice(0, OBSERVATION_CHARS)}…` : event.text;
          step.changedPaths = event.changedPaths;
          if (typeof event.details?.diff === "string") step.diff = event.details.diff;
          const preview = chartDataUrl(event.details?.preview);
          if (event.ok && preview && typeof event.details?.image === "string") step.image = { dataUrl: preview, path: event.details.image };
          if (event.ok && typeof event.details?.document === "string") step.document = event.details.document;
        });
      case "step-end":
        run.stepsTaken = event.step;
        return this.sink.update(run);
      case "summary":
        run.summary = { summary: event.summary, verified: event.verified };
        return this.sink.update(run);
      case "run-end":
        run.state = event.status;
        if (event.error) run.error = event.error;
        return this.sink.update(run);
      default:
        return;
    }
  }

  /** The PDF a render_document step wrote (workspace path), for "Open PDF". */
  documentOf(step: number): string | undefined {
    return this.steps.get(step)?.document;
  }

  /** The terminal of a run_command started: the step's row gets its link. */
  onTerminal(step: number, terminalId: string, name: string): void {
    this.terminals.set(step, terminalId);
    this.patch(step, (entry) => (entry.terminal = name));
  }

  /** The run request ended (also when no run-end event came: a failure before the run started). */
  finish(outcome: { result: AgentRunResult } | { error: string; cancelled: boolean }): void {
    const run = this.run;
    if ("result" in outcome) {
      run.runId ||= outcome.result.runId;
      run.state = outcome.result.status;
      if (outcome.result.summary) run.summary = outcome.result.summary;
      if (outcome.result.error) run.error = outcome.result.error;
    } else if (run.state === "running") {
      run.state = outcome.cancelled ? "cancelled" : "failed";
      if (!outcome.cancelled) run.error = outcome.error;
    }
    for (const step of this.steps.values()) {
      if (step.state === "running") {
        step.state = "failed";
        this.sink.update(step);
      }
    }
    this.sink.update(run);
  }

  /** After Undo run (no step) or Undo step: those rows no longer offer Undo step. */
  markUndone(stepNumber?: number): void {
    if (stepNumber === undefined) {
      this.run.undone = true;
      this.sink.update(this.run);
    }
    for (const step of this.steps.values()) {
      if ((stepNumber === undefined || step.step === stepNumber) && step.checkpoint) {
        step.checkpoint = false;
        this.sink.update(step);
      }
    }
  }

  private patch(stepNumber: number, change: (step: AgentStepEntry) => void): void {
    const step = this.steps.get(stepNumber);
    if (!step) return;
    change(step);
    this.sink.update(step);
  }
}

/** One line for a call's row: the path(s) or the command it names. */
function targetOf(args: Record<string, unknown>): string {
  const parts = ["command", "path", "from", "to", "query", "pattern", "name", "question"].map((key) => args[key]).filter((value): value is string => typeof value === "string");
  const line = parts.join(" → ").replace(/\s+/g, " ");
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
