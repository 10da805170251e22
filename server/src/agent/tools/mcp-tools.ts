// MCP tools as agent tools. Each one's JSON schema is brought into the subset the grammar can carry
// (so the model's call is always well-formed for it), its description is capped and marked as the
// server's, and its result comes back as marked, capped data. mcp_tool_schema reads one tool's full
// description and schema on demand, so the fixed prompt lists only short signatures.
//
// Its string caps are not set here: the planner fits them with every other tool's to the answer budget
// (planner/action-schema.ts fitActions). What is set here is the schema's size: a call with short
// strings must fit MCP_ARGS_TOKENS, so no server's schema (deep arrays of objects, long property names)
// can push the answer budget past the context; parts too big become JSON text the tool parses.
import type { McpTool } from "../../mcp/mcp-hub";
import { capUntrusted, MCP_DESCRIPTION_CHARS, wrapToolResult } from "../../mcp/mcp-text";
import { argsTokenBound, DEFAULT_SCHEMA_LIMITS } from "../planner/action-schema";
import type { ToolDefinition, ToolJsonSchema } from "../tool-types";

/** Nesting the grammar follows at most; deeper values become a JSON string the tool parses. */
const MAX_DEPTH = 4;
const MAX_PROPERTIES = 32;
/** A property name longer than this makes its object JSON text (names are grammar literals). */
const MAX_PROPERTY_NAME = 64;
/** The longest call to one MCP tool with 16-character strings, in tokens (the grammar's structure). */
export const MCP_ARGS_TOKENS = 1_536;
const SIZE_PROBE_CHARS = 16;
/** The one argument of a tool whose schema is too big for the grammar: all its arguments as JSON. */
export const MCP_JSON_ARGUMENTS = "arguments";
export const MCP_SCHEMA_TOOL = "mcp_tool_schema";
/** The longest full schema mcp_tool_schema returns. */
const SCHEMA_CHARS = 6_000;

export function mcpToolDefinitions(tools: readonly McpTool[]): ToolDefinition[] {
  if (tools.length === 0) return [];
  return [...tools.map(mcpToolDefinition), mcpSchemaTool(tools)];
}

function mcpToolDefinition(tool: McpTool): ToolDefinition {
  const { parameters, depth } = fittedParameters(tool.remote.inputSchema);
  return {
    name: tool.agentName,
    description: capUntrusted(tool.remote.description.replace(/\s+/g, " ").trim(), MCP_DESCRIPTION_CHARS),
    parameters,
    effect: "mcp",
    mcp: { server: tool.server, tool: tool.remote.name, readOnlyHint: tool.remote.readOnlyHint, rule: tool.rule, trustReadOnlyHint: tool.trustReadOnlyHint },
    targets: () => ({ paths: [] }),
    async run(args, context) {
      const sent = depth === 0 ? parseArguments(args[MCP_JSON_ARGUMENTS]) : (restoreJsonStrings(args, tool.remote.inputSchema, 0, depth) as Record<string, unknown>);
      if (sent === undefined) return { ok: false, observation: `${MCP_JSON_ARGUMENTS} must be one JSON object (${MCP_SCHEMA_TOOL} shows its schema).` };
      const result = await tool.call(sent, context.signal);
      const wrapped = wrapToolResult(tool.server, tool.remote.name, result.text);
      return { ok: !result.isError, observation: wrapped.text, details: { mcp: { server: tool.server, tool: tool.remote.name, isError: result.isError, truncated: wrapped.truncated } } };
    },
  };
}

/** Conversions tried in turn, largest first: nesting followed, and items an array may hold in one call. */
const SIZE_STEPS: readonly { depth: number; items: number }[] = [
  { depth: MAX_DEPTH, items: 8 },
  { depth: MAX_DEPTH, items: 4 },
  { depth: MAX_DEPTH, items: 2 },
  { depth: 3, items: 2 },
  { depth: 2, items: 2 },
  { depth: 1, items: 2 },
];

/**
 * The largest conversion whose calls fit MCP_ARGS_TOKENS; depth 0: one JSON string holding every
 * argument (a schema too big even one level deep, or one that is not an object of short names).
 */
export function fittedParameters(inputSchema: unknown): { parameters: ToolJsonSchema & { type: "object" }; depth: number } {
  for (const { depth, items } of SIZE_STEPS) {
    const converted = toToolSchema(inputSchema, 0, depth, items);
    if (converted.type !== "object") break;
    if (argsTokenBound(converted, SIZE_PROBE_CHARS, DEFAULT_SCHEMA_LIMITS.arrayItems) <= MCP_ARGS_TOKENS) return { parameters: converted, depth };
  }
  const whole: ToolJsonSchema = { type: "string", description: "all arguments as one JSON object" };
  return { parameters: { type: "object", properties: { [MCP_JSON_ARGUMENTS]: whole }, required: [MCP_JSON_ARGUMENTS] }, depth: 0 };
}

function parseArguments(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
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
export function toToolSchema(schema: unknown, depth: number, maxDepth = MAX_DEPTH, maxItems = 8): ToolJsonSchema {
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
      if (depth >= maxDepth) break;
      return { type: "array", items: toToolSchema(s.items, depth + 1, maxDepth, maxItems), maxItems: typeof s.maxItems === "number" ? Math.max(0, Math.min(s.maxItems, maxItems)) : maxItems, ...description };
    case "object": {
      if (depth >= maxDepth) break;
      const properties = isRecord(s.properties) ? Object.entries(s.properties).slice(0, MAX_PROPERTIES) : [];
      if (properties.some(([name]) => name.length > MAX_PROPERTY_NAME)) break;
      const names = new Set(properties.map(([name]) => name));
      const required = Array.isArray(s.required) ? s.required.filter((name): name is string => typeof name === "string" && names.has(name)) : [];
      return { type: "object", properties: Object.fromEntries(properties.map(([name, value]) => [name, toToolSchema(value, depth + 1, maxDepth, maxItems)])), required, ...description };
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
function restoreJsonStrings(value: unknown, schema: unknown, depth: number, maxDepth: number): unknown {
  const converted = toToolSchema(schema, depth, maxDepth);
  if (converted.type === "string" && converted.description === "JSON value" && typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  const s = isRecord(schema) ? schema : {};
  if (converted.type === "array" && Array.isArray(value)) return value.map((item) => restoreJsonStrings(item, s.items, depth + 1, maxDepth));
  if (converted.type === "object" && isRecord(value)) {
    const properties = isRecord(s.properties) ? s.properties : {};
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, restoreJsonStrings(item, properties[key], depth + 1, maxDepth)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
