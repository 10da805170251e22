// pincer task list: the workspace's task files (the current directory is the workspace).
// pincer chat --task NAME: run one with --input name=value and --file F; a task with `edit: true`
// prints the proposed replacement code and writes nothing.
import { promises as fs } from "node:fs";
import { taskEditPrompt } from "../../actions/action-prompts";
import { engineActionModel } from "../../actions/action-model";
import { extractCode } from "../../actions/extract-code";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import type { ListTasksResult, PincerSettings } from "../../protocol";
import { renderTaskPrompt, TaskInputError } from "../../tasks/task-render";
import { findTask, listTasks } from "../../tasks/task-store";
import { loadEngineForCli } from "../load-engine";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../usage";

export async function taskList(json: boolean, signal: AbortSignal): Promise<number> {
  const stored = await listTasks(await WorkspaceRoots.create([process.cwd()]), signal);
  const result: ListTasksResult = { tasks: [], broken: [] };
  for (const entry of stored) {
    if (entry.task) result.tasks.push({ id: entry.id, path: entry.path, name: entry.task.name, description: entry.task.description, inputs: entry.task.inputs, context: entry.task.context, edit: entry.task.edit });
    else result.broken.push({ id: entry.id, path: entry.path, problem: entry.problems.find((p) => p.severity === "error")?.message ?? "does not parse" });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT_OK;
  }
  if (stored.length === 0) process.stdout.write("No tasks in .pincer/tasks/*.pincer.md.\n");
  for (const task of result.tasks) process.stdout.write(`${task.id}\t${task.name}${task.edit ? " (edits)" : ""}${task.description ? ` — ${task.description}` : ""}\n`);
  for (const broken of result.broken) process.stderr.write(`${broken.path}: ${broken.problem}\n`);
  return EXIT_OK;
}

export interface ChatTaskArgs {
  task: string;
  /** `name=value` pairs from --input. */
  inputs: string[];
  file?: string;
  maxTokens?: number;
}

export async function chatTask(settings: PincerSettings, args: ChatTaskArgs, signal: AbortSignal): Promise<number> {
  const roots = await WorkspaceRoots.create([process.cwd()]);
  const stored = findTask(await listTasks(roots, signal), args.task);
  if (!stored) {
    process.stderr.write(`pincer: no task "${args.task}" in .pincer/tasks (see pincer task list).\n`);
    return EXIT_FAILURE;
  }
  if (!stored.task) {
    process.stderr.write(`pincer: ${stored.path}: ${stored.problems[0]?.message ?? "does not parse"}\n`);
    return EXIT_FAILURE;
  }
  const inputs = Object.fromEntries(
    args.inputs.map((pair) => {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new UsageError(`--input takes name=value, got "${pair}".`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
  let fileText: string | undefined;
  if (args.file !== undefined) {
    const resolved = await roots.resolveInside(args.file);
    if (!resolved.ok) throw new UsageError(`--file ${args.file}: ${resolved.reason}.`);
    fileText = await fs.readFile(resolved.path, "utf8");
  }
  let prompt: string;
  try {
    // The CLI has no selection: {{selection}} is the --file text too.
    prompt = renderTaskPrompt(stored.task, { selection: fileText, file: fileText, inputs });
  } catch (error) {
    if (error instanceof TaskInputError) throw new UsageError(`${error.message} Give it with --input name=value.`);
    throw error;
  }
  const { host, engine } = await loadEngineForCli(settings);
  try {
    const model = engineActionModel(engine);
    if (stored.task.edit) {
      const result = await model.answer(taskEditPrompt(prompt, "the file's language"), { signal, maxTokens: args.maxTokens });
      process.stdout.write(`${extractCode(result.text)}\n`);
      return result.stopReason === "cancelled" ? EXIT_FAILURE : EXIT_OK;
    }
    const result = await model.answer(prompt, { signal, maxTokens: args.maxTokens, onText: (text) => process.stdout.write(text) });
    process.stdout.write("\n");
    return result.stopReason === "cancelled" ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await host.dispose();
  }
}
