// pincer/listTasks and pincer/renderTask: the team's task files for the quick pick, and a read-only
// task's prompt filled from the active editor for the chat.
import { ErrorCodes, ResponseError, type Connection, type TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { ListTasksRequest, RenderTaskRequest, type ListTasksResult, type RenderTaskParams, type RenderTaskResult } from "../protocol";
import type { TaskDefinition } from "../tasks/task-file";
import { renderTaskPrompt, TaskInputError, type TaskValues } from "../tasks/task-render";
import { findTask, listTasks } from "../tasks/task-store";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerTaskRequests(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  connection.onRequest(ListTasksRequest, async (_params: unknown, token): Promise<ListTasksResult> => {
    const stored = await listTasks(await WorkspaceRoots.create(context.workspaceFolders()), toAbortSignal(token));
    const result: ListTasksResult = { tasks: [], broken: [] };
    for (const entry of stored) {
      if (entry.task) result.tasks.push({ id: entry.id, path: entry.path, name: entry.task.name, description: entry.task.description, inputs: entry.task.inputs, context: entry.task.context, edit: entry.task.edit });
      else result.broken.push({ id: entry.id, path: entry.path, problem: entry.problems.find((p) => p.severity === "error")?.message ?? "does not parse" });
    }
    return result;
  });

  connection.onRequest(RenderTaskRequest, async (params: RenderTaskParams): Promise<RenderTaskResult> => {
    const task = await loadTask(context, params.taskId);
    const document = params.uri ? documents.get(params.uri) : undefined;
    let values: TaskValues = { inputs: params.inputs ?? {} };
    if (document) {
      const start = params.range ? document.offsetAt(params.range.start) : 0;
      const end = params.range ? document.offsetAt(params.range.end) : 0;
      values = taskValues(document.getText(), start, end, params.inputs);
    }
    try {
      return { prompt: renderTaskPrompt(task, values) };
    } catch (error) {
      if (error instanceof TaskInputError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
      throw error;
    }
  });
}

/** A task by id or name from the workspace's task files; a clear error when it is missing or broken. */
export async function loadTask(context: ServerContext, taskId: string | undefined): Promise<TaskDefinition> {
  if (typeof taskId !== "string" || taskId.trim() === "") throw new ResponseError(ErrorCodes.InvalidParams, "A task id is required.");
  const stored = findTask(await listTasks(await WorkspaceRoots.create(context.workspaceFolders())), taskId);
  if (!stored) throw new ResponseError(ErrorCodes.InvalidParams, `No task "${taskId}" in .pincer/tasks of this workspace.`);
  if (!stored.task) throw new ResponseError(ErrorCodes.InvalidParams, `Task file ${stored.path} has problems: ${stored.problems[0]?.message ?? "it does not parse"}`);
  return stored.task;
}

export function taskValues(text: string, start: number, end: number, inputs: Record<string, string> | undefined): TaskValues {
  return { selection: text.slice(start, end), file: text, inputs: sanitizeInputs(inputs) };
}

/** Client input: keep string values only. */
function sanitizeInputs(inputs: unknown): Record<string, string> {
  if (typeof inputs !== "object" || inputs === null) return {};
  return Object.fromEntries(Object.entries(inputs).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}
