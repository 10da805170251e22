// The agent's tools, in the order the prompt lists them.
import type { CodebaseService } from "../../codebase/codebase-service";
import type { ToolDefinition } from "../tool-types";
import { searchCodeTool } from "./codebase-tool";
import { askUserTool, runCommandTool } from "./command-tool";
import { gitCommitTool, gitDiffTool, gitLogTool, gitStatusTool } from "./git-tools";
import { listFilesTool, readFileTool } from "./read-tools";
import { searchTextTool } from "./search-tools";
import { findSymbolTool, outlineTool } from "./symbol-tools";
import { createFileTool, deleteFileTool, editFileTool, renameFileTool } from "./write-tools";

export interface ToolsOptions {
  /** run_command's timeout when the model gives none (default 120 s). */
  commandTimeoutMs?: number;
  /** The longest timeout the model may ask for (default 600 s). */
  maxCommandTimeoutMs?: number;
  /** Matching time a regex may take in the JS search (no ripgrep) before it is stopped (default 2 s). */
  regexBudgetMs?: number;
  /** Leave out tools by name (a host without git, a profile that should not offer commands). */
  exclude?: readonly string[];
  /** The codebase index; with it the agent gets search_code. */
  codebase?: () => CodebaseService | undefined;
}

export function createTools(options: ToolsOptions = {}): ToolDefinition[] {
  const tools = [
    listFilesTool(),
    readFileTool(),
    searchTextTool(options.regexBudgetMs !== undefined ? { regexBudgetMs: options.regexBudgetMs } : {}),
    ...(options.codebase ? [searchCodeTool(options.codebase)] : []),
    findSymbolTool(),
    outlineTool(),
    editFileTool(),
    createFileTool(),
    deleteFileTool(),
    renameFileTool(),
    runCommandTool({ defaultTimeoutMs: options.commandTimeoutMs ?? 120_000, maxTimeoutMs: options.maxCommandTimeoutMs ?? 600_000 }),
    gitStatusTool(),
    gitDiffTool(),
    gitLogTool(),
    gitCommitTool(),
    askUserTool(),
  ];
  const excluded = new Set(options.exclude ?? []);
  return tools.filter((tool) => !excluded.has(tool.name));
}
