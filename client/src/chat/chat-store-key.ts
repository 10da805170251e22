// The AES-256-GCM key of the chat history lives in VS Code's SecretStorage (the OS keychain); the
// server gets it with the workspace's storage folder after every start.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ChatStoreRequest, type ChatStoreParams } from "../../../server/src/protocol";

const SECRET_NAME = "pincer.chatHistoryKey";

/** Set once a key was made: from then on a missing key is a keychain problem, not a first run. */
const KEY_CREATED = "pincer.chatHistoryKeyCreated";

async function historyKey(context: vscode.ExtensionContext): Promise<string> {
  const existing = await context.secrets.get(SECRET_NAME);
  if (existing && Buffer.from(existing, "base64").length === 32) return existing;
  // A fresh key would make every stored conversation unreadable for good: only on the first run.
  if (context.globalState.get<boolean>(KEY_CREATED)) {
    throw new Error("the chat history key is missing from the OS keychain (is it locked?). Stored conversations stay untouched; unlock the keychain and reload the window to open them.");
  }
  const fresh = randomBytes(32).toString("base64");
  await context.secrets.store(SECRET_NAME, fresh);
  await context.globalState.update(KEY_CREATED, true);
  return fresh;
}

/** Opens the workspace's chat history on the server (idempotent; send again after a restart). */
export async function openChatStore(context: vscode.ExtensionContext, client: LanguageClient): Promise<void> {
  const base = context.storageUri ?? vscode.Uri.joinPath(context.globalStorageUri, "no-workspace");
  const params: ChatStoreParams = { dir: vscode.Uri.joinPath(base, "chats").fsPath, key: await historyKey(context) };
  await client.sendRequest(ChatStoreRequest, params);
}
