// Run budgets: steps, tokens (prompt tokens evaluated + tokens generated) and wall time. The
// context window is the fourth bound; the planner enforces it by compacting the conversation.
import type { BudgetKind, Usage } from "../../protocol/agent";

export type { BudgetKind };

export interface AgentBudgets {
  maxSteps: number;
  maxTokens: number;
  maxWallMs: number;
}

export class BudgetTracker {
  private tokens = 0;
  private steps = 0;
  private readonly startedAt: number;

  constructor(
    readonly budgets: AgentBudgets,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  addTokens(count: number): void {
    this.tokens += count;
  }

  startStep(): number {
    return ++this.steps;
  }

  get usage(): Usage {
    return { steps: this.steps, tokens: this.tokens, wallMs: this.now() - this.startedAt };
  }

  /** The first budget already spent, or undefined while there is room for another step. */
  exhausted(): BudgetKind | undefined {
    if (this.steps >= this.budgets.maxSteps) return "steps";
    if (this.tokens >= this.budgets.maxTokens) return "tokens";
    if (this.now() - this.startedAt >= this.budgets.maxWallMs) return "time";
    return undefined;
  }

  /** Milliseconds left before the wall-time budget runs out. */
  remainingMs(): number {
    return Math.max(0, this.budgets.maxWallMs - (this.now() - this.startedAt));
  }
}
