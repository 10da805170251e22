// "Pincer: Open Chat History": the workspace's conversations, newest first, with rename and delete
// buttons, and an entry that clears them all (after a modal confirmation).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  ChatHistoryClearRequest,
  ChatHistoryDeleteRequest,
  ChatHistoryListRequest,
  ChatHistoryRenameRequest,
  type ChatHistoryListResult,
  type ChatHistoryRenameResult,
  type ConversationInfo,
} from "../../../server/src/protocol";

export interface HistoryTarget {
  open(id: string): Promise<void>;
  forget(id: string | undefined): void;
  rename(id: string, title: string): void;
}

type Item = vscode.QuickPickItem & { conversation?: ConversationInfo; clearAll?: boolean };

const RENAME: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon("edit"), tooltip: vscode.l10n.t("Rename") };
const DELETE: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon("trash"), tooltip: vscode.l10n.t("Delete") };

export async function showChatHistory(client: LanguageClient, target: HistoryTarget, ensureStore: () => Promise<void>): Promise<void> {
  await ensureStore();
  const picker = vscode.window.createQuickPick<Item>();
  picker.title = vscode.l10n.t("Pincer Chat History");
  picker.placeholder = vscode.l10n.t("Open a conversation");
  const load = async () => {
    picker.busy = true;
    const result: ChatHistoryListResult = await client.sendRequest(ChatHistoryListRequest, {});
    const items: Item[] = result.conversations.map((conversation) => ({
      label: conversation.title,
      description: `${conversation.messageCount} messages`,
      detail: new Date(conversation.updatedAt).toLocaleString(),
      buttons: [RENAME, DELETE],
      conversation,
    }));
    for (const problem of result.unreadable) items.push({ label: `$(error) ${vscode.l10n.t("Unreadable conversation")}`, detail: problem.reason });
    for (const problem of result.warnings ?? []) {
      const title = result.conversations.find((c) => c.id === problem.id)?.title ?? problem.id;
      items.push({ label: `$(warning) ${title}`, detail: problem.warning });
    }
    if (result.conversations.length || result.unreadable.length) items.push({ label: `$(clear-all) ${vscode.l10n.t("Clear all chat history…")}`, clearAll: true });
    else items.push({ label: vscode.l10n.t("No conversations yet"), description: "" });
    picker.items = items;
    picker.busy = false;
  };
  picker.onDidTriggerItemButton(async ({ item, button }) => {
    const conversation = item.conversation;
    if (!conversation) return;
    if (button === RENAME) {
      const title = await vscode.window.showInputBox({ title: vscode.l10n.t("Rename conversation"), value: conversation.title, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t("The title cannot be empty.")) });
      if (title === undefined) return picker.show();
      const renamed: ChatHistoryRenameResult | null = await client.sendRequest(ChatHistoryRenameRequest, { id: conversation.id, title });
      if (renamed?.warning) void vscode.window.showWarningMessage(`Pincer: ${renamed.warning}`);
      target.rename(conversation.id, title.trim());
    } else {
      await client.sendRequest(ChatHistoryDeleteRequest, { id: conversation.id });
      target.forget(conversation.id);
    }
    picker.show();
    await load();
  });
  picker.onDidAccept(async () => {
    const item = picker.selectedItems[0];
    if (item?.conversation) {
      picker.hide();
      await target.open(item.conversation.id);
    } else if (item?.clearAll) {
      picker.hide();
      const deleteAll = vscode.l10n.t("Delete All");
      const answer = await vscode.window.showWarningMessage(vscode.l10n.t("Delete every Pincer conversation of this workspace?"), { modal: true }, deleteAll);
      if (answer === deleteAll) {
        await client.sendRequest(ChatHistoryClearRequest, {});
        target.forget(undefined);
      }
    }
  });
  picker.onDidHide(() => picker.dispose());
  picker.show();
  await load();
}
