// search_text: ripgrep from the VS Code installation when the client gave its path (it honours
// .gitignore, skips hidden and binary files, never follows symlinks), a JS walk otherwise.
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { readFileConfined } from "../../platform/confined-fs";
import type { ToolContext, ToolDefinition } from "../tool-types";
import { displayPath, guarded, looksBinary, optionalBool, optionalString, resolvePath, SKIPPED_DIRS, stringArg, ToolArgumentError, walk } from "./tool-support";

const MAX_MATCHES = 100;
const MAX_LINE = 200;
const MAX_FILE_BYTES = 1_000_000;

export function searchTextTool(): ToolDefinition {
  return {
    name: "search_text",
    description: "Search file contents; prints path:line: text.",
    parameters: {
      type: "object",
      properties: { query: { type: "string" }, path: { type: "string", description: "folder or file, default ." }, regex: { type: "boolean" } },
      required: ["query"],
    },
    effect: "read",
    targets: (args) => ({ paths: [optionalString(args, "path") ?? "."] }),
    run: (args, context) =>
      guarded(async () => {
        const query = stringArg(args, "query");
        if (query === "") throw new ToolArgumentError("query is empty");
        const regex = optionalBool(args, "regex") ?? false;
        const target = await resolvePath(context, optionalString(args, "path") ?? ".");
        const root = target.root.path;
        const matches = context.ripgrepPath ? await ripgrep(context, context.ripgrepPath, query, regex, target.path, root) : await jsSearch(context, query, regex, target.path, root);
        const shown = matches.slice(0, MAX_MATCHES);
        if (shown.length === 0) return { ok: true, observation: `no matches for ${JSON.stringify(query)} in ${displayPath(target)}` };
        const more = matches.length > MAX_MATCHES ? `\n[more than ${MAX_MATCHES} matches; narrow the query or path]` : "";
        return { ok: true, observation: shown.join("\n") + more, details: { matches: shown.length, engine: context.ripgrepPath ? "ripgrep" : "js" } };
      }),
  };
}

function clip(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > MAX_LINE ? `${trimmed.slice(0, MAX_LINE)}…` : trimmed;
}

function ripgrep(context: ToolContext, rg: string, query: string, regex: boolean, target: string, root: string): Promise<string[]> {
  const args = ["--no-config", "--with-filename", "--line-number", "--no-heading", "--color", "never", "--max-count", "20", "--max-filesize", "1M", "--max-columns", "400"];
  // The same folders the JS search skips, also outside git repositories (where rg reads no .gitignore).
  for (const dir of SKIPPED_DIRS) args.push("--glob", `!${dir}/`);
  if (!regex) args.push("--fixed-strings");
  args.push("--regexp", query, "--", target);
  return new Promise((resolve, reject) => {
    execFile(rg, args, { cwd: root, signal: context.signal, maxBuffer: 8 * 1024 * 1024, env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) => {
      // Exit status 1 is "no match"; 2 with output means some files could not be read.
      const code: unknown = (error as { code?: unknown } | null)?.code;
      if (error && code !== 1 && !(code === 2 && stdout)) {
        if (error.name === "AbortError") reject(error);
        else reject(new Error(`ripgrep failed: ${stderr.trim() || error.message}`));
        return;
      }
      const lines = stdout.split("\n").filter((line) => line !== "");
      resolve(
        withoutHardLinked(lines).then((kept) =>
          kept.map((line) => {
            const match = /^(.*?):(\d+):(.*)$/.exec(line);
            if (!match) return clip(line);
            return `${path.relative(root, match[1]!).split(path.sep).join("/") || path.basename(match[1]!)}:${match[2]}: ${clip(match[3]!)}`;
          }),
        ),
      );
    });
  });
}

/** ripgrep reads hard-linked files (another name may be outside the workspace): their matches are dropped. */
async function withoutHardLinked(lines: string[]): Promise<string[]> {
  const linked = new Map<string, boolean>();
  const kept: string[] = [];
  for (const line of lines) {
    const file = /^(.*?):\d+:/.exec(line)?.[1];
    if (file !== undefined && !linked.has(file)) linked.set(file, ((await fs.lstat(file).catch(() => undefined))?.nlink ?? 1) > 1);
    if (file === undefined || !linked.get(file)) kept.push(line);
  }
  return kept;
}

async function jsSearch(context: ToolContext, query: string, regex: boolean, target: string, root: string): Promise<string[]> {
  let test: (line: string) => boolean;
  if (regex) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(query);
    } catch (error) {
      throw new ToolArgumentError(`invalid regex: ${(error as Error).message}`);
    }
    test = (line) => pattern.test(line);
  } else test = (line) => line.includes(query);

  const stat = await fs.stat(target);
  const files = stat.isDirectory()
    ? (await walk(target, root, { maxDepth: 30, limit: 20_000, signal: context.signal })).entries.filter((e) => e.kind === "file" && !e.relative.split("/").some((s) => s.startsWith(".")))
    : [{ absolute: target, relative: path.relative(root, target).split(path.sep).join("/") }];
  const matches: string[] = [];
  for (const file of files) {
    context.signal.throwIfAborted();
    const size = (await fs.stat(file.absolute).catch(() => undefined))?.size ?? 0;
    if (size > MAX_FILE_BYTES) continue;
    // Hard-linked files (another name may be outside) and files swapped for a link are skipped.
    const buffer = await readFileConfined(file.absolute).catch(() => undefined);
    if (!buffer || looksBinary(buffer)) continue;
    const lines = buffer.toString("utf8").split("\n");
    let inFile = 0;
    for (let i = 0; i < lines.length && inFile < 20; i++) {
      const line = lines[i]!.slice(0, 10_000);
      if (test(line)) {
        matches.push(`${file.relative}:${i + 1}: ${clip(line)}`);
        inFile++;
        if (matches.length > MAX_MATCHES) return matches;
      }
    }
  }
  return matches;
}
