// pincer run: the agent does a task in a workspace, headless. Progress goes to stderr, the summary
// (or with --json the whole transcript) to stdout; the exit code says how the run ended.
import type { PermissionProfile } from "../../agent/permissions";
import { describeWorkspace, EngineAgentModel, runAgent } from "../../agent/planner/index";
import type { PincerSettings } from "../../protocol";
import { createCliAgentHost } from "../agent-host";
import { describeEvent, exitCodeFor, policyApprover, type ApprovePolicy } from "../agent-output";
import { loadEngineForCli } from "../load-engine";

export interface RunArgs {
  workspace: string;
  task: string;
  profile?: PermissionProfile;
  approve: ApprovePolicy;
  maxSteps?: number;
  json: boolean;
}

export async function run(settings: PincerSettings, args: RunArgs, signal: AbortSignal): Promise<number> {
  const host = await createCliAgentHost(args.workspace, args.profile ?? settings.agent.profile, settings.agent, settings);
  if (host.sandbox.info.kind === "none") process.stderr.write(`Commands run without a sandbox: ${host.sandbox.info.reason ?? "unavailable"}${host.sandbox.info.required ? "; they are refused (pincer.agent.sandbox is \"required\")" : "; only the command rules apply"}.\n`);
  const { host: modelHost, engine } = await loadEngineForCli(settings, { quiet: args.json }).catch(async (error: unknown) => {
    await host.dispose();
    throw error;
  });
  try {
    const transcript = await runAgent({
      request: args.task,
      workspaceContext: await describeWorkspace(host.roots),
      model: new EngineAgentModel(engine.sequence("agent")),
      tools: host.tools,
      context: host.context,
      gate: host.gate,
      approver: policyApprover(args.approve),
      checkpoints: host.checkpoints,
      budgets: {
        maxSteps: args.maxSteps ?? settings.agent.maxSteps,
        maxTokens: settings.agent.maxTokens,
        maxWallMs: settings.agent.maxWallSeconds * 1000,
      },
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
    await Promise.all([modelHost.dispose(), host.dispose()]);
  }
}
