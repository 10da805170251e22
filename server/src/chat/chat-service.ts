// One chat turn end to end, shared by the LSP handler and the CLI: read the conversation, load the
// workspace rules, fit rules/attachments/history into the window (compacting old turns), stream the
// answer, and store every message as it appears.
import { randomUUID } from "node:crypto";
import type { ChatTurn } from "../engine/sequence";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import { PincerError } from "../platform/errors";
import type { ChatAttachment, ChatContextParams, ChatErrorData, ChatParams, ChatResult, Conversation, ContextReport, StoredChatMessage } from "../protocol/chat";
import type { ChatHistoryStore } from "../store/chat-history-store";
import { StoreWriteError } from "../store/encrypted-log";
import type { ChatModel } from "./chat-model";
import { systemPrompt, type AnswerLanguage } from "./answer-language";
import { summarizeTurns } from "./compaction";
import { resolveDocumentAttachments } from "./document-attachments";
import { resolveMcpAttachments, type McpResourceReader } from "./mcp-attachments";
import { planContext, type BudgetPlan } from "./context-budget";
import { attachmentText, ruleText, summaryText, visibleText } from "./prompt-text";
import { loadRules, type RuleFile } from "./rules";

/** How often a growing answer is checkpointed to the store. */
const CHECKPOINT_MS = 500;

/** The chat history could not store part of a turn; the message says what is kept and what to do. */
export class ChatSaveError extends PincerError {
  override name = "ChatSaveError";
  constructor(
    message: string,
    /** The conversation, when it exists on disk (a new one was created before the failure); the client keeps it. */
    readonly conversationId: string | undefined,
  ) {
    super(message, "failed", { data: { conversationId } satisfies ChatErrorData });
  }
}

export interface ChatServiceDeps {
  /** The model that answers: engineChatModel, a remote engine (remote/remote-chat.ts) or ScriptedChatModel in tests; waits for a load until `signal` aborts. */
  model(signal: AbortSignal): Promise<ChatModel>;
  store(): ChatHistoryStore | undefined;
  roots(): Promise<WorkspaceRoots>;
  warn(message: string): void;
  /** Reads an `@` MCP resource (marked untrusted, capped); absent: such attachments are refused. */
  readMcpResource?: McpResourceReader;
  /** The answer language (pincer.chat.language resolved against the UI language); absent or undefined: the person's. */
  answerLanguage?: () => AnswerLanguage | undefined;
}

