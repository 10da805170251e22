// pincer/chat/send (streamed as pincer/chat/chunk), pincer/chat/context (both read @ MCP resources through the
// MCP hub), the @ picker's symbols and git diff, and
// the chat history requests: a thin layer over chat/chat-service.ts and store/chat-history-store.ts.
import type { Connection } from "vscode-languageserver";
import { answerLanguage } from "../chat/answer-language";
import { ChatService } from "../chat/chat-service";
import { uncommittedChanges } from "../chat/git-diff";
import { outline } from "../index/symbols";
import { ChatChunkNotification, ChatContextRequest, ChatGitDiffRequest, ChatRequest, ChatSymbolsRequest, type ChatGitDiffResult, type ChatSymbolsResult } from "../protocol";
import { ChatHistoryStore } from "../store/chat-history-store";
import { toAbortSignal } from "./cancellation";
import { registerChatHistory } from "./chat-history";
import type { ServerContext } from "./context";
import { chatModelFor } from "../remote/role-models";
import type { LspMcp } from "./mcp";

export function registerChat(connection: Connection, context: ServerContext, mcp: LspMcp): void {
  let store: ChatHistoryStore | undefined;
  const service = new ChatService({
    model: (signal) => chatModelFor(context.settings(), context.remote, (s) => context.host.requireEngine(s), signal),
    store: () => store,
    roots: () => context.roots(),
    warn: (message) => context.log("warn", message),
    answerLanguage: () => answerLanguage(context.settings().chat.language, context.locale()),
    // An @ MCP resource: read at send time under the hub's rules (an unapproved workspace server never starts).
    readMcpResource: async (server, uri, signal) => (await mcp.hub().readResource(await mcp.scope(), server, uri, signal)).text,
  });
  registerChatHistory(connection, {
    store: () => store,
    open: (dir, key) => {
      store = new ChatHistoryStore(dir, key);
    },
  });

  connection.onRequest(ChatRequest, (params, token) =>
    service.send(params, {
      signal: toAbortSignal(token),
      onText: (text) => void connection.sendNotification(ChatChunkNotification, { id: params.id, text }),
    }),
  );

  connection.onRequest(ChatContextRequest, (params, token) => service.preview(params, toAbortSignal(token)));

  connection.onRequest(ChatSymbolsRequest, async (params): Promise<ChatSymbolsResult> => {
    const symbols = await outline(params.text, params.languageId);
    return {
      symbols: symbols?.map((s) => ({ name: s.name, kind: s.kind, startLine: s.range.start.line, endLine: s.range.end.line, container: s.container })),
    };
  });

  connection.onRequest(ChatGitDiffRequest, async (_params, token): Promise<ChatGitDiffResult> => {
    context.trust.require("git");
    return { diffs: await uncommittedChanges(context.workspaceFolders(), toAbortSignal(token)) };
  });
}
