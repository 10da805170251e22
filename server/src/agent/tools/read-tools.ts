// list_files and read_file: the agent's eyes. Both confine the path first and open the real path (read_file
// through confined-fs: no symlink swapped in since the check, no hard-linked file).
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ToolDefinition } from "../tool-types";
import { verifyFolder } from "../../platform/confined-fs";
import { displayPath, guarded, looksBinary, optionalInt, optionalString, PATH_CHARS, readResolved, resolvePath, stringArg, ToolArgumentError, walk } from "./tool-support";

const MAX_LIST = 300;
const MAX_READ_LINES = 400;
const MAX_READ_CHARS = 40_000;
/** Bigger files are not loaded at all (logs, dumps): search_text finds the lines worth reading. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

export function listFilesTool(): ToolDefinition {
  return {
    name: "list_files",
    description: "List files and folders (dirs end in /).",
    parameters: { type: "object", properties: { path: { type: "string", description: "folder, default .", maxLength: PATH_CHARS }, depth: { type: "integer", minimum: 1, maximum: 5 } } },
    effect: "read",
    targets: (args) => ({ paths: [optionalString(args, "path") ?? "."] }),
    run: (args, context) =>
      guarded(async () => {
        const folder = await resolvePath(context, optionalString(args, "path") ?? ".");
        const depth = optionalInt(args, "depth", 1, 5) ?? 2;
        const stat = await fs.stat(folder.path);
        if (!stat.isDirectory()) return { ok: false, observation: `${displayPath(folder)} is a file; use read_file` };
        // The folder must still be the one checked (not a symlink swapped in), before and after listing it.
        await verifyFolder(folder.path);
        const { entries, truncated } = await walk(folder.path, folder.path, { maxDepth: depth, limit: MAX_LIST, signal: context.signal });
        await verifyFolder(folder.path);
        const lines = entries.map((e) => (e.kind === "dir" ? `${e.relative}/${e.skipped ? " (not listed)" : ""}` : e.kind === "symlink" ? `${e.relative}@` : e.relative));
        if (truncated) lines.push(`[stopped after ${MAX_LIST} entries; list a subfolder]`);
        return { ok: true, observation: lines.length > 0 ? lines.join("\n") : "(empty folder)" };
      }),
  };
}

export function readFileTool(): ToolDefinition {
  return {
    name: "read_file",
    description: "Read a text file, optionally lines start..end (1-based).",
    parameters: {
      type: "object",
      properties: { path: { type: "string", maxLength: PATH_CHARS }, start: { type: "integer", minimum: 1 }, end: { type: "integer", minimum: 1 } },
      required: ["path"],
    },
    effect: "read",
    targets: (args) => ({ paths: [stringArg(args, "path")] }),
    run: (args, context) =>
      guarded(async () => {
        const file = await resolvePath(context, stringArg(args, "path"));
        let buffer: Buffer;
        try {
          buffer = await readResolved(file, MAX_FILE_BYTES);
        } catch (error) {
          if (error instanceof ToolArgumentError) return { ok: false, observation: error.message };
          throw error;
        }
        if (looksBinary(buffer)) return { ok: false, observation: `${displayPath(file)} is a binary file (${buffer.length} bytes)` };
        const lines = buffer.toString("utf8").split("\n");
        const total = lines.length;
        const start = optionalInt(args, "start", 1, total) ?? 1;
        let end = Math.max(start, optionalInt(args, "end", 1, total) ?? total);
        end = Math.min(end, start + MAX_READ_LINES - 1);
        let text = lines.slice(start - 1, end).join("\n");
        if (text.length > MAX_READ_CHARS) {
          text = text.slice(0, MAX_READ_CHARS);
          end = start + text.split("\n").length - 1;
        }
        const more = end < total ? `; read on with start=${end + 1}` : "";
        return { ok: true, observation: `${displayPath(file)} lines ${start}-${end} of ${total}${more}\n${text}`, details: { path: path.normalize(displayPath(file)), start, end, total } };
      }),
  };
}
