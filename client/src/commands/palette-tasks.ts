// Palette commands that start from the editor: Ask…, Explain File and Run Task… (the team's
// `.pincer/tasks/*.pincer.md`). Read-only tasks answer in the chat; `edit: true` tasks propose a
// reviewed change of the selection, or of the whole file when nothing is selected.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ListTasksRequest, RenderTaskRequest, type ListTasksResult, type RenderTaskResult, type TaskSummary } from "../../../server/src/protocol";
import type { ChatAskArgs } from "../chat/ask-args";
import { openChat } from "./open-chat";
import { proposeAndReview, toWireRange } from "./propose-edit";

export async function askCommand(): Promise<void> {
  const prompt = await vscode.window.showInputBox({ title: vscode.l10n.t("Pincer: Ask"), prompt: vscode.l10n.t("Ask about your code (the selection is attached)"), ignoreFocusOut: true });
  if (!prompt?.trim()) return;
  const editor = vscode.window.activeTextEditor;
  const attachments = editor && !editor.selection.isEmpty ? [{ uri: editor.document.uri, range: editor.selection }] : [];
  await openChat({ prompt, attachments });
}

export async function explainFileCommand(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: open a file to explain."));
  await openChat({ prompt: vscode.l10n.t("Explain what {0} does and how it is organised.", vscode.workspace.asRelativePath(editor.document.uri)), attachments: [{ uri: editor.document.uri }] });
}

type TaskPick = vscode.QuickPickItem & { task: TaskSummary };

export async function runTaskCommand(client: LanguageClient): Promise<void> {
  const list: ListTasksResult = await client.sendRequest(ListTasksRequest, {});
  for (const broken of list.broken) void vscode.window.showWarningMessage(vscode.l10n.t("Pincer: task file {0}: {1}", vscode.workspace.asRelativePath(broken.path), broken.problem));
  if (list.tasks.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no tasks yet. Add .pincer/tasks/NAME.pincer.md files to this workspace (see the README for the format)."));
    return;
  }
  const pick = await vscode.window.showQuickPick<TaskPick>(
    list.tasks.map((task) => ({ label: task.name, description: task.edit ? `$(edit) ${vscode.l10n.t("edits")}` : undefined, detail: task.description || undefined, task })),
    { title: vscode.l10n.t("Pincer: Run Task"), placeHolder: vscode.l10n.t("Pick a task"), matchOnDetail: true },
  );
  if (!pick) return;
  const task = pick.task;
  const inputs: Record<string, string> = {};
  for (const input of task.inputs) {
    const value = await vscode.window.showInputBox({ title: `${task.name}: ${input.name}`, prompt: input.description ?? input.name, value: input.default, ignoreFocusOut: true });
    if (value === undefined) return;
    inputs[input.name] = value;
  }
  const editor = vscode.window.activeTextEditor;
  if (task.edit) {
    if (!editor) return void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: \"{0}\" edits code; open the file first.", task.name));
    return proposeAndReview(client, { action: "task", taskId: task.id, inputs, uri: editor.document.uri.toString(), range: toWireRange(editor.selection) }, task.name);
  }
  let rendered: RenderTaskResult;
  try {
    rendered = await client.sendRequest(RenderTaskRequest, { taskId: task.id, inputs, uri: editor?.document.uri.toString(), range: editor ? toWireRange(editor.selection) : undefined });
  } catch (error) {
    return void vscode.window.showErrorMessage(`Pincer: ${(error as Error).message}`);
  }
  const attachments: NonNullable<ChatAskArgs["attachments"]> = [];
  if (editor && task.context.includes("file")) attachments.push({ uri: editor.document.uri });
  if (editor && task.context.includes("selection") && !editor.selection.isEmpty) attachments.push({ uri: editor.document.uri, range: editor.selection });
  await openChat({ prompt: rendered.prompt, attachments, newConversation: true });
}
