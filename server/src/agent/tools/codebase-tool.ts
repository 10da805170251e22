// search_code: the codebase index (codebase/codebase-service.ts) as an agent tool. Effect "read", so it
// passes the permission gate like read_file; results come from workspace files only (the index is
// confined to the workspace folders) and reach the model marked as untrusted data.
import type { CodebaseService } from "../../codebase/codebase-service";
import { searchObservation } from "../../codebase/codebase-service";
import type { ToolDefinition } from "../tool-types";
import { guarded, optionalInt, stringArg, ToolArgumentError } from "./tool-support";

export function searchCodeTool(codebase: () => CodebaseService | undefined): ToolDefinition {
  return {
    name: "search_code",
    description: "Find code by what it does (words or names); returns the best matching functions/classes with paths and lines.",
    parameters: {
      type: "object",
      properties: { query: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 20, description: "default 8" } },
      required: ["query"],
    },
    effect: "read",
    targets: () => ({ paths: ["."] }),
    run: (args, context) =>
      guarded(async () => {
        const query = stringArg(args, "query").trim();
        if (query === "") throw new ToolArgumentError("query is empty");
        const service = codebase();
        if (!service?.available) return { ok: false, observation: "the codebase index is not available here; use search_text" };
        const result = await service.search(query.slice(0, 500), { limit: optionalInt(args, "limit", 1, 20) ?? 8, signal: context.signal });
        // The index holds workspace-relative paths of files inside the workspace folders only.
        return { ok: true, observation: searchObservation(query, result), details: { hits: result.hits.map((h) => `${h.path}:${h.startLine}-${h.endLine}`), mode: result.mode } };
      }),
  };
}
