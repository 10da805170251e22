// The chat sidebar's wire protocol: streamed turns, context budgeting reports, and the encrypted
// per-workspace history. Shared by the client, the server and the CLI.
import { arrayOf, int, MiB, object, oneOf, optional, str } from "./checks";
import { PincerRequest, PincerRequest0, ServerNotification } from "./rpc";

const ATTACHMENT_KINDS = ["file", "selection", "symbol", "problems", "git-diff", "editors", "document", "codebase", "mcp-resource"] as const;

/** What a context chip stands for; the text is what the model sees. */
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface ChatAttachment {
  kind: AttachmentKind;
  /** What the user sees on the chip ("src/app.ts:10-24"). */
  label: string;
  /** For `document`: empty; the server reads the image or PDF at `path` with OCR and fills it in. */
  text: string;
  /** For `document`: the workspace file (absolute or workspace-relative); confined by the server. */
  path?: string;
  /** For `mcp-resource`: the configured MCP server's name; `text` is empty, the server reads the resource. */
  server?: string;
  /** For `mcp-resource`: the resource's URI (from pincer/mcp/resources). */
  uri?: string;
}

/** Client → server: stream the next answer. Tokens arrive as `pincer/chat/chunk` notifications. */
export interface ChatParams {
  /** Correlates the chunks with this request. */
  id: string;
  message: string;
  /** Continue this stored conversation; absent: a new one (stored when a history store is open). */
  conversationId?: string;
  attachments?: ChatAttachment[];
  maxTokens?: number;
}
export interface ChatChunkParams {
  id: string;
  text: string;
}
export interface ChatResult {
  text: string;
  /** Problems the person should see, e.g. a damaged last record that was left out and kept aside. */
  warnings?: string[];
  stopReason: "eos" | "maxTokens" | "cancelled";
  conversationId?: string;
  /** Ids of the stored user and assistant messages. */
  userMessageId?: string;
  assistantMessageId?: string;
  context?: ContextReport;
}
const attachments = optional(
  arrayOf(
    object({
      kind: oneOf(ATTACHMENT_KINDS),
      label: str({ max: 1000 }),
      // A chat attachment holds at most this much text; the chat service tells the person when one
      // does not fit the window.
      text: str({ max: 8 * MiB }),
      path: optional(str({ max: 4096 })),
      server: optional(str({ max: 200 })),
      uri: optional(str({ max: 8192 })),
    }),
    64,
  ),
);
const maxTokens = optional(int(1, 1_000_000));
const conversationId = optional(str({ min: 1, max: 100 }));
const storedId = object({ id: str({ min: 1, max: 100 }) });

export const ChatRequest = new PincerRequest<ChatParams, ChatResult>(
  "pincer/chat/send",
  object({ id: str({ max: 200 }), message: str({ max: 4 * MiB }), conversationId, attachments, maxTokens }),
);
/** `data` of a pincer/chat/send error whose conversation was stored before the failure (a new one gets its id here). */
export interface ChatErrorData {
  conversationId?: string;
}
export const ChatChunkNotification = new ServerNotification<ChatChunkParams>("pincer/chat/chunk");

export type ContextItemKind = "system" | "rule" | "attachment" | "history" | "summary" | "prompt";

export interface ContextItemReport {
  kind: ContextItemKind;
  label: string;
  /** Real tokens from the loaded model's tokenizer. */
  tokens: number;
  included: boolean;
}

/** How the prompt fills the model's window; nothing is cut without being listed here. */
export interface ContextReport {
  windowTokens: number;
  /** Tokens of the rendered prompt (chat template included). */
  usedTokens: number;
  /** Tokens kept free for the answer. */
  replyTokens: number;
  items: ContextItemReport[];
  /** Labels of the rules and attachments that did not fit. */
  leftOut: string[];
  /** Workspace-relative paths of the instruction files used. */
  rules: string[];
  /** Older turns that were (or, for a preview, would be) replaced by a summary. */
  compactedTurns: number;
  /** Set when even the message alone does not fit. */
  error?: string;
}

