// search_text: ripgrep from the VS Code installation when the client gave its path (it honours
// .gitignore, skips hidden and binary files, never follows symlinks; its regex engine is linear-time),
// a JS walk otherwise. The JS walk matches a regex in a worker thread with a time budget
// (regex-worker.ts), so a catastrophic regex cannot freeze the server and Stop ends it at once.
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import { readFileConfined } from "../../platform/confined-fs";
import type { ToolContext, ToolDefinition } from "../tool-types";
import { type LineHits, RegexTimeoutError, withRegexWorker } from "./regex-worker";
import { displayPath, guarded, looksBinary, NAME_CHARS, optionalBool, optionalString, PATH_CHARS, resolvePath, SKIPPED_DIRS, stringArg, ToolArgumentError, walk } from "./tool-support";

const MAX_MATCHES = 100;
const MAX_LINE = 200;
const MAX_FILE_BYTES = 1_000_000;
const MAX_LINE_CHARS = 10_000;
const MAX_PER_FILE = 20;
/** Text sent to the regex worker per message (files are never split). */
const BATCH_CHARS = 256 * 1024;
/** Matching time a JS regex search may take in all (linear searches take milliseconds). */
export const DEFAULT_REGEX_BUDGET_MS = 2_000;
/** ripgrep is linear-time, but a huge workspace can still take long: past this it is stopped. */
const RIPGREP_TIMEOUT_MS = 60_000;

export interface SearchToolOptions {
  /** Matching time a regex may take in the JS search before it is stopped (default 2 s). */
  regexBudgetMs?: number;
}

