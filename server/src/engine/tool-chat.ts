// Chat with tools that the caller runs (the OpenAI API's `tools`): the model calls them in its own
// trained format, through node-llama-cpp's function calling (LlamaChat with `functions` and no
// handlers, so a call ends the generation and comes back to the caller, as OpenAI's
// finish_reason "tool_calls"). Pincer's own agent does not use this path: its steps are
// grammar-constrained JSON (agent/), which small models follow more reliably.
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, GbnfJsonSchema } from "node-llama-cpp";
import type { GenerationResult } from "./sequence";

/** A tool the model may call: a name, what it does, and its parameters as JSON Schema. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface ToolCall {
  name: string;
  /**
   * The parameters the model wrote, parsed: grammar-constrained to the tool's schema when the model used its
   * call markers; a call written without them (untaggedToolCalls) is checked for its required names only.
   */
  arguments: unknown;
}

/** A message of a conversation with tools, in OpenAI's shape but without its wire names. */
export type ToolChatTurn =
  | { role: "system" | "user"; text: string }
  | { role: "assistant"; text: string; toolCalls?: readonly (ToolCall & { id: string })[] }
  | { role: "tool"; toolCallId: string; text: string };

export interface ToolChatResult extends GenerationResult {
  /** The calls the model made (empty when it answered in text). */
  toolCalls: ToolCall[];
}

/** A tool list or conversation the caller must fix; the message says what is wrong. */
export class ToolChatError extends Error {}

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** A grammar repeats an element once per count: larger bounds would cost memory, not add meaning. */
const MAX_COUNT = 4096;
const PLAIN_TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);
const isPrimitive = (value: unknown) => value === null || ["string", "number", "boolean"].includes(typeof value);
const DROPPED_KEYWORDS = new Set(["$schema", "title", "default", "examples", "$comment", "strict", "deprecated", "readOnly", "writeOnly"]);

/** The tools as node-llama-cpp functions; throws ToolChatError for a name or schema it cannot take. */
export function toFunctions(tools: readonly ToolSpec[]): ChatModelFunctions {
  const functions: Record<string, { description?: string; params?: GbnfJsonSchema }> = Object.create(null) as Record<string, never>;
  for (const tool of tools) {
    if (!TOOL_NAME.test(tool.name)) throw new ToolChatError(`Tool name ${JSON.stringify(tool.name)} must be 1 to 64 letters, digits, _ or -, starting with a letter or _.`);
    if (Object.hasOwn(functions, tool.name)) throw new ToolChatError(`Tool ${tool.name} is listed twice.`);
    const params = tool.parameters === undefined ? undefined : toGrammarSchema(tool.parameters, `${tool.name}.parameters`);
    // A tool without parameters takes none (an empty object is what OpenAI clients send for it).
    const empty = params !== undefined && "type" in params && params.type === "object" && !("properties" in params && params.properties && Object.keys(params.properties).length > 0);
    functions[tool.name] = { ...(tool.description ? { description: tool.description } : {}), ...(params && !empty ? { params } : {}) };
  }
  return { ...functions };
}

/**
 * JSON Schema → the subset node-llama-cpp turns into a grammar: annotations are dropped, `anyOf`
 * becomes `oneOf`, `type: [..]` of plain types is kept; what it cannot express (`$ref`, `allOf`,
 * `pattern`, `not`…) is refused with the path, so the caller learns why instead of getting
 * arguments that silently ignore part of the schema.
 */
export function toGrammarSchema(schema: unknown, at: string): GbnfJsonSchema {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) throw new ToolChatError(`${at} must be a JSON Schema object.`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (DROPPED_KEYWORDS.has(key)) continue;
    switch (key) {
      case "type": {
        const types = Array.isArray(value) ? value : [value];
        if (types.length === 0 || !types.every((type) => typeof type === "string" && PLAIN_TYPES.has(type))) throw new ToolChatError(`${at}.type must be one of ${[...PLAIN_TYPES].join(", ")} (or a list of them).`);
        out[key] = value;
        break;
      }
      case "enum":
        if (!Array.isArray(value) || value.length === 0 || value.length > MAX_COUNT || !value.every(isPrimitive)) throw new ToolChatError(`${at}.enum must be a non-empty list of strings, numbers, booleans or null.`);
        out[key] = value;
        break;
      case "const":
        if (!isPrimitive(value)) throw new ToolChatError(`${at}.const must be a string, number, boolean or null.`);
        out[key] = value;
        break;
      case "description":
        if (typeof value === "string") out[key] = value;
        break;
      case "required":
        if (!Array.isArray(value) || !value.every((name) => typeof name === "string")) throw new ToolChatError(`${at}.required must be a list of property names.`);
        out[key] = value;
        break;
      case "minLength":
      case "maxLength":
      case "minItems":
      case "maxItems":
      case "minProperties":
      case "maxProperties":
        if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_COUNT) throw new ToolChatError(`${at}.${key} must be a whole number from 0 to ${MAX_COUNT}.`);
        out[key] = value;
        break;
      case "format":
        // Only these formats have a grammar; others (email, uri…) are plain strings to it.
        if (value === "date" || value === "time" || value === "date-time") out[key] = value;
        break;
      case "properties":
        if (typeof value !== "object" || value === null) throw new ToolChatError(`${at}.properties must be an object.`);
        out.properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, toGrammarSchema(sub, `${at}.properties.${name}`)]));
        break;
      case "items":
        out.items = toGrammarSchema(value, `${at}.items`);
        break;
      case "prefixItems":
        if (!Array.isArray(value)) throw new ToolChatError(`${at}.prefixItems must be an array.`);
        out.prefixItems = value.map((sub, i) => toGrammarSchema(sub, `${at}.prefixItems[${i}]`));
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "boolean" ? value : toGrammarSchema(value, `${at}.additionalProperties`);
        break;
      case "anyOf":
      case "oneOf":
        if (!Array.isArray(value) || value.length === 0) throw new ToolChatError(`${at}.${key} must be a non-empty array.`);
        out.oneOf = value.map((sub, i) => toGrammarSchema(sub, `${at}.${key}[${i}]`));
        break;
      default:
        throw new ToolChatError(`${at}: the JSON Schema keyword "${key}" is not supported for tool parameters (supported: type, properties, required, items, enum, const, anyOf/oneOf, additionalProperties, min/max lengths and counts).`);
    }
  }
  if (Array.isArray(out.required)) {
    const properties = (out.properties ?? {}) as object;
    const unknown = (out.required as unknown[]).filter((name) => typeof name !== "string" || !Object.hasOwn(properties, name));
    if (unknown.length > 0) throw new ToolChatError(`${at}.required names ${unknown.join(", ")}, which are not in its properties.`);
  }
  return out as GbnfJsonSchema;
}

