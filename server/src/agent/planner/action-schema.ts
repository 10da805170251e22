// The grammar the model answers under. Every step's answer is one JSON object
// {"thought": "...", "tool": "<name>", "args": {...}}, a oneOf over the tools (each with its own
// args schema, tool name as a const) plus the planner's own actions. Sampling under this grammar
// makes every call parse and match its tool's schema, whatever the model. Strings and arrays get
// length caps so that even a random model closes them and a call always fits its token limit.
import type { ToolDefinition, ToolJsonSchema } from "../tool-types";
import type { JsonSchema } from "./agent-model";

/** Actions the planner handles itself; no tool may use these names. */
export const FINISH = "finish";
export const REPLAN = "replan";
export const MORE_OUTPUT = "more_output";
export const PLANNER_ACTIONS = [FINISH, REPLAN, MORE_OUTPUT] as const;

export interface SchemaLimits {
  /** Characters in the thought before the call. */
  thoughtChars: number;
  /** Characters in any string argument (file contents included). */
  stringChars: number;
  /** Items in any array argument that sets no maxItems of its own. */
  arrayItems: number;
  planSteps: number;
  planStepChars: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = { thoughtChars: 400, stringChars: 12_000, arrayItems: 32, planSteps: 8, planStepChars: 160 };

export interface AgentAction {
  thought: string;
  tool: string;
  args: Record<string, unknown>;
}

export function plannerActionDefinitions(limits: SchemaLimits): { name: string; description: string; parameters: ToolJsonSchema & { type: "object" } }[] {
  const text = (description: string): ToolJsonSchema => ({ type: "string", description });
  return [
    {
      name: FINISH,
      description: "End the run: what changed and how it was verified.",
      parameters: { type: "object", properties: { summary: text("what changed"), verified: text("what was checked, or 'not verified'") }, required: ["summary", "verified"] },
    },
    {
      name: REPLAN,
      description: "Replace the remaining plan when an observation shows it is wrong.",
      parameters: {
        type: "object",
        properties: { reason: text("why"), steps: { type: "array", items: text("one step"), maxItems: limits.planSteps } },
        required: ["reason", "steps"],
      },
    },
    {
      name: MORE_OUTPUT,
      description: "Show more of a truncated observation.",
      parameters: {
        type: "object",
        properties: { step: { type: "integer", minimum: 1 }, offset: { type: "integer", minimum: 0 } },
        required: ["step", "offset"],
      },
    },
  ];
}

/** The schema of one step's answer. */
export function actionSchema(tools: readonly ToolDefinition[], limits: SchemaLimits): JsonSchema {
  const thought = { type: "string", maxLength: limits.thoughtChars };
  const variants = [...tools, ...plannerActionDefinitions(limits)].map((tool) => ({
    type: "object",
    properties: { thought, tool: { const: tool.name }, args: capped(tool.parameters, limits) },
  }));
  return { oneOf: variants };
}

/** The schema of the opening plan. */
export function planSchema(limits: SchemaLimits): JsonSchema {
  return {
    type: "object",
    properties: { plan: { type: "array", items: { type: "string", maxLength: limits.planStepChars }, minItems: 1, maxItems: limits.planSteps } },
  };
}

function capped(schema: ToolJsonSchema, limits: SchemaLimits): JsonSchema {
  switch (schema.type) {
    case "string":
      return schema.enum ? { type: "string", enum: [...schema.enum] } : { type: "string", maxLength: limits.stringChars };
    case "array":
      return { type: "array", items: capped(schema.items, limits), maxItems: Math.min(schema.maxItems ?? limits.arrayItems, limits.arrayItems) };
    case "object": {
      // node-llama-cpp's grammar writes every property in order (it has no optional ones), so an
      // optional argument may be null, and the planner drops the nulls before the tool sees them.
      const required = new Set(schema.required ?? []);
      const properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, value]) => [key, required.has(key) ? capped(value, limits) : { oneOf: [capped(value, limits), { type: "null" }] }]),
      );
      return { type: "object", properties };
    }
    case "integer":
    case "number":
      return { type: schema.type };
    case "boolean":
      return { type: "boolean" };
  }
}

