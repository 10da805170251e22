// The planner's public API for hosts (the CLI today, the LSP handler next).
export { runAgent, DEFAULT_PLANNER_LIMITS, type PlannerLimits, type RunAgentOptions } from "./planner";
export type { AgentEvent, RunStatus, Usage } from "./agent-events";
export type { Transcript, TranscriptStep } from "./transcript";
export type { AgentBudgets, BudgetKind } from "./budgets";
export type { AgentModel, AgentGenerateRequest, AgentGeneration } from "./agent-model";
export { EngineAgentModel } from "./engine-agent-model";
export { AGENT_SCRIPT_ENV, ScriptedModel, scriptedModelFromEnv } from "./scripted-model";
export { describeWorkspace } from "./workspace-context";
