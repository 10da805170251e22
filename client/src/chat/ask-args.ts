// The `pincer.chat.ask` command's argument: other features (code actions, palette tasks) open the
// chat view with a prompt and its context and let the answer stream there.
import type * as vscode from "vscode";

export const CHAT_ASK_COMMAND = "pincer.chat.ask";

export interface ChatAskArgs {
  /** What the user would have typed. */
  prompt: string;
  /** Files or selections attached as context chips (shown to the user, counted against the window). */
  attachments?: { uri: vscode.Uri; range?: vscode.Range }[];
  /** Start a fresh conversation instead of continuing the open one. */
  newConversation?: boolean;
}
