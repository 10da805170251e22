// MCP tools as agent tools. Each one's JSON schema is brought into the subset the grammar can carry
// (so the model's call is always well-formed for it), its description is capped and marked as the
// server's, and its result comes back as marked, capped data. mcp_tool_schema reads one tool's full
// description and schema on demand, so the fixed prompt lists only short signatures.
import type { McpTool } from "../../mcp/mcp-hub";
import { capUntrusted, MCP_DESCRIPTION_CHARS, wrapToolResult } from "../../mcp/mcp-text";
import type { ToolDefinition, ToolJsonSchema } from "../tool-types";

/** Nesting the grammar follows; deeper values become a JSON string the tool parses. */
const MAX_DEPTH = 4;
const MAX_PROPERTIES = 32;
export const MCP_SCHEMA_TOOL = "mcp_tool_schema";
/** The longest full schema mcp_tool_schema returns. */
const SCHEMA_CHARS = 6_000;

export function mcpToolDefinitions(tools: readonly McpTool[]): ToolDefinition[] {
  if (tools.length === 0) return [];
  return [...tools.map(mcpToolDefinition), mcpSchemaTool(tools)];
}

function mcpToolDefinition(tool: McpTool): ToolDefinition {
  const converted = toToolSchema(tool.remote.inputSchema, 0);
  const parameters: ToolJsonSchema & { type: "object" } = converted.type === "object" ? converted : { type: "object", properties: { value: converted }, required: ["value"] };
  return {
    name: tool.agentName,
    description: capUntrusted(tool.remote.description.replace(/\s+/g, " ").trim(), MCP_DESCRIPTION_CHARS),
    parameters,
    effect: "mcp",
    mcp: { server: tool.server, tool: tool.remote.name, readOnlyHint: tool.remote.readOnlyHint, rule: tool.rule, trustReadOnlyHint: tool.trustReadOnlyHint },
    targets: () => ({ paths: [] }),
    async run(args, context) {
      const sent = restoreJsonStrings(args, tool.remote.inputSchema, 0) as Record<string, unknown>;
      const result = await tool.call(sent, context.signal);
      const wrapped = wrapToolResult(tool.server, tool.remote.name, result.text);
      return { ok: !result.isError, observation: wrapped.text, details: { mcp: { server: tool.server, tool: tool.remote.name, isError: result.isError, truncated: wrapped.truncated } } };
    },
  };
}

function mcpSchemaTool(tools: readonly McpTool[]): ToolDefinition {
  const names = tools.map((tool) => tool.agentName);
  return {
    name: MCP_SCHEMA_TOOL,
    description: "Full description and argument schema of one MCP tool.",
    parameters: { type: "object", properties: { tool: { type: "string", enum: names } }, required: ["tool"] },
    effect: "read",
    targets: () => ({ paths: [] }),
    async run(args) {
      const tool = tools.find((candidate) => candidate.agentName === args.tool);
      if (!tool) return { ok: false, observation: `No MCP tool ${String(args.tool)}.` };
      const text = capUntrusted(`${tool.remote.description}\n\nArguments (JSON schema):\n${JSON.stringify(tool.remote.inputSchema, null, 1)}`, SCHEMA_CHARS);
      return { ok: true, observation: wrapToolResult(tool.server, tool.remote.name, text).text };
    },
  };
}

/**
 * A JSON schema from a server into the grammar's subset: string (enum), integer/number (bounds),
 * boolean, array (items, maxItems), object (properties, required). Unions take their first non-null
 * branch; anything else (no type, $ref, too deep) becomes a string holding JSON, parsed before the call.
 */
export function toToolSchema(schema: unknown, depth: number): ToolJsonSchema {
  const s = isRecord(schema) ? schema : {};
  const description = typeof s.description === "string" ? { description: s.description.slice(0, 120) } : {};
  const type = pickType(s);
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every((v) => typeof v === "string")) return { type: "string", enum: (s.enum as string[]).slice(0, 64), ...description };
  switch (type) {
    case "string":
      return { type: "string", ...description };
    case "integer":
    case "number":
      return { type, ...(typeof s.minimum === "number" ? { minimum: s.minimum } : {}), ...(typeof s.maximum === "number" ? { maximum: s.maximum } : {}), ...description };
    case "boolean":
      return { type: "boolean", ...description };
    case "array":
      if (depth >= MAX_DEPTH) break;
      return { type: "array", items: toToolSchema(s.items, depth + 1), ...(typeof s.maxItems === "number" ? { maxItems: s.maxItems } : {}), ...description };
    case "object": {
      if (depth >= MAX_DEPTH) break;
      const properties = isRecord(s.properties) ? Object.entries(s.properties).slice(0, MAX_PROPERTIES) : [];
      const names = new Set(properties.map(([name]) => name));
      const required = Array.isArray(s.required) ? s.required.filter((name): name is string => typeof name === "string" && names.has(name)) : [];
      return { type: "object", properties: Object.fromEntries(properties.map(([name, value]) => [name, toToolSchema(value, depth + 1)])), required, ...description };
    }
  }
  return { type: "string", description: "JSON value" };
}

function pickType(s: Record<string, unknown>): string | undefined {
  if (typeof s.type === "string") return s.type === "null" ? undefined : s.type;
  if (Array.isArray(s.type)) return s.type.find((t): t is string => typeof t === "string" && t !== "null");
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = s[key];
    if (Array.isArray(branches)) {
      const first = branches.find((branch) => isRecord(branch) && pickType(branch) !== undefined);
      if (first) return pickType(first as Record<string, unknown>);
    }
  }
  if (isRecord(s.properties)) return "object";
  return undefined;
}

/** Values the schema conversion turned into JSON strings go back to JSON before the server gets them. */
function restoreJsonStrings(value: unknown, schema: unknown, depth: number): unknown {
  const converted = toToolSchema(schema, depth);
  if (converted.type === "string" && converted.description === "JSON value" && typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  const s = isRecord(schema) ? schema : {};
  if (converted.type === "array" && Array.isArray(value)) return value.map((item) => restoreJsonStrings(item, s.items, depth + 1));
  if (converted.type === "object" && isRecord(value)) {
    const properties = isRecord(s.properties) ? s.properties : {};
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, restoreJsonStrings(item, properties[key], depth + 1)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
