// pincer task list: the workspace's task files (the current directory is the workspace).
// pincer chat --task NAME: run one with --input name=value and --file F; a task with `edit: true`
// prints the proposed replacement code and writes nothing. tasks/task-service.ts does the work.
import path from "node:path";
import { fileErrorText } from "../exit-codes";
import { InputFileError } from "../input-file";
import { promises as fs } from "node:fs";
import { engineActionModel } from "../../actions/action-model";
import { languageIdForPath } from "../../index/grammars";
import { PincerError } from "../../platform/errors";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import type { PincerSettings } from "../../protocol";
import { TaskInputError } from "../../tasks/task-render";
import { loadTask, proposeTaskEdit, renderTask, taskSummaries, TaskNotFoundError, type TaskText } from "../../tasks/task-service";
import { loadEngineForCli } from "../load-engine";
import { EXIT_FAILURE, EXIT_OK, UsageError } from "../usage";

export async function taskList(json: boolean, signal: AbortSignal): Promise<number> {
  const result = await taskSummaries(await WorkspaceRoots.create([process.cwd()]), signal);
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT_OK;
  }
  if (result.tasks.length + result.broken.length === 0) process.stdout.write("No tasks in .pincer/tasks/*.pincer.md.\n");
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
  const task = await loadTask(roots, args.task, signal).catch((error: unknown) => {
    if (error instanceof TaskNotFoundError) throw new PincerError(`no task "${args.task}" in .pincer/tasks (see pincer task list).`, "invalid-params");
    throw error;
  });
  const inputs = Object.fromEntries(
    args.inputs.map((pair) => {
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new UsageError(`--input takes name=value, got "${pair}".`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
  // The CLI has no selection: the task works on the whole --file (its {{selection}} is the file too).
  let source: TaskText | undefined;
  if (args.file !== undefined) {
    await fs.stat(path.resolve(args.file)).catch((error: unknown) => {
      throw new InputFileError(`--file ${fileErrorText(error) ?? `cannot read ${args.file}.`}`);
    });
    const resolved = await roots.resolveInside(args.file);
    if (!resolved.ok) throw new UsageError(`--file ${args.file}: ${resolved.reason}.`);
    const text = await fs.readFile(resolved.path, "utf8");
    source = { text, start: 0, end: text.length };
  }
  let prompt: string;
  try {
    prompt = renderTask(task, source, inputs);
  } catch (error) {
    if (error instanceof TaskInputError) throw new UsageError(`${error.message} Give it with --input name=value.`);
    throw error;
  }
  const { host, engine } = await loadEngineForCli(settings, signal);
  try {
    const model = engineActionModel(engine);
    if (task.edit) {
      const request = { ...(source ?? { text: "", start: 0, end: 0 }), languageId: args.file === undefined ? "plaintext" : languageIdForPath(args.file), inputs };
      const proposal = await proposeTaskEdit(model, task, request, { signal, maxTokens: args.maxTokens });
      const code = proposal.replacement.newText;
      process.stdout.write(code.endsWith("\n") ? code : `${code}\n`);
      return proposal.stopReason === "cancelled" ? EXIT_FAILURE : EXIT_OK;
    }
    const result = await model.answer(prompt, { signal, maxTokens: args.maxTokens, onText: (text) => process.stdout.write(text) });
    process.stdout.write("\n");
    return result.stopReason === "cancelled" ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await host.dispose();
  }
}
