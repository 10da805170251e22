// What the person's editor wrote in a workspace, as the VS Code host learns it (a document saved, files created,
// deleted or renamed in the editor), kept in Pincer's state folder outside the workspace so that every Pincer
// process sees it: the server records, and checkpoints in the server or in a `pincer run` next to it read it to
// tell the person's writes from a command's (checkpoints.ts, step-attribution.ts).
//
// One JSON line per path, appended (one write each, so two processes never interleave inside a line). The file is
// rotated once it passes 256 KiB (the previous one is kept as .old), so a day of saves stays readable for undo.
import { promises as fs } from "node:fs";
import path from "node:path";
import { workspaceKey } from "./shadow-git";

export type EditorWriteKind = "save" | "create" | "delete" | "rename";

export interface EditorWrite {
  /** Workspace-relative, forward slashes. */
  path: string;
  by: EditorWriteKind;
  /** A save: the git blob id of what the file held right after it (tells a save of the agent's own text). */
  hash?: string;
  /** Milliseconds since the epoch, when the host learnt of it (the disk write came first). */
  t: number;
}

const ROTATE_BYTES = 256 * 1024;

export class EditorWriteJournal {
  readonly file: string;

  constructor(
    private readonly stateDir: string,
    workTree: string,
  ) {
    this.file = path.join(stateDir, `${workspaceKey(workTree)}.editor-writes.jsonl`);
  }

  async record(writes: readonly Omit<EditorWrite, "t">[], t = Date.now()): Promise<void> {
    if (writes.length === 0) return;
    await fs.mkdir(this.stateDir, { recursive: true, mode: 0o700 });
    const size = (await fs.stat(this.file).catch(() => undefined))?.size ?? 0;
    if (size > ROTATE_BYTES) await fs.rename(this.file, `${this.file}.old`).catch(() => undefined);
    const text = writes.map((write) => `${JSON.stringify({ t, ...write })}\n`).join("");
    await fs.appendFile(this.file, text, { mode: 0o600 });
  }

  /** Writes learnt of between `from` and `to` (inclusive). */
  async between(from: number, to: number): Promise<EditorWrite[]> {
    const found: EditorWrite[] = [];
    for (const name of [`${this.file}.old`, this.file]) {
      const text = await fs.readFile(name, "utf8").catch(() => "");
      for (const line of text.split("\n")) {
        const write = parse(line);
        if (write && write.t >= from && write.t <= to) found.push(write);
      }
    }
    return found;
  }
}

function parse(line: string): EditorWrite | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value = JSON.parse(line) as Partial<EditorWrite>;
    const kinds: readonly string[] = ["save", "create", "delete", "rename"];
    if (typeof value.t !== "number" || typeof value.path !== "string" || value.path === "" || !kinds.includes(String(value.by))) return undefined;
    return { t: value.t, path: value.path, by: value.by as EditorWriteKind, ...(typeof value.hash === "string" ? { hash: value.hash } : {}) };
  } catch {
    return undefined;
  }
}
