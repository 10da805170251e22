// The AES-256-GCM key of the chat history lives in VS Code's SecretStorage (the OS keychain); the
// server gets it with the workspace's storage folder after every start.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ChatStoreRequest, type ChatStoreParams } from "../../../server/src/protocol";

const SECRET_NAME = "pincer.chatHistoryKey";

async function historyKey(secrets: vscode.SecretStorage): Promise<string> {
  const existing = await secrets.get(SECRET_NAME);
  if (existing && Buffer.from(existing, "base64").length === 32) return existing;
  const fresh = randomBytes(32).toString("base64");
  await secrets.store(SECRET_NAME, fresh);
  return fresh;
}

/** Opens the workspace's chat history on the server (idempotent; send again after a restart). */
export async function openChatStore(context: vscode.ExtensionContext, client: LanguageClient): Promise<void> {
  const base = context.storageUri ?? vscode.Uri.joinPath(context.globalStorageUri, "no-workspace");
  const params: ChatStoreParams = { dir: vscode.Uri.joinPath(base, "chats").fsPath, key: await historyKey(context.secrets) };
  await client.sendRequest(ChatStoreRequest, params);
}
