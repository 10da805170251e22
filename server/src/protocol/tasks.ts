// Team task files (`.pincer/tasks/*.pincer.md`) on the wire: listing them for the quick pick and
// rendering a read-only task's prompt for the chat. Edit tasks go through `pincer.codeAction.generate`
// with action "task".
import type { Range } from "./actions";
import { MiB, object, optional, range, str, stringMap } from "./checks";
import { PincerRequest, PincerRequest0 } from "./rpc";

export const TASK_LANGUAGE_ID = "pincer-task";

export interface TaskSummary {
  id: string;
  name: string;
  description: string;
  inputs: { name: string; description?: string; default?: string }[];
  context: ("selection" | "file")[];
  edit: boolean;
  /** Absolute path of the task file. */
  path: string;
}
export interface ListTasksResult {
  tasks: TaskSummary[];
  /** Task files that did not parse, with the first problem, so the person can fix them. */
  broken: { id: string; path: string; problem: string }[];
}
export const ListTasksRequest = new PincerRequest0<ListTasksResult>("pincer/tasks/list");

export interface RenderTaskParams {
  taskId: string;
  inputs: Record<string, string>;
  /** The active editor, when there is one. */
  uri?: string;
  range?: Range;
}
export interface RenderTaskResult {
  prompt: string;
}
export const RenderTaskRequest = new PincerRequest<RenderTaskParams, RenderTaskResult>(
  "pincer/tasks/render",
  object({ taskId: str({ min: 1, max: 1000 }), inputs: stringMap(100, str({ max: MiB })), uri: optional(str({ max: 4096 })), range: optional(range) }),
);
