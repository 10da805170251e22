// What a run reports as it goes. The JSON transcript (transcript.ts), the CLI and the VS Code UI
// all consume these same events; their shapes are wire types, defined once in protocol/agent.ts.
export type { AgentEvent, RunStatus, Usage } from "../../protocol/agent";
