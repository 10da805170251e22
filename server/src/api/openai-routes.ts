// The OpenAI-compatible routes over Pincer's warm model: /v1/models, /v1/chat/completions
// (streamed as SSE when asked), /v1/completions (`suffix` makes it fill-in-the-middle through the
// same completeAt as inline completion). Requests are checked here; the HTTP plumbing, the guard and
// the limits are in http-api-server.ts.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { ChatModel } from "../chat/chat-model";
import { completeAt } from "../completion/complete";
import type { Engine } from "../engine/engine";
import type { ChatTurn, GenerationResult } from "../engine/sequence";
import { PincerError } from "../platform/errors";
import { ToolChatError, type ToolSpec } from "../engine/tool-chat";
import { ApiError } from "./api-error";
import type { ApiEmbedder } from "./embedding-route";
import type { WorkspaceApi } from "./pincer-routes";
import { hasToolMessages, toolsOf, toolTurnsOf, toWireToolCalls } from "./tool-messages";

export interface ApiDeps {
  /** The id /v1/models lists and answers carry. */
  modelName(): string;
  chat(signal: AbortSignal): Promise<ChatModel>;
  completionEngine(signal: AbortSignal): Promise<Engine>;
  /** The embedding model for /v1/embeddings, when one was loaded. */
  embedder?: ApiEmbedder;
  /** OCR and agent runs in the folder given with --workspace. */
  workspace?: WorkspaceApi;
}

export { ApiError };

export interface RouteLimits {
  /** Most tokens one request may ask to generate. */
  maxTokens: number;
}

type Body = Record<string, unknown>;

function maxTokensOf(body: Body, fallback: number, limits: RouteLimits): number {
  const value = body.max_completion_tokens ?? body.max_tokens ?? fallback;
  if (!Number.isInteger(value) || (value as number) < 1) throw new ApiError(400, "max_tokens must be a whole number of at least 1.");
  if ((value as number) > limits.maxTokens) throw new ApiError(400, `max_tokens may be at most ${limits.maxTokens} on this server (--max-tokens).`, "invalid_request_error", "max_tokens_exceeded");
  return value as number;
}

function temperatureOf(body: Body): number {
  const value = body.temperature ?? 0;
  if (typeof value !== "number" || value < 0 || value > 2) throw new ApiError(400, "temperature must be a number from 0 to 2.");
  return value;
}

function stopOf(body: Body): string[] | undefined {
  if (body.stop === undefined || body.stop === null) return undefined;
  const stops = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (!Array.isArray(stops) || stops.length > 4 || stops.some((s) => typeof s !== "string" || s === "")) throw new ApiError(400, "stop must be a string or up to 4 strings.");
  return stops as string[];
}

function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text" && typeof (part as { text?: unknown }).text === "string") return (part as { text: string }).text;
        throw new ApiError(400, "Only text content parts are supported.");
      })
      .join("");
  }
  throw new ApiError(400, "Each message needs string content.");
}

function turnsOf(body: Body): ChatTurn[] {
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new ApiError(400, "messages must be a non-empty array.");
  return body.messages.map((message: unknown) => {
    const role = (message as { role?: unknown }).role;
    const mapped = role === "developer" ? "system" : role;
    if (mapped !== "system" && mapped !== "user" && mapped !== "assistant") throw new ApiError(400, `Unsupported message role ${JSON.stringify(role)}.`);
    return { role: mapped, text: messageText((message as { content?: unknown }).content) };
  });
}

const finishReason = (result: GenerationResult): "stop" | "length" => (result.stopReason === "maxTokens" ? "length" : "stop");

function sse(response: ServerResponse): (data: unknown) => void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  return (data) => void response.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

export function listModels(deps: ApiDeps): unknown {
  const ids = [deps.modelName(), ...(deps.embedder ? [deps.embedder.name] : [])];
  return { object: "list", data: ids.map((id) => ({ id, object: "model", created: 0, owned_by: "pincer" })) };
}