/**
 * The conversation as node-llama-cpp's chat history, ending with the model message to generate:
 * each assistant tool call carries the result of the tool message that answers it (by id), and a
 * conversation whose last message is a tool result continues that assistant message, as a model
 * trained for tools expects.
 */
export function toToolHistory(turns: readonly ToolChatTurn[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const pending = new Map<string, ChatModelFunctionCall>();
  for (const [index, turn] of turns.entries()) {
    if (turn.role === "tool") {
      const call = pending.get(turn.toolCallId);
      if (!call) throw new ToolChatError(`messages[${index}] answers tool call ${JSON.stringify(turn.toolCallId)}, which no earlier assistant message made (or which was already answered).`);
      call.result = parseResult(turn.text);
      pending.delete(turn.toolCallId);
      continue;
    }
    if (pending.size > 0) throw new ToolChatError(`messages[${index}]: tool call ${[...pending.keys()].join(", ")} has no tool message with its result before it.`);
    if (turn.role !== "assistant") history.push(turn.role === "system" ? { type: "system", text: turn.text } : { type: "user", text: turn.text });
    else {
      const calls = (turn.toolCalls ?? []).map((call): ChatModelFunctionCall => {
        const item: ChatModelFunctionCall = { type: "functionCall", name: call.name, params: call.arguments, result: undefined };
        if (pending.has(call.id)) throw new ToolChatError(`messages[${index}] repeats the tool call id ${JSON.stringify(call.id)}.`);
        pending.set(call.id, item);
        return item;
      });
      history.push({ type: "model", response: [...(turn.text ? [turn.text] : []), ...calls] });
    }
  }
  if (pending.size > 0) throw new ToolChatError(`Tool call ${[...pending.keys()].join(", ")} has no tool message with its result.`);
  const last = history.at(-1);
  const continuesCalls = last?.type === "model" && last.response.some((part) => typeof part === "object" && part.type === "functionCall");
  if (!continuesCalls) history.push({ type: "model", response: [] });
  return history;
}

/**
 * Small models trained for tools often write the call's JSON without the markers around it (Qwen2.5
 * 0.5B answers `{"name": …, "arguments": …}` without `<tool_call>`), so node-llama-cpp sees text. A
 * whole answer that is exactly such a call (or a list of them, a code fence allowed) to a tool the
 * request offered, with object arguments, is taken as the call; anything else stays text.
 */
export function untaggedToolCalls(text: string, tools: readonly ToolSpec[]): ToolCall[] | undefined {
  const body = text.trim().replace(/^```(?:json)?\s*\n([\s\S]*?)\n?```$/, "$1").trim();
  if (!body.startsWith("{") && !body.startsWith("[")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const calls: ToolCall[] = [];
  for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
    if (typeof item !== "object" || item === null) return undefined;
    const { name, arguments: raw, ...rest } = item as Record<string, unknown>;
    const tool = typeof name === "string" ? byName.get(name) : undefined;
    if (!tool || Object.keys(rest).length > 0) return undefined;
    let args = raw ?? {};
    if (typeof args === "string") {
      try {
        args = JSON.parse(args);
      } catch {
        return undefined;
      }
    }
    if (typeof args !== "object" || args === null || Array.isArray(args)) return undefined;
    const required = tool.parameters?.required;
    if (Array.isArray(required) && !required.every((key) => typeof key === "string" && Object.hasOwn(args as object, key))) return undefined;
    calls.push({ name: tool.name, arguments: args });
  }
  return calls.length > 0 ? calls : undefined;
}

/** A tool result as the model sees it: JSON stays structured, anything else is text. */
function parseResult(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
