// pincer undo: put back the files an agent run changed (the newest run unless RUN_ID is given).
// Files the person changed after the agent did are reported as conflicts and left alone.
import { UnknownRunError, undoAgentRun } from "../../agent/agent-session";
import { cliCheckpoints, workspaceRoots } from "../agent-host";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

export async function undo(args: { workspace: string; runId?: string; json: boolean }, signal: AbortSignal): Promise<number> {
  const checkpoints = cliCheckpoints(await workspaceRoots(args.workspace), "pincer undo");
  let undone;
  try {
    undone = await undoAgentRun(checkpoints, args.runId, undefined, signal);
  } catch (error) {
    if (!(error instanceof UnknownRunError)) throw error;
    const known = error.known.length > 0 ? ` Known runs: ${error.known.slice(0, 5).join(", ")}.` : "";
    process.stderr.write(`pincer: ${args.runId === undefined ? "no agent run to undo in this workspace." : `no run ${args.runId} in this workspace.`}${known}\n`);
    return EXIT_FAILURE;
  }
  const { runId, report } = undone;
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ runId, ...report }, null, 2)}\n`);
  } else {
    process.stdout.write(`Undid run ${runId}: ${report.restored.length} file(s) restored.\n`);
    for (const file of report.restored) process.stdout.write(`  restored ${file}\n`);
    for (const conflict of report.conflicts) process.stdout.write(`  kept ${conflict.path}: ${conflict.reason}\n`);
  }
  return report.conflicts.length > 0 ? EXIT_FAILURE : EXIT_OK;
}