/** A checked chat request, ready to run (shared by the HTTP and gRPC APIs). */
export async function prepareChat(body: Body, deps: ApiDeps, limits: RouteLimits, signal: AbortSignal) {
  const turns = turnsOf(body);
  const maxTokens = maxTokensOf(body, 512, limits);
  const temperature = temperatureOf(body);
  const stopTexts = stopOf(body);
  const model = await deps.chat(signal);
  const promptTokens = model.chatTokenCount(turns);
  if (promptTokens + maxTokens > model.contextSize) {
    throw new ApiError(400, `The messages (${promptTokens} tokens) and max_tokens (${maxTokens}) do not fit the ${model.contextSize}-token context.`, "invalid_request_error", "context_length_exceeded");
  }
  return { model, turns, maxTokens, temperature, stopTexts, promptTokens };
}

/** A chat answer, shared by the HTTP and gRPC APIs: plain or with tools, `onText` streams the text as it comes. */
export interface ChatAnswer {
  text: string;
  toolCalls: ReturnType<typeof toWireToolCalls>;
  finish: "stop" | "length" | "tool_calls";
  cancelled: boolean;
  promptTokens: number;
  generated: number;
}

/** Checks the request (400 before any text), then runs it. */
export async function chatAnswer(body: Body, deps: ApiDeps, limits: RouteLimits, signal: AbortSignal, onText?: (text: string) => void): Promise<ChatAnswer> {
  const tools = toolsOf(body);
  // An empty tool list (or tool_choice "none") with no tool messages is a plain chat, on any engine.
  if (tools !== undefined && (tools.length > 0 || hasToolMessages(body))) return toolChatAnswer(body, tools, deps, limits, signal, onText);
  const { model, turns, maxTokens, temperature, stopTexts, promptTokens } = await prepareChat(body, deps, limits, signal);
  const result = await model.chatTurns(turns, { maxTokens, temperature, signal, stopTexts, ...(onText ? { onText } : {}) });
  return { text: result.text, toolCalls: [], finish: finishReason(result), cancelled: result.stopReason === "cancelled", promptTokens, generated: result.generatedTokens };
}

export async function chatCompletions(body: Body, response: ServerResponse, deps: ApiDeps, limits: RouteLimits, signal: AbortSignal): Promise<unknown> {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const name = deps.modelName();
  if (body.stream === true) {
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({ id, object: "chat.completion.chunk", created, model: name, choices: [{ index: 0, delta, finish_reason: finish }] });
    // The stream opens with the first text (or at the end): a refused request is still a plain 400.
    let send: ((data: unknown) => void) | undefined;
    const open = () => {
      if (send) return send;
      send = sse(response);
      send(chunk({ role: "assistant", content: "" }, null));
      return send;
    };
    const answer = await chatAnswer(body, deps, limits, signal, (text) => open()(chunk({ content: text }, null)));
    if (!answer.cancelled) {
      const stream = open();
      if (answer.toolCalls.length > 0) stream(chunk({ tool_calls: answer.toolCalls.map((call, index) => ({ index, ...call })) }, null));
      stream(chunk({}, answer.finish));
      stream("[DONE]");
    }
    response.end();
    return undefined;
  }
  const answer = await chatAnswer(body, deps, limits, signal);
  const calls = answer.toolCalls.length > 0;
  return {
    id,
    object: "chat.completion",
    created,
    model: name,
    choices: [{ index: 0, message: { role: "assistant", content: answer.text === "" && calls ? null : answer.text, ...(calls ? { tool_calls: answer.toolCalls } : {}) }, finish_reason: answer.finish }],
    usage: { prompt_tokens: answer.promptTokens, completion_tokens: answer.generated, total_tokens: answer.promptTokens + answer.generated },
  };
}

