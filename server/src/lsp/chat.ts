// pincer/chat (streamed as pincer/chatChunk), pincer/chatContext and the chat history requests:
// a thin layer over chat/chat-service.ts and store/chat-history-store.ts.
import type { Connection } from "vscode-languageserver";
import { ChatService } from "../chat/chat-service";
import { uncommittedChanges } from "../chat/git-diff";
import { outline } from "../index/symbols";
import {
  ChatChunkNotification,
  ChatContextRequest,
  ChatGitDiffRequest,
  ChatRequest,
  ChatSymbolsRequest,
  type ChatGitDiffResult,
  type ChatSymbolsParams,
  type ChatSymbolsResult,
  type ChatChunkParams,
  type ChatContextParams,
  type ChatParams,
  type ChatResult,
  type ContextReport,
} from "../protocol";
import { ChatHistoryStore } from "../store/chat-history-store";
import { toAbortSignal } from "./cancellation";
import { registerChatHistory } from "./chat-history";
import type { ServerContext } from "./context";

export function registerChat(connection: Connection, context: ServerContext): void {
  let store: ChatHistoryStore | undefined;
  const service = new ChatService({
    engine: () => context.host.requireEngine(),
    store: () => store,
    roots: () => context.roots(),
    warn: (message) => context.log("warn", message),
  });
  registerChatHistory(connection, {
    store: () => store,
    open: (dir, key) => {
      store = new ChatHistoryStore(dir, key);
    },
  });

  connection.onRequest(ChatRequest, async (params: ChatParams, token): Promise<ChatResult> => {
    if (typeof params?.message !== "string" || params.message.trim() === "") throw new Error("The chat message is empty.");
    return service.send(params, {
      signal: toAbortSignal(token),
      onText: (text) => void connection.sendNotification(ChatChunkNotification, { id: params.id, text } satisfies ChatChunkParams),
    });
  });

  connection.onRequest(ChatContextRequest, (params: ChatContextParams): Promise<ContextReport> => service.preview({ ...params, message: String(params?.message ?? "") }));

  connection.onRequest(ChatSymbolsRequest, async (params: ChatSymbolsParams): Promise<ChatSymbolsResult> => {
    const symbols = await outline(String(params?.text ?? ""), String(params?.languageId ?? ""));
    return {
      symbols: symbols?.map((s) => ({ name: s.name, kind: s.kind, startLine: s.range.start.line, endLine: s.range.end.line, container: s.container })),
    };
  });

  connection.onRequest(ChatGitDiffRequest, async (_params: unknown, token): Promise<ChatGitDiffResult> => {
    if (!context.trusted()) throw new Error("The git diff is not read in Restricted Mode (git runs programs named in the repository's config).");
    return { diffs: await uncommittedChanges(context.workspaceFolders(), toAbortSignal(token)) };
  });
}
