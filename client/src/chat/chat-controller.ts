// The open conversation: sends messages with their context chips, streams the answer into the
// view, stops on request, shows the token meter, and switches conversations from the history.
import { randomUUID } from "node:crypto";
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";
import {
  ChatChunkNotification,
  ChatContextRequest,
  ChatHistoryGetRequest,
  ChatRequest,
  type ChatChunkParams,
  type ChatContextParams,
  type ChatErrorData,
  type ChatParams,
  type ChatResult,
  type Conversation,
  type ContextReport,
} from "../../../server/src/protocol";
import type { AgentChatHost, AgentController } from "../agent/agent-controller";
import type { AgentEntry } from "../agent/agent-entries";
import type { ChatViewProvider } from "./chat-view-provider";
import { runCodeAction } from "./code-block-actions";
import { ContextChips } from "./context-chips";
import { pickContext } from "./context-picker";
import { onStatus } from "../status-events";
import { transcriptOf } from "./transcript";
import type { AssistantEntry, FromWebview, TranscriptEntry, UserEntry } from "./webview-protocol";

interface Running {
  requestId: string;
  assistant: AssistantEntry;
  cancel: vscode.CancellationTokenSource;
}

export class ChatController implements vscode.Disposable, AgentChatHost {
  readonly chips = new ContextChips();
  private conversationId: string | undefined;
  private title = vscode.l10n.t("New chat");
  private entries: TranscriptEntry[] = [];
  private running: Running | undefined;
  private draft = "";
  private meterVersion = 0;
  /** The meter request in flight; a newer draft cancels it (the server may be OCRing an attachment for it). */
  private meterCancel: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Agent mode: runs go to the agent, their entries into this transcript. */
  private agent: AgentController | undefined;
  /** The model and whether it is loaded, as the meter last saw them (busy counts as ready). */
  private modelState = "";

