// The agent in the chat view: starts a run (pincer/agent/run), shows its events, answers the
// server's approval and ask_user requests, saves documents the agent edited, feeds the command
// terminals, and runs Stop, Undo run / Undo step and "Open transcript as JSON".
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";
import {
  AgentApproveRequest,
  AgentAskUserRequest,
  AgentEventNotification,
  AgentRunRequest,
  AgentSaveRequest,
  AgentTerminalNotification,
  AgentTranscriptRequest,
  AgentUndoRequest,
  type AgentApproveParams,
  type AgentApproveResult,
  type AgentAskUserParams,
  type AgentAskUserResult,
  type AgentEventParams,
  type AgentRunParams,
  type AgentRunResult,
  type AgentSaveParams,
  type AgentTerminalParams,
  type ApprovalAnswer,
  type Transcript,
  type UndoReport,
} from "../../../server/src/protocol";
import type { AgentAction, AgentApprovalEntry, AgentEntry } from "./agent-entries";
import { AgentRunView } from "./agent-run-view";
import { AgentTerminals } from "./agent-terminals";
import { vscodeRipgrepPath } from "./ripgrep-path";

/** What the agent needs from the chat: its transcript, busy state and the view. */
export interface AgentChatHost {
  append(entry: AgentEntry): void;
  update(entry: AgentEntry): void;
  setBusy(busy: boolean): void;
  readonly viewVisible: boolean;
  revealView(): Promise<void>;
}

interface PendingApproval {
  entry: AgentApprovalEntry;
  resolve(answer: ApprovalAnswer | "cancelled"): void;
}