/** Client → server: the context report for a draft, without generating (the prompt's token meter). */
export interface ChatContextParams {
  message: string;
  conversationId?: string;
  attachments?: ChatAttachment[];
  maxTokens?: number;
}
export const ChatContextRequest = new PincerRequest<ChatContextParams, ContextReport>(
  "pincer/chat/context",
  object({ message: str({ max: 4 * MiB }), conversationId, attachments, maxTokens }),
);

/**
 * Client → server: where this workspace's conversations live and the AES-256-GCM key (32 bytes,
 * base64) kept in the OS keychain. Sent after every server start; history requests fail until then.
 */
export interface ChatStoreParams {
  dir: string;
  key: string;
}
export const ChatStoreRequest = new PincerRequest<ChatStoreParams, void>("pincer/chat/openStore", object({ dir: str({ min: 1, max: 4096 }), key: str({ min: 1, max: 100 }) }));

export interface StoredAttachment {
  kind: AttachmentKind;
  label: string;
}

export interface StoredChatMessage {
  id: string;
  role: "user" | "assistant";
  text: string;
  /** Epoch milliseconds. */
  at: number;
  attachments?: StoredAttachment[];
  rules?: string[];
  leftOut?: string[];
  stopReason?: ChatResult["stopReason"];
  /** An answer whose generation did not finish (the server stopped); its text is what was shown. */
  interrupted?: boolean;
}

/** Marks where older turns were compacted into a summary. */
export interface StoredSummary {
  /** The last message the summary covers. */
  coversUpTo: string;
  turns: number;
  text: string;
}

export interface ConversationInfo {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
}

export interface Conversation extends ConversationInfo {
  messages: StoredChatMessage[];
  summaries: StoredSummary[];
  /** Problems found while reading (a torn last record left out, or kept aside before an append). */
  warnings: string[];
}

export interface ChatHistoryListResult {
  conversations: ConversationInfo[];
  /** Conversations that could not be read, with the reason. */
  unreadable: { id: string; reason: string }[];
  /** Problems found in readable conversations (a torn last record left out). */
  warnings: { id: string; warning: string }[];
}
export const ChatHistoryListRequest = new PincerRequest0<ChatHistoryListResult>("pincer/chatHistory/list");
export interface ChatHistoryIdParams {
  id: string;
}
export const ChatHistoryGetRequest = new PincerRequest<ChatHistoryIdParams, Conversation>("pincer/chatHistory/get", storedId);
export interface ChatHistoryRenameParams {
  id: string;
  title: string;
}
export interface ChatHistoryRenameResult {
  /** Set when the conversation's damaged last record was cut (and the file kept aside) to store the title. */
  warning?: string;
}
export const ChatHistoryRenameRequest = new PincerRequest<ChatHistoryRenameParams, ChatHistoryRenameResult>(
  "pincer/chatHistory/rename",
  object({ id: str({ min: 1, max: 100 }), title: str({ max: 10_000 }) }),
);
export const ChatHistoryDeleteRequest = new PincerRequest<ChatHistoryIdParams, void>("pincer/chatHistory/delete", storedId);
export const ChatHistoryClearRequest = new PincerRequest0<void>("pincer/chatHistory/clear");

/** Client → server: definitions in a document (tree-sitter), for the `@` picker's symbols. */
export interface ChatSymbolsParams {
  languageId: string;
  text: string;
}
export interface ChatSymbol {
  name: string;
  kind: string;
  /** 0-based lines of the whole definition. */
  startLine: number;
  endLine: number;
  container?: string;
}
export interface ChatSymbolsResult {
  /** Absent when no grammar covers the language. */
  symbols?: ChatSymbol[];
}
// The active editor's whole text: any size an editor holds; the server parses only what is small enough.
export const ChatSymbolsRequest = new PincerRequest<ChatSymbolsParams, ChatSymbolsResult>("pincer/chat/symbols", object({ languageId: str({ max: 100 }), text: str({ max: 256 * MiB }) }));

/** Client → server: the workspace's uncommitted changes (`git diff HEAD`), for the `@` picker. */
export interface ChatGitDiffResult {
  /** One entry per workspace folder that is a git repository with changes. */
  diffs: { folder: string; text: string }[];
}
export const ChatGitDiffRequest = new PincerRequest0<ChatGitDiffResult>("pincer/chat/gitDiff");
