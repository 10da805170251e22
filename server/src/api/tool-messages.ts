// OpenAI's tool calling on the wire ↔ the engine's tool chat (engine/tool-chat.ts): `tools`,
// `tool_choice`, assistant `tool_calls` and `tool` messages in; `tool_calls` out with ids the client
// echoes back. The model runs no tool here: the API's caller does, and sends the result.
import { randomUUID } from "node:crypto";
import type { ToolCall, ToolChatTurn, ToolSpec } from "../engine/tool-chat";
import { ApiError } from "./api-error";

type Body = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The request's tools, or undefined when it has none (a plain chat). */
export function toolsOf(body: Body): ToolSpec[] | undefined {
  if (body.functions !== undefined || body.function_call !== undefined) throw new ApiError(400, "functions and function_call are the deprecated form: send tools and tool_choice.");
  if (body.tools === undefined || body.tools === null) return undefined;
  if (!Array.isArray(body.tools) || body.tools.length > 128) throw new ApiError(400, "tools must be an array of at most 128 tools.");
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== null && choice !== "auto" && choice !== "none") {
    throw new ApiError(400, 'tool_choice may be "auto" or "none" on this server (a local model cannot be forced to call a tool).', "invalid_request_error", "tool_choice_unsupported");
  }
  const tools = body.tools.map((tool: unknown, index): ToolSpec => {
    const fn = isRecord(tool) && tool.type === "function" && isRecord(tool.function) ? tool.function : undefined;
    if (!fn || typeof fn.name !== "string") throw new ApiError(400, `tools[${index}] must be {"type": "function", "function": {"name": …, "parameters": …}}.`);
    if (fn.description !== undefined && typeof fn.description !== "string") throw new ApiError(400, `tools[${index}].function.description must be a string.`);
    if (fn.parameters !== undefined && !isRecord(fn.parameters)) throw new ApiError(400, `tools[${index}].function.parameters must be a JSON Schema object.`);
    return { name: fn.name, ...(fn.description ? { description: fn.description } : {}), ...(fn.parameters ? { parameters: fn.parameters } : {}) };
  });
  return choice === "none" ? [] : tools;
}

/** Whether the conversation already holds tool calls or tool results (then it needs the tool path). */
export function hasToolMessages(body: Body): boolean {
  return Array.isArray(body.messages) && body.messages.some((message: unknown) => isRecord(message) && (message.role === "tool" || (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)));
}

/** The messages of a request with tools, including assistant tool calls and tool results. */
export function toolTurnsOf(body: Body, messageText: (content: unknown) => string): ToolChatTurn[] {
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new ApiError(400, "messages must be a non-empty array.");
  return body.messages.map((message: unknown, index): ToolChatTurn => {
    if (!isRecord(message)) throw new ApiError(400, `messages[${index}] must be an object.`);
    const role = message.role === "developer" ? "system" : message.role;
    if (role === "system" || role === "user") return { role, text: messageText(message.content) };
    if (role === "tool") {
      if (typeof message.tool_call_id !== "string" || message.tool_call_id === "") throw new ApiError(400, `messages[${index}] (role tool) needs the tool_call_id it answers.`);
      return { role: "tool", toolCallId: message.tool_call_id, text: messageText(message.content) };
    }
    if (role !== "assistant") throw new ApiError(400, `Unsupported message role ${JSON.stringify(message.role)}.`);
    const text = message.content === null || message.content === undefined ? "" : messageText(message.content);
    if (message.tool_calls === undefined || message.tool_calls === null) return { role: "assistant", text };
    if (!Array.isArray(message.tool_calls)) throw new ApiError(400, `messages[${index}].tool_calls must be an array.`);
    const toolCalls = message.tool_calls.map((call: unknown, callIndex) => {
      const at = `messages[${index}].tool_calls[${callIndex}]`;
      const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
      if (!isRecord(call) || typeof call.id !== "string" || !fn || typeof fn.name !== "string" || typeof fn.arguments !== "string") {
        throw new ApiError(400, `${at} must be {"id": …, "type": "function", "function": {"name": …, "arguments": "<JSON>"}}.`);
      }
      let args: unknown;
      try {
        args = JSON.parse(fn.arguments);
      } catch {
        throw new ApiError(400, `${at}.function.arguments is not JSON.`);
      }
      return { id: call.id, name: fn.name, arguments: args };
    });
    return { role: "assistant", text, toolCalls };
  });
}

/** The model's calls as OpenAI `tool_calls`, each with a fresh id the client sends back with the result. */
export function toWireToolCalls(calls: readonly ToolCall[]): { id: string; type: "function"; function: { name: string; arguments: string } }[] {
  return calls.map((call) => ({ id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) } }));
}
