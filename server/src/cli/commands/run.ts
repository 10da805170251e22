// pincer run: the agent does a task in a workspace, headless. Progress goes to stderr, the summary
// (or with --json the whole transcript) to stdout; the exit code says how the run ended.
import { agentModel, runAgentSession } from "../../agent/agent-session";
import type { PermissionProfile } from "../../agent/permissions";
import { cliLogger } from "../../platform/log";
import type { PincerSettings } from "../../protocol";
import { createCliAgentSession } from "../agent-host";
import { describeEvent, exitCodeFor, policyApprover, type ApprovePolicy } from "../agent-output";
import { remoteAgentModelFor } from "../../remote/role-models";
import { cliRemoteEngines } from "../remote-file";
import { loadEngineForCli } from "../load-engine";
import { McpHub, type McpTool } from "../../mcp/mcp-hub";
import { cliMcpScope } from "./mcp";

export interface RunArgs {
  workspace: string;
  task: string;
  profile?: PermissionProfile;
  approve: ApprovePolicy;
  maxSteps?: number;
  /** An mcp.json-shaped file whose servers the agent may use (the person named it: user entries). */
  mcpConfig?: string;
  json: boolean;
}

export async function run(settings: PincerSettings, args: RunArgs, signal: AbortSignal): Promise<number> {
  const hub = new McpHub({ log: cliLogger() });
  try {
    const mcpTools = await hub.tools(await cliMcpScope(settings, args.workspace, args.mcpConfig, signal), signal);
    return await runWith(settings, args, mcpTools, signal);
  } finally {
    await hub.close();
  }
}

async function runWith(settings: PincerSettings, args: RunArgs, mcpTools: McpTool[], signal: AbortSignal): Promise<number> {
  const session = await createCliAgentSession(args.workspace, args.profile ?? settings.agent.profile, settings.agent, settings, mcpTools);
  const sandbox = session.sandbox.info;
  if (sandbox.kind === "none") process.stderr.write(`Commands run without a sandbox: ${sandbox.reason ?? "unavailable"}${sandbox.required ? "; they are refused (pincer.agent.sandbox is \"required\")" : "; only the command rules apply"}.\n`);
  let loaded: Awaited<ReturnType<typeof loadEngineForCli>> | undefined;
  const remote = await cliRemoteEngines();
  try {
    const model = await agentModel(async () => (loaded = await loadEngineForCli(settings, signal, { quiet: args.json })).engine, cliLogger(), remoteAgentModelFor(settings, remote, cliLogger(), signal));
    const transcript = await runAgentSession(session, {
      request: args.task,
      model,
      approver: policyApprover(args.approve),
      settings: settings.agent,
      ...(args.maxSteps !== undefined ? { maxSteps: args.maxSteps } : {}),
      signal,
      stopOnRefusedApproval: true,
      onEvent: (event) => {
        if (args.json) return;
        const line = describeEvent(event);
        if (line !== undefined) process.stderr.write(`${line}\n`);
      },
    });
    if (args.json) {
      process.stdout.write(`${JSON.stringify(transcript, null, 2)}\n`);
    } else {
      const outcome = transcript.summary ? `${transcript.summary.summary}\nVerified: ${transcript.summary.verified}` : `Run ended: ${transcript.status}${transcript.budgetStop ? ` (${transcript.budgetStop} budget)` : ""}${transcript.error ? ` (${transcript.error})` : ""}`;
      const changed = transcript.changedPaths.length > 0 ? `\nChanged: ${transcript.changedPaths.join(", ")}\nUndo: pincer undo --workspace ${args.workspace} ${transcript.runId}` : "";
      process.stdout.write(`${outcome}${changed}\n`);
    }
    return exitCodeFor(transcript.status);
  } finally {
    remote.dispose();
    await Promise.all([loaded?.host.dispose(), session.dispose()]);
  }
}
