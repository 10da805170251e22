// Read-only features answer in the chat view through `pincer.chat.ask` (the chat feature owns it).
import * as vscode from "vscode";
import { CHAT_ASK_COMMAND, type ChatAskArgs } from "../chat/ask-args";

export async function openChat(args: ChatAskArgs): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  if (!commands.includes(CHAT_ASK_COMMAND)) {
    void vscode.window.showErrorMessage(vscode.l10n.t("Pincer: the chat view is not available in this build, so the answer has nowhere to go."));
    return;
  }
  await vscode.commands.executeCommand(CHAT_ASK_COMMAND, args);
}
