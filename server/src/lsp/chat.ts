// pincer/chat: a streamed answer; chunks go out as pincer/chatChunk notifications.
import type { Connection } from "vscode-languageserver";
import { ask } from "../chat/ask";
import { ChatChunkNotification, ChatRequest, type ChatChunkParams, type ChatParams, type ChatResult } from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerChat(connection: Connection, context: ServerContext): void {
  connection.onRequest(ChatRequest, async (params: ChatParams, token): Promise<ChatResult> => {
    const engine = await context.host.requireEngine();
    const result = await ask(engine, params.message, {
      signal: toAbortSignal(token),
      onText: (text) => void connection.sendNotification(ChatChunkNotification, { id: params.id, text } satisfies ChatChunkParams),
    });
    return { text: result.text, stopReason: result.stopReason === "cancelled" ? "cancelled" : result.stopReason === "maxTokens" ? "maxTokens" : "eos" };
  });
}
