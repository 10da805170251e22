// Fills a task's prompt: {{selection}}, {{file}} and {{input:NAME}} (given value, else the default).
import { PincerError } from "../platform/errors";
import type { TaskDefinition } from "./task-file";

export interface TaskValues {
  selection?: string;
  file?: string;
  inputs?: Record<string, string>;
}

/** A task input without a value or default: the request must name it. */
export class TaskInputError extends PincerError {
  override name = "TaskInputError";
  constructor(message: string) {
    super(message, "invalid-params");
  }
}

export function renderTaskPrompt(task: TaskDefinition, values: TaskValues): string {
  // Missing inputs are a user error that must be named, not an empty hole in the prompt.
  const missing = task.inputs.filter((input) => values.inputs?.[input.name] === undefined && input.default === undefined).map((input) => input.name);
  if (missing.length) throw new TaskInputError(`Task "${task.name}" needs a value for: ${missing.join(", ")}.`);
  return task.body
    .replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) => {
      if (name === "selection") return values.selection ?? "";
      if (name === "file") return values.file ?? "";
      if (name.startsWith("input:")) {
        const key = name.slice("input:".length).trim();
        const input = task.inputs.find((i) => i.name === key);
        return values.inputs?.[key] ?? input?.default ?? whole;
      }
      return whole;
    })
    .trim();
}
