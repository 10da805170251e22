// The chat history requests: open the workspace's store with the client's key, list, get, rename,
// delete and clear conversations.
import type { Connection } from "vscode-languageserver";
import { PincerError } from "../platform/errors";
import {
  ChatHistoryClearRequest,
  ChatHistoryDeleteRequest,
  ChatHistoryGetRequest,
  ChatHistoryListRequest,
  ChatHistoryRenameRequest,
  ChatStoreRequest,
} from "../protocol";
import type { ChatHistoryStore } from "../store/chat-history-store";

export interface ChatHistoryHolder {
  store(): ChatHistoryStore | undefined;
  open(dir: string, key: Uint8Array): void;
}

export function registerChatHistory(connection: Connection, holder: ChatHistoryHolder): void {
  const required = (): ChatHistoryStore => {
    const store = holder.store();
    if (!store) throw new PincerError("The chat history is not open yet.", "not-available");
    return store;
  };

  connection.onRequest(ChatStoreRequest, (params) => holder.open(params.dir, Buffer.from(params.key, "base64")));
  connection.onRequest(ChatHistoryListRequest, () => required().list());
  connection.onRequest(ChatHistoryGetRequest, (params) => required().get(params.id));
  connection.onRequest(ChatHistoryRenameRequest, async (params) => {
    const warning = await required().rename(params.id, params.title);
    return warning ? { warning } : {};
  });
  connection.onRequest(ChatHistoryDeleteRequest, (params) => required().delete(params.id));
  connection.onRequest(ChatHistoryClearRequest, async () => {
    await required().clear();
  });
}
