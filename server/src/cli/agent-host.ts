// What `pincer run` and `pincer undo` give the agent in a terminal (agent/agent-session.ts does the
// rest): the --workspace folder (trusted: the person named it), atomic file writes, and checkpoints
// in Pincer's storage.
import { promises as fs } from "node:fs";
import { agentCheckpoints, openAgentSession, type AgentSession, type CheckpointLockPorts } from "../agent/agent-session";
import { CliFileWriter } from "../agent/cli-file-writer";
import type { PermissionProfile } from "../agent/permissions";
import { detectCommandSandbox } from "../agent/sandbox/command-sandbox";
import type { CheckpointStore } from "../agent/tool-types";
import { WorkspaceRoots } from "../platform/workspace-paths";
import type { AgentSettings } from "../protocol";
import { defaultCacheDir } from "../store/json-store";
import { UsageError } from "./usage";
import type { McpTool } from "../mcp/mcp-hub";

export async function workspaceRoots(workspace: string): Promise<WorkspaceRoots> {
  const stat = await fs.stat(workspace).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UsageError(`--workspace ${workspace} is not a folder.`);
  const roots = await WorkspaceRoots.create([workspace]);
  if (roots.roots.length === 0) throw new UsageError(`--workspace ${workspace} cannot be resolved.`);
  return roots;
}

/** Checkpoints in Pincer's cache; the workspace lock is shared with the VS Code server and other `pincer` runs. */
export function cliCheckpoints(roots: WorkspaceRoots, holderName = "pincer run"): CheckpointStore {
  return agentCheckpoints(roots, defaultCacheDir(), new CliFileWriter(), cliLock(holderName));
}

function cliLock(holderName: string): CheckpointLockPorts {
  return {
    holderName,
    onWait: (holder) => process.stderr.write(`pincer: another agent run is using this workspace (${holder}); waiting for it to finish its step…\n`),
  };
}

export async function createCliAgentSession(workspace: string, profile: PermissionProfile, settings: AgentSettings, mcpTools: readonly McpTool[] = []): Promise<AgentSession> {
  return openAgentSession({
    mcpTools,
    roots: await workspaceRoots(workspace),
    profile,
    settings,
    sandbox: await detectCommandSandbox({ setting: settings.sandbox }),
    host: { files: new CliFileWriter(), storageDir: defaultCacheDir(), lock: cliLock("pincer run"), rememberApprovals: false, trusted: true },
  });
}