interface PreparedTurn {
  turns: ChatTurn[];
  report: ContextReport;
  plan: BudgetPlan;
  rules: RuleFile[];
  /** History messages that must be compacted before this turn fits. */
  toCompact: StoredChatMessage[];
  previousSummary: string | undefined;
}

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** The context report for a draft: what the prompt would take and what would be left out. */
  async preview(params: ChatContextParams, signal: AbortSignal): Promise<ContextReport> {
    const model = await this.deps.model(signal);
    const conversation = params.conversationId ? await this.requireStore().get(params.conversationId) : undefined;
    const attachments = await this.resolveAttachments(params.attachments ?? [], signal);
    signal.throwIfAborted();
    const prepared = await this.prepare(model, conversation, params.message, attachments, params.maxTokens);
    return prepared.report;
  }

  /** Images and PDFs read with OCR, MCP resources read from their server; the rest as the client sent them. */
  private async resolveAttachments(attachments: readonly ChatAttachment[], signal: AbortSignal): Promise<ChatAttachment[]> {
    const documents = await resolveDocumentAttachments(attachments, await this.deps.roots(), signal);
    return resolveMcpAttachments(documents, this.deps.readMcpResource, signal);
  }

  async send(params: ChatParams, options: { signal: AbortSignal; onText?: (text: string) => void }): Promise<ChatResult> {
    if (params.message.trim() === "") throw new PincerError("The chat message is empty.", "invalid-params");
    const model = await this.deps.model(options.signal);
    const store = this.deps.store();
    let conversation: Conversation | undefined;
    let conversationId = params.conversationId;
    if (conversationId) conversation = await this.requireStore().get(conversationId);
    const attachments = await this.resolveAttachments(params.attachments ?? [], options.signal);

    let prepared = await this.prepare(model, conversation, params.message, attachments, params.maxTokens);
    if (prepared.report.error) throw new Error(prepared.report.error);
    const warnings: string[] = [];
    // Nothing is generated before the question is stored: a full disk fails the turn up front.
    const notSent = (error: StoreWriteError) =>
      `Your message was not sent: the chat history could not be saved (${error.reason}). Earlier messages are kept; send it again once that is fixed.`;
    const save = async (work: () => Promise<string | undefined>, failure: (error: StoreWriteError) => string) => {
      try {
        const warning = await work();
        if (warning) warnings.push(warning);
      } catch (error) {
        if (error instanceof StoreWriteError) throw new ChatSaveError(failure(error), conversationId);
        throw error;
      }
    };
    // A new conversation is stored only once its first message is accepted.
    if (!conversationId && store) {
      try {
        conversationId = await store.create();
      } catch (error) {
        if (error instanceof StoreWriteError) throw new ChatSaveError(notSent(error), undefined);
        throw error;
      }
    }
    if (prepared.toCompact.length > 0 && conversation && conversationId) {
      const summaryText = await summarizeTurns(model, prepared.previousSummary, prepared.toCompact, options.signal);
      options.signal.throwIfAborted();
      const summary = { coversUpTo: prepared.toCompact[prepared.toCompact.length - 1]!.id, turns: prepared.toCompact.length, text: summaryText };
      const id = conversationId;
      if (store) await save(() => store.appendSummary(id, summary), notSent);
      conversation = { ...conversation, summaries: [...conversation.summaries, summary] };
      const compacted = prepared.toCompact.length;
      prepared = await this.prepare(model, conversation, params.message, attachments, params.maxTokens);
      prepared.report.compactedTurns = Math.max(prepared.report.compactedTurns, compacted);
    }

    const userMessage: StoredChatMessage = {
      id: randomUUID(),
      role: "user",
      text: params.message,
      at: Date.now(),
      attachments: attachments.map((a) => ({ kind: a.kind, label: a.label })),
      rules: prepared.report.rules,
      leftOut: prepared.report.leftOut,
    };
    if (store && conversationId) {
      const id = conversationId;
      await save(() => store.appendMessage(id, userMessage), notSent);
    }

    const assistantId = randomUUID();
    let text = "";
    let lastCheckpoint = Date.now();
    let checkpoint: Promise<void> = Promise.resolve();
    const onText = (chunk: string) => {
      text += chunk;
      options.onText?.(chunk);
      if (store && conversationId && Date.now() - lastCheckpoint >= CHECKPOINT_MS) {
        lastCheckpoint = Date.now();
        const snapshot = text;
        const id = conversationId;
        checkpoint = checkpoint
          .then(() => store.appendPartial(id, assistantId, snapshot))
          .then((warning) => void (warning && warnings.push(warning)))
          .catch((error: Error) => this.deps.warn(`Chat checkpoint failed: ${error.message}`));
      }
    };
    const result = await model.chatTurns(prepared.turns, { maxTokens: prepared.report.replyTokens, signal: options.signal, onText });
    await checkpoint;
    const stopReason: ChatResult["stopReason"] = result.stopReason === "cancelled" ? "cancelled" : result.stopReason === "maxTokens" ? "maxTokens" : "eos";
    if (store && conversationId) {
      const id = conversationId;
      await save(
        () => store.appendMessage(id, { id: assistantId, role: "assistant", text: result.text, at: Date.now(), stopReason }),
        (error) => `The answer could not be saved to the chat history (${error.reason}): it is missing when this conversation is opened again. Earlier messages are kept.`,
      );
    }
    return {
      text: result.text,
      ...(warnings.length > 0 ? { warnings } : {}),
      stopReason,
      conversationId: store ? conversationId : undefined,
      userMessageId: userMessage.id,
      assistantMessageId: assistantId,
      context: prepared.report,
    };
  }

  private async prepare(
    model: ChatModel,
    conversation: Conversation | undefined,
    message: string,
    attachments: readonly ChatAttachment[],
    maxTokens: number | undefined,
  ): Promise<PreparedTurn> {
    const windowTokens = model.contextSize;
    const requested = Number.isInteger(maxTokens) && maxTokens! > 0 ? maxTokens! : 1024;
    const replyTokens = Math.min(requested, Math.max(64, Math.floor(windowTokens / 4)));
    const rules = await loadRules(await this.deps.roots(), this.deps.warn);
    const basePrompt = systemPrompt(this.deps.answerLanguage?.());

    // Nothing larger than the window can be part of the prompt, so nothing needs counting past it.
    const count = (text: string) => model.tokenCountUpTo(text, windowTokens);
    // History after the latest summary; the summary itself stands in for everything before it.
    const summary = conversation?.summaries[conversation.summaries.length - 1];
    const messages = conversation?.messages ?? [];
    const afterSummary = summary ? messages.slice(messages.findIndex((m) => m.id === summary.coversUpTo) + 1) : messages;
    const history = [
      ...(summary ? [{ label: `Summary of ${summary.turns} earlier messages`, tokens: count(summaryText(summary.text)), summary: true }] : []),
      ...afterSummary.map((m) => ({ label: `${m.role} message`, tokens: count(visibleText(m.text)) })),
    ];
    const empty: ChatTurn[] = [
      { role: "system", text: "" },
      { role: "user", text: "" },
    ];
    const turnOverheadTokens = Math.max(1, Math.ceil((model.chatTokenCount([...empty, { role: "assistant", text: "" }, { role: "user", text: "" }]) - model.chatTokenCount(empty)) / 2));
    const plan = planContext({
      windowTokens,
      replyTokens,
      turnOverheadTokens,
      system: { label: "Pincer system prompt", tokens: model.tokenCount(basePrompt) },
      prompt: { label: "Your message", tokens: count(visibleText(message)) },
      rules: rules.map((r) => ({ label: r.path, tokens: count(ruleText(r)) })),
      attachments: attachments.map((a) => ({ label: a.label, tokens: count(attachmentText(a)) })),
      history,
    });

    const keptRules = plan.includedRules.map((i) => rules[i]!);
    const keptAttachments = plan.includedAttachments.map((i) => attachments[i]!);
    const summaryOffset = summary ? 1 : 0;
    const firstKeptMessage = Math.max(0, plan.historyStart - summaryOffset);
    const summaryKept = summary !== undefined && plan.historyStart === 0;
    const toCompact = plan.fits && plan.historyStart > 0 ? afterSummary.slice(0, firstKeptMessage) : [];

    const system = [basePrompt, ...keptRules.map(ruleText), ...(summaryKept ? [summaryText(summary.text)] : [])].join("\n\n");
    // Text pasted into the message can hide instructions as well as files can (revealInvisible).
    const userText = [...keptAttachments.map(attachmentText), visibleText(message)].join("\n\n");
    const turns: ChatTurn[] = [
      { role: "system", text: system },
      ...afterSummary.slice(firstKeptMessage).map((m): ChatTurn => ({ role: m.role, text: visibleText(m.text) })),
      { role: "user", text: userText },
    ];
    const report: ContextReport = {
      windowTokens,
      usedTokens: plan.fits ? model.chatTokenCount(turns) : plan.estimatedTokens,
      replyTokens,
      items: plan.items,
      leftOut: summary && !summaryKept && toCompact.length === 0 ? [...plan.leftOut, "summary of earlier messages"] : plan.leftOut,
      rules: keptRules.map((r) => r.path),
      compactedTurns: toCompact.length,
      error: plan.error,
    };
    return { turns, report, plan, rules, toCompact, previousSummary: summary?.text };
  }

  private requireStore(): ChatHistoryStore {
    const store = this.deps.store();
    if (!store) throw new Error("The chat history is not open yet (the extension sends its key after the server starts).");
    return store;
  }
}
