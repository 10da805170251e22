// What `pincer run` and `pincer undo` give the agent in a terminal: the workspace folder (trusted:
// the person named it), the tools, the permission gate with the chosen profile and the settings'
// overrides, atomic file writes, the process command runner (in the OS sandbox when there is one)
// and checkpoints in Pincer's storage.
import { promises as fs } from "node:fs";
import { ShadowCheckpoints } from "../agent/checkpoints";
import { CliFileWriter } from "../agent/cli-file-writer";
import { ProcessCommandRunner } from "../agent/command-runner";
import { loadCommandRules } from "../agent/command-rules-file";
import { createPermissionGate, type PermissionProfile } from "../agent/permissions";
import { detectCommandSandbox, type CommandSandbox } from "../agent/sandbox/command-sandbox";
import type { CheckpointStore, PermissionGate, ToolContext, ToolDefinition } from "../agent/tool-types";
import { createTools } from "../agent/tools/index";
import { CodebaseService } from "../codebase/codebase-service";
import { createOcrDocumentTool } from "../ocr/ocr-tool";
import { WorkspaceRoots } from "../platform/workspace-paths";
import type { AgentSettings, PincerSettings } from "../protocol";
import { stderrLogger } from "../platform/log";
import { defaultCacheDir } from "../store/json-store";
import { UsageError } from "./usage";

export interface CliAgentHost {
  roots: WorkspaceRoots;
  tools: ToolDefinition[];
  gate: PermissionGate;
  checkpoints: CheckpointStore;
  context: Omit<ToolContext, "signal">;
  sandbox: CommandSandbox;
  /** Closes what the run opened (the codebase index). */
  dispose(): Promise<void>;
}

export async function workspaceRoots(workspace: string): Promise<WorkspaceRoots> {
  const stat = await fs.stat(workspace).catch(() => undefined);
  if (!stat?.isDirectory()) throw new UsageError(`--workspace ${workspace} is not a folder.`);
  const roots = await WorkspaceRoots.create([workspace]);
  if (roots.roots.length === 0) throw new UsageError(`--workspace ${workspace} cannot be resolved.`);
  return roots;
}

export function cliCheckpoints(roots: WorkspaceRoots): CheckpointStore {
  return new ShadowCheckpoints({ storageDir: defaultCacheDir(), roots, files: new CliFileWriter() });
}

export async function createCliAgentHost(
  workspace: string,
  profile: PermissionProfile,
  settings: AgentSettings,
  indexSettings?: Pick<PincerSettings, "index" | "gpu" | "modelsDir">,
): Promise<CliAgentHost> {
  const roots = await workspaceRoots(workspace);
  // search_code: the workspace's index in Pincer's cache, brought up to date on the first search.
  const codebase = new CodebaseService({ storageDir: defaultCacheDir(), log: stderrLogger(process.env.PINCER_LOG === "debug" ? "debug" : "warn") });
  const indexed = indexSettings?.index.enabled
    ? await codebase.configure({ folders: [roots.roots[0]!.path], excludes: [], settings: indexSettings, background: false }).then(() => codebase.available, () => false)
    : false;
  const files = new CliFileWriter();
  const sandbox = await detectCommandSandbox({ setting: settings.sandbox });
  const gate = createPermissionGate({
    profile,
    toolOverrides: settings.toolPermissions,
    rules: await loadCommandRules(roots.roots[0]!.path),
    trusted: true,
    // Asks reach the --approve policy, so a refused one can end the run with exit code 4.
    headless: false,
    roots,
    sandbox: sandbox.info,
  });
  const commands = new ProcessCommandRunner({ sandbox, roots: roots.roots.map((root) => root.path) });
  return {
    roots,
    tools: [...createTools(indexed ? { codebase: () => codebase } : {}), createOcrDocumentTool()],
    gate,
    checkpoints: cliCheckpoints(roots),
    context: { roots, files, commands },
    sandbox,
    dispose: () => codebase.dispose(),
  };
}
