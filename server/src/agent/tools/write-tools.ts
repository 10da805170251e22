// edit_file, create_file, delete_file, rename_file. Every change goes through context.files (confined atomic
// files in the CLI, workspace/applyEdit in VS Code) and only to confined real paths; names git refuses are
// never write targets.
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ToolContext, ToolDefinition } from "../tool-types";
import { applyBlock, diffHunk } from "./edit-match";
import { displayPath, guarded, looksBinary, PATH_CHARS, readResolved, type Resolved, resolvePath, stringArg, ToolArgumentError } from "./tool-support";

/** edit_file loads the whole file; bigger ones are refused before reading. */
const MAX_EDIT_BYTES = 20 * 1024 * 1024;

export function editFileTool(): ToolDefinition {
  return {
    name: "edit_file",
    description: "Replace the exact text `search` with `replace` in a file (search must match once).",
    parameters: { type: "object", properties: { path: { type: "string", maxLength: PATH_CHARS }, search: { type: "string" }, replace: { type: "string" } }, required: ["path", "search", "replace"] },
    effect: "edit",
    targets: (args) => ({ paths: [stringArg(args, "path")] }),
    run: (args, context) =>
      guarded(async () => {
        const file = await resolvePath(context, stringArg(args, "path"), { write: true });
        const search = stringArg(args, "search");
        const replace = stringArg(args, "replace");
        const buffer = await readResolved(file, MAX_EDIT_BYTES);
        if (looksBinary(buffer)) throw new ToolArgumentError(`${displayPath(file)} is a binary file`);
        const original = buffer.toString("utf8");
        const crlf = original.includes("\r\n");
        const lf = (text: string): string => text.replace(/\r\n/g, "\n");
        const result = applyBlock(lf(original), lf(search), lf(replace));
        if (!result.ok) return { ok: false, observation: `${displayPath(file)}: ${result.error}` };
        const updated = crlf ? result.content.replace(/\n/g, "\r\n") : result.content;
        if (updated === original) return { ok: true, observation: `${displayPath(file)} unchanged (replace equals search)` };
        await context.files.write(file.path, updated, context.signal);
        const note = result.how === "exact" ? "" : ` (matched ignoring ${result.how === "indentation" ? "indentation" : "trailing whitespace"})`;
        return {
          ok: true,
          observation: `edited ${displayPath(file)} at line ${result.startLine}: ${result.oldLineCount} line(s) replaced by ${result.newLineCount}${note}`,
          changedPaths: [displayPath(file)],
          details: { diff: diffHunk(displayPath(file), lf(original), result.content) },
        };
      }),
  };
}

export function createFileTool(): ToolDefinition {
  return {
    name: "create_file",
    description: "Create a new file with the given content.",
    parameters: { type: "object", properties: { path: { type: "string", maxLength: PATH_CHARS }, content: { type: "string" } }, required: ["path", "content"] },
    effect: "edit",
    targets: (args) => ({ paths: [stringArg(args, "path")] }),
    run: (args, context) =>
      guarded(async () => {
        const requested = stringArg(args, "path");
        if (/[\\/]$/.test(requested)) throw new ToolArgumentError("the path names a folder; give a file name");
        const file = await resolvePath(context, requested, { forWrite: true, write: true });
        if (file.exists) return { ok: false, observation: `${displayPath(file)} already exists; use edit_file` };
        const content = stringArg(args, "content");
        await context.files.write(file.path, content, context.signal);
        return { ok: true, observation: `created ${displayPath(file)} (${content.split("\n").length} lines)`, changedPaths: [displayPath(file)] };
      }),
  };
}

/**
 * The entry the path itself names: when its last segment is a symlink, the link (inside the
 * workspace), not what it points to; deleting or moving a link must not touch its target.
 */
async function ownEntry(context: ToolContext, requested: string): Promise<Resolved> {
  const target = await resolvePath(context, requested, { write: true });
  const parent = await resolvePath(context, path.dirname(requested) || ".", { write: true });
  const entry = path.join(parent.path, path.basename(requested));
  if (entry === target.path) return target;
  const linkInside = await resolvePath(context, entry, { forWrite: true, write: true });
  return { ...linkInside, path: entry, exists: true };
}

export function deleteFileTool(): ToolDefinition {
  return {
    name: "delete_file",
    description: "Delete a file.",
    parameters: { type: "object", properties: { path: { type: "string", maxLength: PATH_CHARS } }, required: ["path"] },
    effect: "edit",
    targets: (args) => ({ paths: [stringArg(args, "path")] }),
    run: (args, context) =>
      guarded(async () => {
        const file = await ownEntry(context, stringArg(args, "path"));
        if (file.relative === "") throw new ToolArgumentError("refusing to delete the workspace folder");
        if ((await fs.lstat(file.path)).isDirectory()) throw new ToolArgumentError(`${displayPath(file)} is a folder; only files can be deleted`);
        await context.files.delete(file.path, context.signal);
        return { ok: true, observation: `deleted ${displayPath(file)}`, changedPaths: [displayPath(file)] };
      }),
  };
}

export function renameFileTool(): ToolDefinition {
  return {
    name: "rename_file",
    description: "Rename or move a file.",
    parameters: { type: "object", properties: { from: { type: "string", maxLength: PATH_CHARS }, to: { type: "string", maxLength: PATH_CHARS } }, required: ["from", "to"] },
    effect: "edit",
    targets: (args) => ({ paths: [stringArg(args, "from"), stringArg(args, "to")] }),
    run: (args, context) =>
      guarded(async () => {
        const from = await ownEntry(context, stringArg(args, "from"));
        if (from.relative === "") throw new ToolArgumentError("refusing to move the workspace folder");
        if ((await fs.lstat(from.path)).isDirectory()) throw new ToolArgumentError(`${displayPath(from)} is a folder; only files can be renamed`);
        const to = await resolvePath(context, stringArg(args, "to"), { forWrite: true, write: true });
        if (to.exists) return { ok: false, observation: `${displayPath(to)} already exists` };
        await context.files.rename(from.path, to.path, context.signal);
        return { ok: true, observation: `renamed ${displayPath(from)} to ${displayPath(to)}`, changedPaths: [displayPath(from), displayPath(to)] };
      }),
  };
}
