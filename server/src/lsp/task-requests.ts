// pincer/tasks/list and pincer/tasks/render: the team's task files for the quick pick, and a read-only
// task's prompt filled from the active editor for the chat (tasks/task-service.ts does the work).
import type { Connection, TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { ListTasksRequest, RenderTaskRequest, type ListTasksResult, type RenderTaskParams, type RenderTaskResult } from "../protocol";
import { loadTask, renderTask, taskSummaries } from "../tasks/task-service";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerTaskRequests(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  connection.onRequest(ListTasksRequest, async (_params, token): Promise<ListTasksResult> => taskSummaries(await context.roots(), toAbortSignal(token)));

  connection.onRequest(RenderTaskRequest, async (params: RenderTaskParams, token): Promise<RenderTaskResult> => {
    const task = await loadTask(await context.roots(), params.taskId, toAbortSignal(token));
    const document = params.uri ? documents.get(params.uri) : undefined;
    const source = document && { text: document.getText(), start: params.range ? document.offsetAt(params.range.start) : 0, end: params.range ? document.offsetAt(params.range.end) : 0 };
    return { prompt: renderTask(task, source, params.inputs) };
  });
}