  constructor(
    private readonly client: LanguageClient,
    private readonly view: ChatViewProvider,
    private readonly ensureStore: () => Promise<void>,
  ) {
    this.disposables.push(
      client.onNotification(ChatChunkNotification, (params: ChatChunkParams) => this.onChunk(params)),
      view.onDidReceiveMessage((message) => void this.onMessage(message).catch((error: Error) => this.notice("error", error.message))),
      this.chips.onDidChange(({ attached }) => {
        view.post({ type: "chips", chips: this.chips.views() });
        if (attached) void this.updateMeter();
      }),
      // The meter's "no model is selected" (or "loading") answer goes stale when a model loads or changes:
      // ask again then, not on every ready ↔ busy flip of a generation.
      onStatus((status) => {
        const state = JSON.stringify([status.state === "busy" ? "ready" : status.state, status.modelPath ?? status.model, status.message]);
        if (state === this.modelState) return;
        this.modelState = state;
        if (status.state !== "loading") void this.updateMeter();
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.chips.suggestFrom(editor)),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        if (event.textEditor === vscode.window.activeTextEditor) this.chips.suggestFrom(event.textEditor);
      }),
    );
    this.chips.suggestFrom(vscode.window.activeTextEditor);
  }

  get busy(): boolean {
    return this.running !== undefined || this.agent?.busy === true;
  }

  attachAgent(agent: AgentController): void {
    this.agent = agent;
  }

  /** Runs the prompt as an agent task; its plan, steps and approvals appear in this transcript. */
  async runAgent(prompt: string): Promise<void> {
    if (!this.agent) throw new Error("The agent is not available.");
    if (this.running) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: wait for the current answer or stop it first."));
      return;
    }
    await this.agent.run(prompt);
  }

  append(entry: AgentEntry): void {
    this.push(entry);
  }

  update(entry: AgentEntry): void {
    this.view.post({ type: "update", entry });
  }

  setBusy(busy: boolean): void {
    this.view.post({ type: "busy", busy });
  }

  get viewVisible(): boolean {
    return this.view.visible;
  }

  revealView(): Promise<void> {
    return this.view.reveal();
  }

  /** Sends a message with the current chips; the answer streams into the view. */
  async send(prompt: string): Promise<void> {
    if (this.busy) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Pincer: wait for the current answer or stop it first."));
      return;
    }
    if (this.client.state !== State.Running) throw new Error(vscode.l10n.t("The Pincer server is not running."));
    await this.ensureStore();
    const attachments = await this.chips.attachments();
    const user: UserEntry = { kind: "user", id: `user-${randomUUID()}`, text: prompt, chips: attachments.map((a) => ({ kind: a.kind, label: a.label })), rules: [], leftOut: [] };
    const assistant: AssistantEntry = { kind: "assistant", id: `assistant-${randomUUID()}`, text: "", state: "streaming" };
    this.chips.clear();
    this.push(user);
    this.push(assistant);
    const running: Running = { requestId: randomUUID(), assistant, cancel: new vscode.CancellationTokenSource() };
    this.running = running;
    this.view.post({ type: "busy", busy: true });
    void vscode.commands.executeCommand("setContext", "pincer.chat.generating", true);
    const params: ChatParams = { id: running.requestId, message: prompt, conversationId: this.conversationId, attachments };
    let outcome: { result: ChatResult } | { error: Error };
    try {
      outcome = { result: await this.client.sendRequest(ChatRequest, params, running.cancel.token) };
    } catch (error) {
      outcome = { error: error as Error };
    }
    // Idle first, then the final state: whoever sees the answer finished can send the next one.
    const stopped = running.cancel.token.isCancellationRequested;
    running.cancel.dispose();
    this.running = undefined;
    this.view.post({ type: "busy", busy: false });
    void vscode.commands.executeCommand("setContext", "pincer.chat.generating", false);
    this.draft = "";
    if ("result" in outcome) {
      this.finish(user, assistant, outcome.result);
      // The walkthrough's "ask in chat" step is done.
      if (!stopped) void vscode.commands.executeCommand("setContext", "pincer.walkthrough.chatAnswered", true);
    }
    else {
      // A turn that failed after its conversation was stored (a full disk) stays in that conversation.
      const stored = (outcome.error as Error & { data?: ChatErrorData }).data?.conversationId;
      if (stored && !this.conversationId) this.conversationId = stored;
      if (stopped) assistant.state = "stopped";
      else Object.assign(assistant, { state: "error", error: outcome.error.message });
      this.view.post({ type: "update", entry: assistant });
    }
    void this.updateMeter();
  }

  stop(): void {
    this.running?.cancel.cancel();
    this.agent?.stop();
  }

  newChat(): void {
    this.stop();
    this.conversationId = undefined;
    this.title = vscode.l10n.t("New chat");
    this.entries = [];
    this.view.post({ type: "reset", title: this.title, entries: [] });
    void this.updateMeter();
  }

  async open(id: string): Promise<void> {
    this.stop();
    await this.ensureStore();
    const conversation: Conversation = await this.client.sendRequest(ChatHistoryGetRequest, { id });
    this.conversationId = conversation.id;
    this.title = conversation.title;
    this.entries = transcriptOf(conversation);
    this.view.post({ type: "reset", title: this.title, entries: this.entries });
    void this.updateMeter();
  }

  /** The open conversation was deleted or cleared elsewhere. */
  forget(id: string | undefined): void {
    if (id === undefined || id === this.conversationId) this.newChat();
  }

  rename(id: string, title: string): void {
    if (id !== this.conversationId) return;
    this.title = title;
    this.view.post({ type: "reset", title, entries: this.entries });
  }

  dispose(): void {
    this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private async onMessage(message: FromWebview): Promise<void> {
    switch (message.type) {
      case "ready":
        this.view.post({ type: "reset", title: this.title, entries: this.entries });
        this.view.post({ type: "chips", chips: this.chips.views() });
        this.view.post({ type: "busy", busy: this.busy });
        return this.updateMeter();
      case "send":
        return message.agent ? this.runAgent(message.prompt) : this.send(message.prompt);
      case "stop":
        return this.stop();
      case "draft":
        this.draft = message.prompt;
        return this.updateMeter();
      case "pick-context":
        for (const source of await pickContext(this.client)) this.chips.add(source);
        this.view.post({ type: "focus" });
        return;
      case "add-chip":
        return this.chips.acceptSuggestion(message.id);
      case "remove-chip":
        return this.chips.remove(message.id);
      case "code":
        return runCodeAction(message.action, message.code);
      case "agent":
        return this.agent?.onAction(message.action, message.runId, message.step);
    }
  }

  private onChunk(params: ChatChunkParams): void {
    const running = this.running;
    if (!running || params.id !== running.requestId) return;
    running.assistant.text += params.text;
    this.view.post({ type: "chunk", entryId: running.assistant.id, text: params.text });
  }

  private finish(user: UserEntry, assistant: AssistantEntry, result: ChatResult): void {
    if (result.conversationId && !this.conversationId) {
      this.conversationId = result.conversationId;
      this.title = user.text.replace(/\s+/g, " ").trim().slice(0, 60);
      this.view.post({ type: "reset", title: this.title, entries: this.entries });
    }
    user.rules = result.context?.rules ?? [];
    user.leftOut = result.context?.leftOut ?? [];
    this.view.post({ type: "update", entry: user });
    if (result.context?.compactedTurns) {
      // The marker goes right before this message: everything above it was summarized.
      const marker: TranscriptEntry = { kind: "compaction", id: `compaction-${user.id}`, turns: result.context.compactedTurns };
      this.entries.splice(this.entries.indexOf(user), 0, marker);
      this.view.post({ type: "reset", title: this.title, entries: this.entries });
    }
    assistant.text = result.text;
    assistant.state = result.stopReason === "cancelled" ? "stopped" : "done";
    this.view.post({ type: "update", entry: assistant });
    for (const warning of result.warnings ?? []) this.notice("warning", warning);
  }

  private push(entry: TranscriptEntry): void {
    this.entries.push(entry);
    this.view.post({ type: "append", entry });
  }

  private notice(level: "warning" | "error", text: string): void {
    this.push({ kind: "notice", id: `notice-${randomUUID()}`, level, text });
  }

  /** The token meter for the draft and chips; stale answers are dropped. */
  private async updateMeter(): Promise<void> {
    const version = ++this.meterVersion;
    this.meterCancel?.cancel();
    this.meterCancel?.dispose();
    const cancel = (this.meterCancel = new vscode.CancellationTokenSource());
    if (this.client.state !== State.Running) {
      this.view.post({ type: "context", report: undefined, unavailable: vscode.l10n.t("The Pincer server is not running.") });
      return;
    }
    try {
      await this.ensureStore();
      const params: ChatContextParams = { message: this.draft, conversationId: this.conversationId, attachments: await this.chips.attachments() };
      const report: ContextReport = await this.client.sendRequest(ChatContextRequest, params, cancel.token);
      if (version === this.meterVersion) this.view.post({ type: "context", report });
    } catch (error) {
      if (version === this.meterVersion && !cancel.token.isCancellationRequested) this.view.post({ type: "context", report: undefined, unavailable: (error as Error).message });
    }
  }
}