/** A chat request with tools: the model answers in text or with tool_calls for the client to run. */
async function toolChatAnswer(body: Body, tools: ToolSpec[], deps: ApiDeps, limits: RouteLimits, signal: AbortSignal, onText?: (text: string) => void): Promise<ChatAnswer> {
  const turns = toolTurnsOf(body, messageText);
  const maxTokens = maxTokensOf(body, 512, limits);
  const temperature = temperatureOf(body);
  const stopTexts = stopOf(body);
  const model = await deps.chat(signal);
  if (!model.tools) throw new ApiError(400, "The chat engine serving this API cannot call tools.", "invalid_request_error", "tools_unsupported");
  const engineTools = model.tools;
  const promptTokens = withToolErrors(() => engineTools.tokenCount(turns, tools));
  if (promptTokens + maxTokens > model.contextSize) {
    throw new ApiError(400, `The messages and tools (${promptTokens} tokens) and max_tokens (${maxTokens}) do not fit the ${model.contextSize}-token context.`, "invalid_request_error", "context_length_exceeded");
  }
  // An answer that opens like JSON may turn out to be a call written without its markers
  // (engine/tool-chat.ts untaggedToolCalls): hold it back until the end decides.
  let held: string | undefined;
  const streamText = onText
    ? (text: string) => {
        if (held !== undefined) held += text;
        else if (/^\s*$/.test(text)) held = text;
        else if (/^\s*[[{`]/.test(text)) held = text;
        else onText(text);
        if (held !== undefined && /\S/.test(held) && !/^\s*[[{`]/.test(held)) {
          onText(held);
          held = undefined;
        }
      }
    : undefined;
  const result = await engineTools.chat(turns, tools, { maxTokens, temperature, signal, stopTexts, onText: streamText });
  if (onText && held && result.text !== "") onText(held);
  const toolCalls = toWireToolCalls(result.toolCalls);
  return { text: result.text, toolCalls, finish: toolCalls.length > 0 ? "tool_calls" : finishReason(result), cancelled: result.stopReason === "cancelled", promptTokens, generated: result.generatedTokens };
}

/** A tool list or conversation the engine refuses is the client's error (400), with the engine's reason. */
function withToolErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ToolChatError) throw new ApiError(400, error.message, "invalid_request_error", "invalid_tools");
    throw error;
  }
}

/** One completion (FIM with a suffix), shared by the HTTP and gRPC APIs; onText streams plain continuations. */
export async function runCompletion(
  body: Body,
  deps: ApiDeps,
  limits: RouteLimits,
  signal: AbortSignal,
  onText?: (text: string) => void,
): Promise<{ text: string; finish: "stop" | "length"; generated: number; promptTokens: number }> {
  if (typeof body.prompt !== "string") throw new ApiError(400, "prompt must be a string.");
  if (body.suffix !== undefined && body.suffix !== null && typeof body.suffix !== "string") throw new ApiError(400, "suffix must be a string.");
  const prompt = body.prompt;
  const suffix = typeof body.suffix === "string" ? body.suffix : undefined;
  const maxTokens = maxTokensOf(body, 16, limits);
  const temperature = temperatureOf(body);
  const stopTexts = stopOf(body);
  const engine = await deps.completionEngine(signal);
  const promptTokens = engine.tokenCount(prompt + (suffix ?? ""));
  let text: string;
  let finish: "stop" | "length";
  let generated = 0;
  if (suffix !== undefined) {
    // Fill in the middle: the same layout, FIM format and cleaning as inline completion.
    const result = await completeAt(engine, { text: prompt + suffix, offset: prompt.length, maxTokens, maxLines: 10_000, uri: "pincer-api:completion", path: "completion", languageId: "plaintext", signal });
    if (result.cancelled) throw new PincerError("Cancelled.", "cancelled");
    text = result.insertText;
    finish = result.stats?.stopReason === "maxTokens" ? "length" : "stop";
    onText?.(text);
  } else {
    const result = await engine.sequence("completion").generate(prompt, { maxTokens, temperature, signal, stopTexts, onText });
    text = result.text;
    finish = finishReason(result);
    generated = result.generatedTokens;
  }
  return { text, finish, generated, promptTokens };
}

export async function completions(body: Body, response: ServerResponse, deps: ApiDeps, limits: RouteLimits, signal: AbortSignal): Promise<unknown> {
  const id = `cmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const name = deps.modelName();
  const chunk = (piece: string, finishReason: string | null) => ({ id, object: "text_completion", created, model: name, choices: [{ index: 0, text: piece, finish_reason: finishReason, logprobs: null }] });
  let streamed: ((data: unknown) => void) | undefined;
  const { text, finish, generated, promptTokens } = await runCompletion(body, deps, limits, signal, body.stream === true ? (piece) => (streamed ??= sse(response))(chunk(piece, null)) : undefined);
  if (body.stream === true) {
    streamed ??= sse(response);
    streamed(chunk("", finish));
    streamed("[DONE]");
    response.end();
    return undefined;
  }
  return {
    id,
    object: "text_completion",
    created,
    model: name,
    choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
    usage: { prompt_tokens: promptTokens, completion_tokens: generated, total_tokens: promptTokens + generated },
  };
}
