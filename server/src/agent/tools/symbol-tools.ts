// find_symbol and outline: definitions from the tree-sitter index (index/symbols.ts).
import { promises as fs } from "node:fs";
import { grammarForPath } from "../../index/grammars";
import { outline, type OutlineSymbol } from "../../index/symbols";
import { readFileConfined } from "../../platform/confined-fs";
import type { ToolDefinition } from "../tool-types";
import { displayPath, guarded, NAME_CHARS, optionalString, PATH_CHARS, readResolved, resolvePath, stringArg, ToolArgumentError, walk } from "./tool-support";

const MAX_FILE_BYTES = 512_000;
const MAX_FILES = 5_000;
const MAX_RESULTS = 50;

function describeSymbol(symbol: OutlineSymbol): string {
  return `${symbol.range.start.line + 1}: ${"  ".repeat(symbol.depth)}${symbol.kind} ${symbol.name}${symbol.signature ? ` — ${symbol.signature.trim()}` : ""}`;
}

export function outlineTool(): ToolDefinition {
  return {
    name: "outline",
    description: "List a source file's definitions with line numbers.",
    parameters: { type: "object", properties: { path: { type: "string", maxLength: PATH_CHARS } }, required: ["path"] },
    effect: "read",
    targets: (args) => ({ paths: [stringArg(args, "path")] }),
    run: (args, context) =>
      guarded(async () => {
        const file = await resolvePath(context, stringArg(args, "path"));
        const grammar = grammarForPath(file.path);
        if (!grammar) return { ok: false, observation: `no outline for ${displayPath(file)} (language not supported); use read_file` };
        // Confined: no symlink swapped in since the check, no hard-linked file.
        const symbols = await outline((await readResolved(file, MAX_FILE_BYTES)).toString("utf8"), grammar);
        if (!symbols) return { ok: false, observation: `the ${grammar} grammar is unavailable; use read_file` };
        return { ok: true, observation: symbols.length > 0 ? symbols.map(describeSymbol).join("\n") : "(no definitions)" };
      }),
  };
}

export function findSymbolTool(): ToolDefinition {
  return {
    name: "find_symbol",
    description: "Find where a function, class or type is defined.",
    parameters: { type: "object", properties: { name: { type: "string", maxLength: NAME_CHARS }, path: { type: "string", description: "folder, default .", maxLength: PATH_CHARS } }, required: ["name"] },
    effect: "read",
    targets: (args) => ({ paths: [optionalString(args, "path") ?? "."] }),
    run: (args, context) =>
      guarded(async () => {
        const name = stringArg(args, "name").trim();
        if (name === "") throw new ToolArgumentError("name is empty");
        const start = await resolvePath(context, optionalString(args, "path") ?? ".");
        const stat = await fs.stat(start.path);
        const files = stat.isDirectory()
          ? (await walk(start.path, start.root.path, { maxDepth: 30, limit: MAX_FILES, signal: context.signal })).entries.filter((e) => e.kind === "file")
          : [{ absolute: start.path, relative: displayPath(start) }];
        const results: string[] = [];
        for (const file of files) {
          context.signal.throwIfAborted();
          const grammar = grammarForPath(file.absolute);
          if (!grammar) continue;
          const size = (await fs.stat(file.absolute).catch(() => undefined))?.size ?? Infinity;
          if (size > MAX_FILE_BYTES) continue;
          // Hard-linked files (another name may be outside) and files swapped for a link are skipped.
          const text = await readFileConfined(file.absolute).then((buffer) => buffer.toString("utf8"), () => undefined);
          if (text === undefined) continue;
          const symbols = await outline(text, grammar);
          for (const symbol of symbols ?? []) if (symbol.name === name) results.push(`${file.relative}:${describeSymbol(symbol)}`);
          if (results.length >= MAX_RESULTS) break;
        }
        return { ok: true, observation: results.length > 0 ? results.join("\n") : `no definition named ${JSON.stringify(name)}; try search_text` };
      }),
  };
}
