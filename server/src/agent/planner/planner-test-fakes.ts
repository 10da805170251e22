// In-memory stand-ins for the tools, permission gate, approver and checkpoints, used by the planner's
// tests only. They follow the contracts in tool-types.ts; the real ones live in agent/tools/,
// permissions.ts and checkpoints.ts.
import type {
  ApprovalAnswer,
  ApprovalRequest,
  Approver,
  CheckpointStore,
  PermissionCheck,
  PermissionDecision,
  PermissionGate,
  ToolContext,
  ToolDefinition,
  UndoReport,
} from "../tool-types";
import os from "node:os";
import { WorkspaceRoots } from "../../platform/workspace-paths";

export class MemoryWorkspace {
  readonly files = new Map<string, string>();
  readonly commands: string[] = [];
  /** Paths any tool was asked to read or write, for confinement assertions. */
  readonly touched: string[] = [];
  /** Exit code per command line; default 0. */
  readonly commandResults = new Map<string, { exitCode: number; output: string }>();

  constructor(files: Record<string, string> = {}) {
    for (const [path, content] of Object.entries(files)) this.files.set(path, content);
  }
}

export function fakeTools(ws: MemoryWorkspace): ToolDefinition[] {
  const read: ToolDefinition = {
    name: "read_file",
    description: "Read a file.",
    parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
    effect: "read",
    targets: (args) => ({ paths: [String(args.path)] }),
    run: async (args) => {
      ws.touched.push(String(args.path));
      const content = ws.files.get(String(args.path));
      return content === undefined ? { ok: false, observation: `File not found: ${String(args.path)}. List the folder first.` } : { ok: true, observation: content };
    },
  };
  const replace: ToolDefinition = {
    name: "replace_in_file",
    description: "Replace exact text in a file.",
    parameters: { type: "object", properties: { path: { type: "string" }, old: { type: "string" }, new: { type: "string" } }, required: ["path", "old", "new"] },
    effect: "edit",
    targets: (args) => ({ paths: [String(args.path)] }),
    run: async (args) => {
      const path = String(args.path);
      ws.touched.push(path);
      const content = ws.files.get(path);
      if (content === undefined) return { ok: false, observation: `File not found: ${path}.` };
      if (!content.includes(String(args.old))) return { ok: false, observation: `The old text was not found in ${path}. Read the file again.` };
      ws.files.set(path, content.split(String(args.old)).join(String(args.new)));
      return { ok: true, observation: `Edited ${path}.`, changedPaths: [path] };
    },
  };
  const run: ToolDefinition = {
    name: "run_command",
    description: "Run a shell command in the workspace.",
    parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
    effect: "command",
    targets: (args) => ({ paths: [], command: String(args.command) }),
    run: async (args) => {
      const command = String(args.command);
      ws.commands.push(command);
      const result = ws.commandResults.get(command) ?? { exitCode: 0, output: "" };
      return { ok: result.exitCode === 0, observation: `exit ${result.exitCode}\n${result.output}`, details: { exitCode: result.exitCode } };
    },
  };
  return [read, replace, run];
}

/** Decides by effect, like a role profile; commands matching `askCommands` ask. */
export class FakeGate implements PermissionGate {
  readonly remembered: ApprovalRequest[] = [];
  readonly checked: string[] = [];

  constructor(private readonly decisions: Partial<Record<ToolDefinition["effect"], PermissionDecision>> = {}) {}

  async check(tool: ToolDefinition, args: Record<string, unknown>): Promise<PermissionCheck> {
    this.checked.push(tool.name);
    const decision = this.decisions[tool.effect] ?? "allow";
    const targets = tool.targets(args);
    const summary = targets.command ? `Run \`${targets.command}\`` : `${tool.name} ${targets.paths.join(", ")}`;
    return { decision, reasons: decision === "allow" ? [] : [`profile says ${decision} for ${tool.effect}`], request: { tool: tool.name, summary, command: targets.command, paths: targets.paths, reasons: [] } };
  }

  async rememberApproval(request: ApprovalRequest): Promise<void> {
    this.remembered.push(request);
  }
}

export class FakeApprover implements Approver {
  readonly requests: ApprovalRequest[] = [];
  constructor(private readonly answer: ApprovalAnswer) {}
  async request(request: ApprovalRequest): Promise<ApprovalAnswer> {
    this.requests.push(request);
    return this.answer;
  }
}

export class FakeCheckpoints implements CheckpointStore {
  readonly log: string[] = [];
  readonly paths: string[][] = [];
  async beforeStep(runId: string, step: number, _signal: AbortSignal, paths: readonly string[] = []): Promise<string> {
    this.log.push(`before ${step}`);
    this.paths.push([...paths]);
    return `cp-${step}`;
  }
  async afterStep(_runId: string, step: number): Promise<{ changedPaths: string[] }> {
    this.log.push(`after ${step}`);
    return { changedPaths: [] };
  }
  async undoStep(): Promise<UndoReport> {
    return { restored: [], conflicts: [] };
  }
  async undoRun(): Promise<UndoReport> {
    return { restored: [], conflicts: [] };
  }
  async listRuns(): Promise<{ runId: string; startedAt: string; steps: number }[]> {
    return [];
  }
}

export async function fakeContext(): Promise<Omit<ToolContext, "signal">> {
  const unused = async () => {
    throw new Error("The fake tools do not use the host's writer or runner.");
  };
  return {
    roots: await WorkspaceRoots.create([os.tmpdir()]),
    files: { write: unused, delete: unused, rename: unused },
    commands: { run: unused },
  };
}
