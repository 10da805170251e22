// The grammar the model answers under. Every step's answer is one JSON object
// {"thought": "...", "tool": "<name>", "args": {...}}, a oneOf over the tools (each with its own
// args schema, tool name as a const) plus the planner's own actions. Sampling under this grammar
// makes every call parse and match its tool's schema, whatever the model.
//
// Every string gets a length cap, and the caps are fitted to the answer's token budget: the longest
// answer the schema allows, counted as node-llama-cpp's grammar writes it (answerTokenBound), never
// exceeds the budget, so even a model that fills every string to its cap closes the call in time.
// A token holds at least one code point (engine/json-grammar.ts bans partial-character tokens), and a
// string character is at most two code points (an escape like \n), so a cap of n characters costs
// at most 2n + 2 tokens. Short arguments (paths, names, commands) declare their own maxLength; the
// thought and those get up to half the room, and content arguments (file text, edits) share the rest.
import type { ToolDefinition, ToolJsonSchema } from "../tool-types";
import type { JsonSchema } from "./agent-model";

/** Actions the planner handles itself; no tool may use these names. */
export const FINISH = "finish";
export const REPLAN = "replan";
export const MORE_OUTPUT = "more_output";
export const PLANNER_ACTIONS = [FINISH, REPLAN, MORE_OUTPUT] as const;

