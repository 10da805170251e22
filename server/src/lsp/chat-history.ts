// The chat history requests: open the workspace's store with the client's key, list, get, rename,
// delete and clear conversations.
import type { Connection } from "vscode-languageserver";
import {
  ChatHistoryClearRequest,
  ChatHistoryDeleteRequest,
  ChatHistoryGetRequest,
  ChatHistoryListRequest,
  ChatHistoryRenameRequest,
  ChatStoreRequest,
  type ChatHistoryIdParams,
  type ChatHistoryListResult,
  type ChatHistoryRenameParams,
  type ChatHistoryRenameResult,
  type ChatStoreParams,
  type Conversation,
} from "../protocol";
import type { ChatHistoryStore } from "../store/chat-history-store";

export interface ChatHistoryHolder {
  store(): ChatHistoryStore | undefined;
  open(dir: string, key: Uint8Array): void;
}

export function registerChatHistory(connection: Connection, holder: ChatHistoryHolder): void {
  const required = (): ChatHistoryStore => {
    const store = holder.store();
    if (!store) throw new Error("The chat history is not open yet.");
    return store;
  };

  connection.onRequest(ChatStoreRequest, (params: ChatStoreParams): void => {
    if (typeof params?.dir !== "string" || params.dir === "" || typeof params.key !== "string") throw new Error("pincer/chatStore needs a folder and a key.");
    holder.open(params.dir, Buffer.from(params.key, "base64"));
  });
  connection.onRequest(ChatHistoryListRequest, (): Promise<ChatHistoryListResult> => required().list());
  connection.onRequest(ChatHistoryGetRequest, (params: ChatHistoryIdParams): Promise<Conversation> => required().get(String(params?.id)));
  connection.onRequest(ChatHistoryRenameRequest, async (params: ChatHistoryRenameParams): Promise<ChatHistoryRenameResult> => {
    const warning = await required().rename(String(params?.id), String(params?.title ?? ""));
    return warning ? { warning } : {};
  });
  connection.onRequest(ChatHistoryDeleteRequest, (params: ChatHistoryIdParams) => required().delete(String(params?.id)));
  connection.onRequest(ChatHistoryClearRequest, () => required().clear());
}
