// The task feature for both hosts (the pincer/tasks/* requests and Run Task… in VS Code, `pincer task
// list` and `pincer chat --task` in a terminal): the list with broken files named, one task by id or
// name, its prompt filled from a document and selection, and an edit task's proposed replacement.
// Hosts only translate: where the text comes from, and where the answer goes.
import type { ActionModel } from "../actions/action-model";
import { taskEditPrompt } from "../actions/action-prompts";
import type { ProposedReplacement } from "../actions/propose-edit";
import { replacementFor } from "../actions/replacement";
import { PincerError } from "../platform/errors";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { ListTasksResult } from "../protocol/tasks";
import type { TaskDefinition } from "./task-file";
import { renderTaskPrompt } from "./task-render";
import { findTask, listTasks } from "./task-store";

/** No task file has this id or name. */
export class TaskNotFoundError extends PincerError {
  override name = "TaskNotFoundError";
  constructor(readonly taskId: string) {
    super(`No task "${taskId}" in .pincer/tasks of this workspace.`, "invalid-params");
  }
}

/** The workspace's tasks as the quick pick and `pincer task list --json` show them. */
export async function taskSummaries(roots: WorkspaceRoots, signal: AbortSignal): Promise<ListTasksResult> {
  const result: ListTasksResult = { tasks: [], broken: [] };
  for (const entry of await listTasks(roots, signal)) {
    if (entry.task) {
      const { name, description, inputs, context, edit } = entry.task;
      result.tasks.push({ id: entry.id, path: entry.path, name, description, inputs, context, edit });
    } else {
      result.broken.push({ id: entry.id, path: entry.path, problem: entry.problems.find((p) => p.severity === "error")?.message ?? "does not parse" });
    }
  }
  return result;
}

/** A task by id or name; a clear error when it is missing or its file does not parse. */
export async function loadTask(roots: WorkspaceRoots, taskId: string, signal: AbortSignal): Promise<TaskDefinition> {
  if (taskId.trim() === "") throw new PincerError("A task id is required.", "invalid-params");
  const stored = findTask(await listTasks(roots, signal), taskId);
  if (!stored) throw new TaskNotFoundError(taskId);
  if (!stored.task) throw new PincerError(`Task file ${stored.path} has problems: ${stored.problems[0]?.message ?? "it does not parse"}`, "invalid-params");
  return stored.task;
}

/** The text a task works on: a document and the selected offsets in it (start = end: nothing selected). */
export interface TaskText {
  text: string;
  start: number;
  end: number;
}

/** The task's prompt: {{selection}} and {{file}} from the text (none without one), inputs by name. */
export function renderTask(task: TaskDefinition, source: TaskText | undefined, inputs: Readonly<Record<string, string>>): string {
  return renderTaskPrompt(task, source ? { selection: source.text.slice(source.start, source.end), file: source.text, inputs: { ...inputs } } : { inputs: { ...inputs } });
}

export interface TaskEditRequest extends TaskText {
  /** The editor's language id of the text (the prompt names it). */
  languageId: string;
  inputs: Readonly<Record<string, string>>;
}

/**
 * An edit task (`edit: true`) on the selection, or on the whole text when nothing is selected: the
 * model's answer becomes a replacement of that range. Nothing is written; the host shows or prints it.
 */
export async function proposeTaskEdit(model: ActionModel, task: TaskDefinition, request: TaskEditRequest, options: { signal: AbortSignal; maxTokens?: number }): Promise<ProposedReplacement> {
  if (!task.edit) throw new PincerError(`Task "${task.name}" does not edit (edit: false); it answers in the chat.`, "invalid-params");
  const range = request.end > request.start ? { start: request.start, end: request.end } : { start: 0, end: request.text.length };
  const prompt = taskEditPrompt(renderTask(task, { text: request.text, ...range }, request.inputs), request.languageId);
  const result = await model.answer(prompt, { signal: options.signal, ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}) });
  return { replacement: replacementFor("refactor", request.text, range, result.text), answer: result.text, stopReason: result.stopReason };
}