export interface SchemaLimits {
  /** Characters in the thought before the call, at most (less when the budget is small). */
  thoughtChars: number;
  /** Characters in a content argument (file text, edits) at most; the budget usually sets fewer. */
  stringChars: number;
  /** Items in any array argument that sets no maxItems of its own. */
  arrayItems: number;
  planSteps: number;
  planStepChars: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = { thoughtChars: 200, stringChars: 12_000, arrayItems: 32, planSteps: 8, planStepChars: 160 };

/** Tokens a string character may take at most: an escape (\n) is two code points, and a token is at least one. */
export const TOKENS_PER_STRING_CHAR = 2;

export interface AgentAction {
  thought: string;
  tool: string;
  args: Record<string, unknown>;
}

export function plannerActionDefinitions(limits: SchemaLimits): { name: string; description: string; parameters: ToolJsonSchema & { type: "object" } }[] {
  const text = (description: string, maxLength: number): ToolJsonSchema => ({ type: "string", description, maxLength });
  return [
    {
      name: FINISH,
      description: "End the run: what changed (or the answer to a question) and how it was verified.",
      parameters: { type: "object", properties: { summary: text("what changed, or the answer", 1000), verified: text("what was checked, or 'not verified'", 300) }, required: ["summary", "verified"] },
    },
    {
      name: REPLAN,
      description: "Replace the remaining plan when an observation shows it is wrong.",
      parameters: {
        type: "object",
        properties: { reason: text("why", 300), steps: { type: "array", items: text("one step", limits.planStepChars), maxItems: limits.planSteps } },
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

/** The answer schemas of a run, fitted to its answer budget. */
export interface FittedActions {
  /** One step's answer: a oneOf over the tools and planner actions. */
  schema: JsonSchema;
  /** The opening plan. */
  plan: JsonSchema;
  /** Each tool's (and planner action's) capped args schema, for spotting an argument cut at its cap. */
  args: ReadonlyMap<string, JsonSchema>;
  /** The longest answer either schema allows, in tokens: at most the budget. */
  maxTokens: number;
  /** The smallest cap any content argument got (told to the model). */
  contentChars: number;
}

/**
 * Fits every string cap to `answerTokens`. Throws when the budget cannot hold even a call with empty
 * strings (minimumAnswerTokens says how much that takes).
 */
export function fitActions(tools: readonly ToolDefinition[], limits: SchemaLimits, answerTokens: number): FittedActions {
  const args = new Map<string, JsonSchema>();
  const variants: JsonSchema[] = [];
  let contentChars = Infinity;
  for (const tool of [...tools, ...plannerActionDefinitions(limits)]) {
    const emptyBound = answerTokenBound(variant(tool.name, 0, capped(tool.parameters, () => 0, limits.arrayItems)));
    const room = answerTokens - emptyBound;
    if (room < 0) throw new Error(`An answer budget of ${answerTokens} tokens cannot hold a call to ${tool.name} (it needs ${emptyBound} tokens with empty strings).`);
    const slots = stringSlots(tool.parameters, 1, limits.arrayItems);
    const shortWeight = TOKENS_PER_STRING_CHAR * (limits.thoughtChars + slots.filter((s) => s.desired !== undefined).reduce((sum, s) => sum + s.desired! * s.count, 0));
    const contentCount = slots.filter((s) => s.desired === undefined).reduce((sum, s) => sum + s.count, 0);
    const shortRoom = contentCount === 0 ? room : room / 2;
    const scale = shortWeight === 0 ? 1 : Math.min(1, shortRoom / shortWeight);
    const short = (desired: number) => Math.floor(desired * scale);
    const thought = short(limits.thoughtChars);
    const shortSpent = TOKENS_PER_STRING_CHAR * (thought + slots.filter((s) => s.desired !== undefined).reduce((sum, s) => sum + short(s.desired!) * s.count, 0));
    const content = contentCount === 0 ? 0 : Math.max(0, Math.min(limits.stringChars, Math.floor((room - shortSpent) / (TOKENS_PER_STRING_CHAR * contentCount))));
    if (contentCount > 0) contentChars = Math.min(contentChars, content);
    const toolArgs = capped(tool.parameters, (desired) => (desired === undefined ? content : short(desired)), limits.arrayItems);
    args.set(tool.name, toolArgs);
    variants.push(variant(tool.name, thought, toolArgs));
  }
  const schema: JsonSchema = { oneOf: variants };
  const plan = fitPlan(limits, answerTokens);
  const maxTokens = Math.max(answerTokenBound(schema), answerTokenBound(plan));
  if (maxTokens > answerTokens) throw new Error(`The fitted answer schema needs ${maxTokens} tokens, more than its budget of ${answerTokens}.`);
  return { schema, plan, args, maxTokens, contentChars: contentChars === Infinity ? 0 : contentChars };
}

/** The smallest answer budget that holds a call to any tool with strings of a few characters. */
export function minimumAnswerTokens(tools: readonly ToolDefinition[], limits: SchemaLimits): number {
  const few = 16;
  return Math.max(
    ...[...tools, ...plannerActionDefinitions(limits)].map((tool) => answerTokenBound(variant(tool.name, few, capped(tool.parameters, () => few, limits.arrayItems)))),
    answerTokenBound(planSchema(limits.planSteps, few)),
  );
}

/** The longest args object `parameters` allows with every string capped at `stringChars`, in tokens (a schema's size). */
export function argsTokenBound(parameters: ToolJsonSchema, stringChars: number, arrayItems: number): number {
  return answerTokenBound(capped(parameters, () => stringChars, arrayItems));
}

/** The first string argument that reached its cap (so was most likely cut), as `name (cap)`. */
export function argumentAtCap(args: Record<string, unknown>, schema: JsonSchema | undefined): string | undefined {
  const properties = (schema as { properties?: Record<string, JsonSchema> } | undefined)?.properties ?? {};
  for (const [name, value] of Object.entries(args)) {
    const found = valueAtCap(value, properties[name]);
    if (found !== undefined) return `${name} (${found} characters)`;
  }
  return undefined;
}

function valueAtCap(value: unknown, schema: JsonSchema | undefined): number | undefined {
  if (!schema) return undefined;
  const options = Array.isArray(schema.oneOf) ? (schema.oneOf as JsonSchema[]) : [schema];
  for (const option of options) {
    if (typeof value === "string" && typeof option.maxLength === "number" && option.maxLength > 0 && [...value].length >= option.maxLength) return option.maxLength;
    if (Array.isArray(value) && option.type === "array") {
      for (const item of value) {
        const found = valueAtCap(item, option.items as JsonSchema);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

function variant(name: string, thoughtChars: number, args: JsonSchema): JsonSchema {
  return { type: "object", properties: { thought: { type: "string", maxLength: thoughtChars }, tool: { const: name }, args } };
}

function fitPlan(limits: SchemaLimits, answerTokens: number): JsonSchema {
  const empty = answerTokenBound(planSchema(limits.planSteps, 0));
  const perStep = Math.floor((answerTokens - empty) / (TOKENS_PER_STRING_CHAR * limits.planSteps));
  return planSchema(limits.planSteps, Math.max(0, Math.min(limits.planStepChars, perStep)));
}

function planSchema(steps: number, stepChars: number): JsonSchema {
  return { type: "object", properties: { plan: { type: "array", items: { type: "string", maxLength: stepChars }, minItems: 1, maxItems: steps } } };
}

/** String arguments: `desired` is a declared maxLength (short), undefined for content; `count` how many an array holds. */
function stringSlots(schema: ToolJsonSchema, count: number, arrayItems: number): { desired: number | undefined; count: number }[] {
  switch (schema.type) {
    case "string":
      return schema.enum ? [] : [{ desired: schema.maxLength, count }];
    case "array":
      return stringSlots(schema.items, count * Math.min(schema.maxItems ?? arrayItems, arrayItems), arrayItems);
    case "object":
      return Object.values(schema.properties).flatMap((property) => stringSlots(property, count, arrayItems));
    default:
      return [];
  }
}

/** The JSON schema of a tool's arguments with every string capped by `cap(declared maxLength)`. */
function capped(schema: ToolJsonSchema, cap: (desired: number | undefined) => number, arrayItems: number): JsonSchema {
  switch (schema.type) {
    case "string":
      return schema.enum ? { type: "string", enum: [...schema.enum] } : { type: "string", maxLength: cap(schema.maxLength) };
    case "array":
      return { type: "array", items: capped(schema.items, cap, arrayItems), maxItems: Math.min(schema.maxItems ?? arrayItems, arrayItems) };
    case "object": {
      // node-llama-cpp's grammar writes every property in order (it has no optional ones), so an
      // optional argument may be null, and the planner drops the nulls before the tool sees them.
      const required = new Set(schema.required ?? []);
      const properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, value]) => [key, required.has(key) ? capped(value, cap, arrayItems) : { oneOf: [capped(value, cap, arrayItems), { type: "null" }] }]),
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
 * The longest answer `schema` allows, in tokens, as node-llama-cpp 3.22 writes its JSON grammar
 * (with engine/json-grammar.ts's adjustments): code points, where whitespace is at most one space
 * (after `{`, `[`, `,`, `:` and before `}`, `]`), a string character at most 2 code points, and a
 * number at most 35 (integer) or 52 (fractional) characters. json-grammar.test.ts checks this against
 * the generated grammar itself. Infinity when a string or array has no cap.
 */
export function answerTokenBound(schema: JsonSchema): number {
  return valueBound(schema);
}

const INTEGER_CHARS = 35; // -, 16 digits, e, sign, 16 digits
const NUMBER_CHARS = 52; // and ".", 16 digits
const SPACE = 1;

function valueBound(schema: JsonSchema): number {
  if (Array.isArray(schema.oneOf)) return Math.max(...(schema.oneOf as JsonSchema[]).map(valueBound));
  if ("const" in schema) return [...JSON.stringify(schema.const)].length;
  if (Array.isArray(schema.enum)) return Math.max(...(schema.enum as unknown[]).map((value) => [...JSON.stringify(value)].length));
  switch (schema.type) {
    case "string":
      return typeof schema.maxLength === "number" ? 2 + TOKENS_PER_STRING_CHAR * schema.maxLength : Infinity;
    case "integer":
      return INTEGER_CHARS;
    case "number":
      return NUMBER_CHARS;
    case "boolean":
      return 5;
    case "null":
      return 4;
    case "array": {
      if (typeof schema.maxItems !== "number") return Infinity;
      const items = schema.maxItems;
      const item = items === 0 ? 0 : valueBound(schema.items as JsonSchema);
      return 2 + 2 * SPACE + items * item + Math.max(0, items - 1) * (1 + SPACE);
    }
    case "object": {
      // "{" space members "}" with `"key":` space value, and "," space between members.
      const entries = Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>);
      const members = entries.reduce((sum, [key, value]) => sum + [...JSON.stringify(key)].length + 1 + SPACE + valueBound(value), 0);
      return 2 + 2 * SPACE + members + Math.max(0, entries.length - 1) * (1 + SPACE);
    }
    default:
      throw new Error(`No token bound for the schema ${JSON.stringify(schema)}.`);
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