/**
 * Checks an answer against the tools' schemas. The grammar already guarantees this for the real
 * model; the check keeps the planner safe with any AgentModel (a scripted or remote one).
 */
export function validateAction(value: unknown, tools: readonly ToolDefinition[], limits: SchemaLimits): { ok: true; action: AgentAction } | { ok: false; error: string } {
  if (!isRecord(value)) return { ok: false, error: "The answer was not a JSON object." };
  const { thought, tool, args } = value;
  if (typeof tool !== "string") return { ok: false, error: 'The answer has no "tool".' };
  const definition = [...tools, ...plannerActionDefinitions(limits)].find((t) => t.name === tool);
  if (!definition) return { ok: false, error: `There is no tool "${tool}".` };
  const normalized = clampNumbers(dropOptionalNulls(args, definition.parameters), definition.parameters);
  const problem = check(normalized, definition.parameters, "args");
  if (problem) return { ok: false, error: `Bad arguments for ${tool}: ${problem}.` };
  return { ok: true, action: { thought: typeof thought === "string" ? thought : "", tool, args: normalized as Record<string, unknown> } };
}

/** An optional argument written as null means "not given". */
function dropOptionalNulls(value: unknown, schema: ToolJsonSchema): unknown {
  if (schema.type === "array" && Array.isArray(value)) return value.map((item) => dropOptionalNulls(item, schema.items));
  if (schema.type !== "object" || !isRecord(value)) return value;
  const required = new Set(schema.required ?? []);
  const kept = Object.entries(value).filter(([key, item]) => !(item === null && !required.has(key) && key in schema.properties));
  return Object.fromEntries(kept.map(([key, item]) => [key, schema.properties[key] ? dropOptionalNulls(item, schema.properties[key]) : item]));
}

/**
 * node-llama-cpp's grammar cannot express a number's minimum/maximum (and allows exponents), so code
 * brings numbers into the schema's range (an offset of -14 becomes 0, 1e400 the largest safe integer)
 * before the check; the call stays valid.
 */
function clampNumbers(value: unknown, schema: ToolJsonSchema): unknown {
  if ((schema.type === "integer" || schema.type === "number") && typeof value === "number" && !Number.isNaN(value)) {
    // The grammar allows exponents, so a huge literal can parse as Infinity.
    const clamped = Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, Math.max(schema.minimum ?? -Number.MAX_SAFE_INTEGER, value));
    return schema.type === "integer" ? Math.trunc(clamped) : clamped;
  }
  if (schema.type === "array" && Array.isArray(value)) return value.map((item) => clampNumbers(item, schema.items));
  if (schema.type === "object" && isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, schema.properties[key] ? clampNumbers(item, schema.properties[key]) : item]));
  }
  return value;
}

function check(value: unknown, schema: ToolJsonSchema, at: string): string | undefined {
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") return `${at} must be a string`;
      if (schema.enum && !schema.enum.includes(value)) return `${at} must be one of ${schema.enum.join(", ")}`;
      return undefined;
    case "integer":
    case "number":
      if (typeof value !== "number" || (schema.type === "integer" && !Number.isInteger(value))) return `${at} must be an ${schema.type}`;
      if (schema.minimum !== undefined && value < schema.minimum) return `${at} must be at least ${schema.minimum}`;
      if (schema.maximum !== undefined && value > schema.maximum) return `${at} must be at most ${schema.maximum}`;
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : `${at} must be true or false`;
    case "array":
      if (!Array.isArray(value)) return `${at} must be an array`;
      for (const [index, item] of value.entries()) {
        const problem = check(item, schema.items, `${at}[${index}]`);
        if (problem) return problem;
      }
      return undefined;
    case "object": {
      if (!isRecord(value)) return `${at} must be an object`;
      for (const key of schema.required ?? []) if (!(key in value)) return `${at}.${key} is missing`;
      for (const [key, item] of Object.entries(value)) {
        const property = schema.properties[key];
        if (!property) return `${at}.${key} is not a parameter`;
        const problem = check(item, property, `${at}.${key}`);
        if (problem) return problem;
      }
      return undefined;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
