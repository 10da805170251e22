// What `pincer run` and `pincer undo` give the agent in a terminal (agent/agent-session.ts does the
// rest): the --workspace folder (trusted: the person named it), atomic file writes, and checkpoints
// in Pincer's storage.
import { envSecrets } from "../report/secrets";
import { InputFileError } from "./input-file";
import { promises as fs } from "node:fs";
import { agentCheckpoints, openAgentSession, type AgentSession, type CheckpointLockPorts } from "../agent/agent-session";
import { CliFileWriter } from "../agent/cli-file-writer";
import type { PermissionProfile } from "../agent/permissions";
import { detectCommandSandbox } from "../agent/sandbox/command-sandbox";
import type { CheckpointStore } from "../agent/tool-types";
import { CodebaseService } from "../codebase/codebase-service";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { stderrLogger } from "../platform/log";
import type { AgentSettings, PincerSettings } from "../protocol";
import { defaultCacheDir } from "../store/json-store";
import { UsageError } from "./usage";
import type { McpTool } from "../mcp/mcp-hub";

export async function workspaceRoots(workspace: string): Promise<WorkspaceRoots> {
  const stat = await fs.stat(workspace).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputFileError(`--workspace ${workspace} is not a folder${stat ? "" : " (it does not exist)"}.`);
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

export interface CliAgentSession extends AgentSession {
  /** Closes what the run opened (the codebase index). */
  dispose(): Promise<void>;
}

/** With `indexSettings` (and pincer.index.enabled) the agent gets search_code over the workspace's index. */
export async function createCliAgentSession(
  workspace: string,
  profile: PermissionProfile,
  settings: AgentSettings,
  indexSettings?: Pick<PincerSettings, "index" | "gpu" | "modelsDir">,
  mcpTools: readonly McpTool[] = [],
): Promise<CliAgentSession> {
  const roots = await workspaceRoots(workspace);
  // search_code: the workspace's index in Pincer's cache, brought up to date on the first search.
  const codebase = new CodebaseService({ storageDir: defaultCacheDir(), log: stderrLogger(process.env.PINCER_LOG === "debug" ? "debug" : "warn") });
  const indexed = indexSettings?.index.enabled
    ? await codebase.configure({ folders: [roots.roots[0]!.path], excludes: [], settings: indexSettings, background: false }).then(() => codebase.available, () => false)
    : false;
  try {
    const session = await openAgentSession({
      mcpTools,
      roots,
      profile,
      settings,
      sandbox: await detectCommandSandbox({ setting: settings.sandbox }),
      host: {
        files: new CliFileWriter(),
        storageDir: defaultCacheDir(),
        lock: cliLock("pincer run"),
        rememberApprovals: false,
        trusted: true,
        // Report passwords: PINCER_SMTP_PASSWORD, PINCER_DB_PASSWORD_<NAME> (report/secrets.ts).
        secret: envSecrets(process.env),
        ...(indexed ? { codebase: () => codebase } : {}),
      },
    });
    return { ...session, dispose: () => codebase.dispose() };
  } catch (error) {
    await codebase.dispose();
    throw error;
  }
}