export class AgentController implements vscode.Disposable {
  private current: { view: AgentRunView; cancel: vscode.CancellationTokenSource } | undefined;
  /** Runs of this window, by runId, newest last (Undo run / transcript of the last run). */
  private readonly runs = new Map<string, AgentRunView>();
  private readonly approvals = new Map<string, PendingApproval>();
  private readonly terminals = new AgentTerminals();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: LanguageClient,
    private readonly chat: AgentChatHost,
  ) {
    this.disposables.push(
      this.terminals,
      client.onNotification(AgentEventNotification, (params: AgentEventParams) => this.onEvent(params)),
      client.onNotification(AgentTerminalNotification, (params: AgentTerminalParams) => this.onTerminal(params)),
      client.onRequest(AgentApproveRequest, (params: AgentApproveParams, token) => this.approve(params, token)),
      client.onRequest(AgentAskUserRequest, (params: AgentAskUserParams, token) => this.askUser(params, token)),
      client.onRequest(AgentSaveRequest, (params: AgentSaveParams) => saveDocuments(params.uris)),
    );
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  get lastRunId(): string | undefined {
    return [...this.runs.keys()].pop();
  }

  async run(request: string): Promise<void> {
    if (this.current) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: an agent run is in progress; stop it first."));
      return;
    }
    if (this.client.state !== State.Running) throw new Error(vscode.l10n.t("The Pincer server is not running."));
    const id = randomUUID();
    const view = new AgentRunView(id, request, !vscode.workspace.isTrusted, this.chat);
    const cancel = new vscode.CancellationTokenSource();
    this.current = { view, cancel };
    this.chat.setBusy(true);
    void vscode.commands.executeCommand("setContext", "pincer.agent.running", true);
    const ripgrepPath = vscodeRipgrepPath();
    const params: AgentRunParams = { id, request, ...(ripgrepPath ? { ripgrepPath } : {}) };
    try {
      const result: AgentRunResult = await this.client.sendRequest(AgentRunRequest, params, cancel.token);
      view.finish({ result });
      // The walkthrough's "run the agent" step is done.
      void vscode.commands.executeCommand("setContext", "pincer.walkthrough.agentRan", true);
    } catch (error) {
      view.finish({ error: (error as Error).message, cancelled: cancel.token.isCancellationRequested });
    } finally {
      cancel.dispose();
      this.current = undefined;
      if (view.runId) this.runs.set(view.runId, view);
      for (const [key, pending] of this.approvals) if (pending.entry.runId === view.runId) this.settle(key, "cancelled");
      this.chat.setBusy(false);
      void vscode.commands.executeCommand("setContext", "pincer.agent.running", false);
    }
  }

  stop(): void {
    this.current?.cancel.cancel();
  }

  async onAction(action: AgentAction, runId: string, step: number | undefined): Promise<void> {
    switch (action) {
      case "approve":
      case "deny":
      case "always":
        return this.settle(approvalKey(runId, step ?? -1), action);
      case "stop":
        return this.stop();
      case "undo-run":
        return this.undo(runId);
      case "undo-step":
        return this.undo(runId, step);
      case "transcript":
        return this.showTranscript(runId);
      case "open-document": {
        const view = this.runs.get(runId) ?? this.current?.view;
        const document = step === undefined ? undefined : view?.documentOf(step);
        const uri = document === undefined ? undefined : await workspaceFile(document);
        if (!uri) void vscode.window.showInformationMessage(`Pincer: ${document ?? "that document"} is no longer in the workspace.`);
        else await vscode.commands.executeCommand("vscode.open", uri);
        return;
      }
      case "terminal": {
        const view = this.runs.get(runId) ?? this.current?.view;
        const terminalId = step === undefined ? undefined : view?.terminals.get(step);
        if (!terminalId || !this.terminals.show(terminalId)) void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: that command's terminal was closed."));
        return;
      }
    }
  }

  /** Puts back the files of a run (or one step); conflicts are listed, never overwritten. */
  async undo(runId: string | undefined = this.lastRunId, step?: number): Promise<void> {
    if (!runId) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no agent run to undo in this window."));
      return;
    }
    if (this.current) throw new Error(vscode.l10n.t("Stop the running agent before undoing."));
    const report: UndoReport = await this.client.sendRequest(AgentUndoRequest, { runId, ...(step !== undefined ? { step } : {}) });
    // The buttons go first, then the report, so the view ends scrolled to the report.
    this.runs.get(runId)?.markUndone(step);
    this.chat.append({ kind: "agent-undo", id: `agent-undo-${randomUUID()}`, runId, ...(step !== undefined ? { step } : {}), restored: report.restored, conflicts: report.conflicts });
  }

  /** "Open transcript as JSON": an untitled JSON editor with the run's transcript. */
  async showTranscript(runId: string | undefined = this.lastRunId): Promise<void> {
    if (!runId) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: no agent run in this window yet."));
      return;
    }
    const transcript: Transcript = await this.client.sendRequest(AgentTranscriptRequest, { runId });
    const document = await vscode.workspace.openTextDocument({ language: "json", content: `${JSON.stringify(transcript, null, 2)}\n` });
    await vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.stop();
    for (const key of [...this.approvals.keys()]) this.settle(key, "cancelled");
    for (const d of this.disposables) d.dispose();
  }

  private onEvent(params: AgentEventParams): void {
    const view = this.current?.view;
    if (view?.id === params.id) view.onEvent(params.event);
  }

  private onTerminal(params: AgentTerminalParams): void {
    const name = this.terminals.handle(params);
    const view = this.current?.view;
    if (name !== undefined && params.kind === "start" && view?.id === params.id) view.onTerminal(params.step, params.terminalId, name);
  }

  private approve(params: AgentApproveParams, token: vscode.CancellationToken): Promise<AgentApproveResult> {
    const entry: AgentApprovalEntry = { kind: "agent-approval", id: `agent-approval-${params.id}-${params.step}`, runId: params.runId, step: params.step, request: params.request };
    const key = approvalKey(params.runId, params.step);
    return new Promise<AgentApproveResult>((resolve) => {
      this.approvals.set(key, { entry, resolve: (answer) => resolve({ answer: answer === "cancelled" ? "deny" : answer }) });
      token.onCancellationRequested(() => this.settle(key, "cancelled"));
      this.chat.append(entry);
      // An approval must be seen: bring the chat view up when it is hidden.
      if (!this.chat.viewVisible) void this.chat.revealView();
    });
  }

  private settle(key: string, answer: ApprovalAnswer | "cancelled"): void {
    const pending = this.approvals.get(key);
    if (!pending) return;
    this.approvals.delete(key);
    pending.entry.answer = answer;
    this.chat.update(pending.entry);
    pending.resolve(answer);
  }

  private async askUser(params: AgentAskUserParams, token: vscode.CancellationToken): Promise<AgentAskUserResult> {
    const answer = await vscode.window.showInputBox({ title: vscode.l10n.t("Pincer agent asks"), prompt: params.question, ignoreFocusOut: true }, token);
    return answer === undefined ? {} : { answer };
  }
}

function approvalKey(runId: string, step: number): string {
  return `${runId}#${step}`;
}

/** After the server's workspace/applyEdit: save what it touched, so the disk matches the editors. */
async function saveDocuments(uris: string[]): Promise<void> {
  for (const uri of uris) {
    const target = vscode.Uri.parse(uri).toString();
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target);
    if (document?.isDirty && !(await document.save())) throw new Error(`Could not save ${vscode.workspace.asRelativePath(document.uri)}.`);
  }
}

/**
 * A path as the agent shows it (relative to its workspace folder) to the existing file's URI, trying each
 * folder (and "<folder name>/…"); undefined when it is gone or would leave its folder.
 */
async function workspaceFile(shown: string): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const parts = shown.split("/");
  if (parts.some((part) => part === ".." || part === "")) return undefined;
  const candidates = [...folders.map((f) => vscode.Uri.joinPath(f.uri, ...parts)), ...folders.filter((f) => f.name === parts[0]).map((f) => vscode.Uri.joinPath(f.uri, ...parts.slice(1)))];
  for (const uri of candidates) {
    const stat = await vscode.workspace.fs.stat(uri).then((s) => s, () => undefined);
    if (stat && stat.type & vscode.FileType.File) return uri;
  }
  return undefined;
}
