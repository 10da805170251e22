// Finds the team's tasks: `.pincer/tasks/*.pincer.md` in each workspace folder, read through the
// workspace confinement (a symlinked task folder pointing outside the workspace is skipped).
import { promises as fs } from "node:fs";
import path from "node:path";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import { parseTaskFile, type TaskDefinition, type TaskProblem } from "./task-file";

const TASKS_DIR = path.join(".pincer", "tasks");
export const TASK_FILE_SUFFIX = ".pincer.md";

export interface StoredTask {
  /** File name without `.pincer.md`: the stable id `pincer chat --task` also accepts. */
  id: string;
  /** Real path of the task file. */
  path: string;
  task: TaskDefinition | undefined;
  problems: TaskProblem[];
}

export async function listTasks(roots: WorkspaceRoots, signal: AbortSignal): Promise<StoredTask[]> {
  const found: StoredTask[] = [];
  for (const root of roots.roots) {
    signal.throwIfAborted();
    const dir = await roots.resolveInside(path.join(root.path, TASKS_DIR));
    if (!dir.ok) continue;
    const names = await fs.readdir(dir.path).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith(TASK_FILE_SUFFIX)).sort()) {
      const file = await roots.resolveInside(path.join(dir.path, name));
      if (!file.ok) continue;
      const text = await fs.readFile(file.path, "utf8").catch(() => undefined);
      if (text === undefined) continue;
      const parsed = parseTaskFile(text);
      found.push({ id: name.slice(0, -TASK_FILE_SUFFIX.length), path: file.path, task: parsed.task, problems: parsed.problems });
    }
  }
  return found;
}

/** A task by id (file name) or by its `name`, case-insensitive. */
export function findTask(tasks: readonly StoredTask[], nameOrId: string): StoredTask | undefined {
  const wanted = nameOrId.trim().toLowerCase();
  return tasks.find((t) => t.id.toLowerCase() === wanted) ?? tasks.find((t) => t.task?.name.toLowerCase() === wanted);
}