export function searchTextTool(options: SearchToolOptions = {}): ToolDefinition {
  const regexBudgetMs = options.regexBudgetMs ?? DEFAULT_REGEX_BUDGET_MS;
  return {
    name: "search_text",
    description: "Search file contents; prints path:line: text.",
    parameters: {
      type: "object",
      properties: { query: { type: "string", maxLength: NAME_CHARS }, path: { type: "string", description: "folder or file, default .", maxLength: PATH_CHARS }, regex: { type: "boolean" } },
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
        const engine = context.ripgrepPath ? "ripgrep" : "js";
        const { matches, stopped } = context.ripgrepPath
          ? { matches: await ripgrep(context, context.ripgrepPath, query, regex, target.path, root), stopped: undefined }
          : await jsSearch(context, query, regex, target.path, root, regexBudgetMs);
        const shown = matches.slice(0, MAX_MATCHES);
        if (stopped) {
          const found = shown.length > 0 ? `\nMatches found before it was stopped:\n${shown.join("\n")}` : "";
          return {
            ok: false,
            observation: `${stopped.message}: the regex is too complex for this search (nested quantifiers such as (a+)+ can take exponential time). Simplify it, search a fixed string (regex: false), or narrow the path.${found}`,
            details: { matches: shown.length, engine, stopped: "regex-timeout" },
          };
        }
        if (shown.length === 0) return { ok: true, observation: `no matches for ${JSON.stringify(query)} in ${displayPath(target)}` };
        const more = matches.length > MAX_MATCHES ? `\n[more than ${MAX_MATCHES} matches; narrow the query or path]` : "";
        return { ok: true, observation: shown.join("\n") + more, details: { matches: shown.length, engine } };
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
    const options = { cwd: root, signal: context.signal, timeout: RIPGREP_TIMEOUT_MS, killSignal: "SIGKILL" as const, maxBuffer: 8 * 1024 * 1024, env: { PATH: process.env.PATH ?? "" } };
    execFile(rg, args, options, (error, stdout, stderr) => {
      // Exit status 1 is "no match"; 2 with output means some files could not be read.
      const code: unknown = (error as { code?: unknown } | null)?.code;
      if (error && code !== 1 && !(code === 2 && stdout)) {
        if (error.name === "AbortError") reject(error);
        else if ((error as { killed?: boolean }).killed) reject(new Error(`ripgrep took longer than ${RIPGREP_TIMEOUT_MS / 1000} s and was stopped; narrow the path or the query`));
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

interface JsSearchResult {
  matches: string[];
  /** Set when the regex ran past its budget; `matches` holds what was found before. */
  stopped?: RegexTimeoutError;
}

async function jsSearch(context: ToolContext, query: string, regex: boolean, target: string, root: string, regexBudgetMs: number): Promise<JsSearchResult> {
  const stat = await fs.stat(target);
  const files = stat.isDirectory()
    ? (await walk(target, root, { maxDepth: 30, limit: 20_000, signal: context.signal })).entries.filter((e) => e.kind === "file" && !e.relative.split("/").some((s) => s.startsWith(".")))
    : [{ absolute: target, relative: path.relative(root, target).split(path.sep).join("/") }];
  const matches: string[] = [];
  // Files are read here (confined, symlinks never followed) and matched in batches, so the worker's
  // round trips stay few; the next batch is read while the worker matches the previous one.
  const searchFiles = async (match: (texts: readonly string[], onHits: (k: number, hits: LineHits) => void) => Promise<void>): Promise<void> => {
    const send = async (batch: { relative: string; text: string }[]): Promise<boolean> => {
      await match(
        batch.map((item) => item.text),
        (k, hits) => {
          for (const [index, line] of hits) if (matches.length <= MAX_MATCHES) matches.push(`${batch[k]!.relative}:${index + 1}: ${clip(line)}`);
        },
      );
      return matches.length <= MAX_MATCHES;
    };
    let inFlight: Promise<boolean> = Promise.resolve(true);
    let batch: { relative: string; text: string }[] = [];
    let chars = 0;
    try {
      for (const file of files) {
        context.signal.throwIfAborted();
        const size = (await fs.stat(file.absolute).catch(() => undefined))?.size ?? 0;
        if (size > MAX_FILE_BYTES) continue;
        // Hard-linked files (another name may be outside) and files swapped for a link are skipped.
        const buffer = await readFileConfined(file.absolute).catch(() => undefined);
        if (!buffer || looksBinary(buffer)) continue;
        const text = buffer.toString("utf8");
        batch.push({ relative: file.relative, text });
        chars += text.length;
        if (chars >= BATCH_CHARS) {
          if (!(await inFlight)) return;
          inFlight = send(batch);
          // Handled now, awaited later: a rejection in between must not count as unhandled.
          inFlight.catch(() => undefined);
          batch = [];
          chars = 0;
        }
      }
      if (!(await inFlight)) return;
      if (batch.length > 0) await send(batch);
    } finally {
      // A failure while reading must not leave the in-flight batch's rejection unhandled.
      await inFlight.catch(() => undefined);
    }
  };

  if (!regex) {
    // A fixed string is found in linear time: no worker needed.
    await searchFiles(async (texts, onHits) => texts.forEach((text, k) => onHits(k, fixedStringHits(text, query))));
    return { matches };
  }
  try {
    new RegExp(query);
  } catch (error) {
    throw new ToolArgumentError(`invalid regex: ${(error as Error).message}`);
  }
  try {
    await withRegexWorker(query, "", regexBudgetMs, context.signal, (matcher) => searchFiles((texts, onHits) => matcher.matchTexts(texts, { maxHits: MAX_PER_FILE, maxLineChars: MAX_LINE_CHARS }, onHits)));
  } catch (error) {
    if (error instanceof RegexTimeoutError) return { matches, stopped: error };
    throw error;
  }
  return { matches };
}

function fixedStringHits(text: string, query: string): [number, string][] {
  const hits: [number, string][] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && hits.length < MAX_PER_FILE; i++) {
    const line = lines[i]!.slice(0, MAX_LINE_CHARS);
    if (line.includes(query)) hits.push([i, line]);
  }
  return hits;
}
