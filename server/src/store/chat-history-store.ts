// The workspace's conversations: one encrypted log per conversation (`<id>.pchat`) in the folder
// VS Code gives the extension for this workspace. Every message is appended as soon as it exists
// and a streaming answer is checkpointed while it grows, so a crash loses nothing that was shown.
// A write that fails (a full disk) throws StoreWriteError and leaves every earlier message readable;
// a damaged file is never rewritten without a copy of it kept beside it (`<id>.pchat.damaged-<time>`).
import { PincerError } from "../platform/errors";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ChatHistoryListResult, Conversation, ConversationInfo, StoredChatMessage, StoredSummary } from "../protocol/chat";
import { EncryptedLog, checkKey, type LogOptions } from "./encrypted-log";

export type HistoryRecord =
  | { t: "created"; at: number }
  | { t: "message"; message: StoredChatMessage }
  /** The text of an answer still being generated; replaced by its "message" record. */
  | { t: "partial"; id: string; text: string; at: number }
  | { t: "title"; title: string; at: number }
  | { t: "summary"; summary: StoredSummary; at: number };

const EXTENSION = ".pchat";
/** Copies of damaged files kept aside: `<id>.pchat.damaged-<time>`. */
const DAMAGED_COPY = /^([0-9a-f-]{36})\.pchat\.damaged-/;
const ID_PATTERN = /^[0-9a-f-]{36}$/;

export class UnknownConversationError extends PincerError {
  override name = "UnknownConversationError";
  constructor(message: string) {
    super(message, "invalid-params");
  }
}

export class ChatHistoryStore {
  private readonly key: Buffer;
  private readonly logs = new Map<string, EncryptedLog<HistoryRecord>>();

  constructor(
    readonly dir: string,
    key: Uint8Array,
    private readonly options: LogOptions = {},
  ) {
    this.key = checkKey(key);
  }

  async create(): Promise<string> {
    const id = randomUUID();
    try {
      await this.log(id).append({ t: "created", at: Date.now() });
    } catch (error) {
      // An empty file would list as a conversation with no messages.
      await fs.rm(this.filePath(id), { force: true }).catch(() => undefined);
      this.logs.delete(id);
      throw error;
    }
    return id;
  }

  async get(id: string): Promise<Conversation> {
    if (!(await this.exists(id))) throw new UnknownConversationError(`There is no stored conversation ${id}.`);
    const { records, warning } = await this.log(id).read();
    return fold(id, records, warning);
  }

  async list(): Promise<ChatHistoryListResult> {
    const names = await fs.readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [] as string[];
      throw error;
    });
    const conversations: ConversationInfo[] = [];
    const unreadable: { id: string; reason: string }[] = [];
    const warnings: { id: string; warning: string }[] = [];
    for (const name of names.filter((n) => n.endsWith(EXTENSION))) {
      const id = name.slice(0, -EXTENSION.length);
      if (!ID_PATTERN.test(id)) continue;
      try {
        const { messages: _messages, summaries: _summaries, warnings: found, ...info } = await this.get(id);
        conversations.push(info);
        for (const warning of found) warnings.push({ id, warning });
      } catch (error) {
        unreadable.push({ id, reason: (error as Error).message });
      }
    }
    conversations.sort((a, b) => b.updatedAt - a.updatedAt);
    return { conversations, unreadable, warnings };
  }

  /** The appends resolve with a warning when a damaged last record had to be cut (and was kept aside) first. */
  async appendMessage(id: string, message: StoredChatMessage): Promise<string | undefined> {
    return (await this.log(id).append({ t: "message", message })).warning;
  }

  async appendPartial(id: string, messageId: string, text: string): Promise<string | undefined> {
    return (await this.log(id).append({ t: "partial", id: messageId, text, at: Date.now() })).warning;
  }

  async appendSummary(id: string, summary: StoredSummary): Promise<string | undefined> {
    return (await this.log(id).append({ t: "summary", summary, at: Date.now() })).warning;
  }

  async rename(id: string, title: string): Promise<string | undefined> {
    const clean = title.replace(/\s+/g, " ").trim().slice(0, 200);
    if (!clean) throw new Error("A conversation title cannot be empty.");
    await this.get(id);
    return (await this.log(id).append({ t: "title", title: clean, at: Date.now() })).warning;
  }

  /** Deletes the conversation and the copies of it that were kept aside when it was damaged. */
  async delete(id: string): Promise<void> {
    const file = this.filePath(id);
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const copies = names.filter((n) => DAMAGED_COPY.exec(n)?.[1] === id);
    await Promise.all([file, ...copies.map((n) => path.join(this.dir, n))].map((f) => fs.rm(f, { force: true })));
    this.logs.delete(id);
  }

  async clear(): Promise<number> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const ours = names.filter((n) => n.endsWith(EXTENSION) && ID_PATTERN.test(n.slice(0, -EXTENSION.length)));
    const copies = names.filter((n) => DAMAGED_COPY.test(n));
    await Promise.all([...ours, ...copies].map((n) => fs.rm(path.join(this.dir, n), { force: true })));
    this.logs.clear();
    return ours.length;
  }

  filePath(id: string): string {
    if (!ID_PATTERN.test(id)) throw new UnknownConversationError(`"${id}" is not a conversation id.`);
    return path.join(this.dir, `${id}${EXTENSION}`);
  }

  private async exists(id: string): Promise<boolean> {
    return fs.stat(this.filePath(id)).then(
      () => true,
      () => false,
    );
  }

  private log(id: string): EncryptedLog<HistoryRecord> {
    let log = this.logs.get(id);
    if (!log) {
      log = new EncryptedLog<HistoryRecord>(this.filePath(id), this.key, id, this.options);
      this.logs.set(id, log);
    }
    return log;
  }
}

/** Replays the records into the conversation as it was last shown. */
function fold(id: string, records: readonly HistoryRecord[], warning: string | undefined): Conversation {
  const messages: StoredChatMessage[] = [];
  const summaries: StoredSummary[] = [];
  const partials = new Map<string, StoredChatMessage>();
  let title: string | undefined;
  let createdAt = 0;
  let updatedAt = 0;
  for (const record of records) {
    if (record.t === "created") createdAt = record.at;
    else if (record.t === "title") title = record.title;
    else if (record.t === "summary") summaries.push(record.summary);
    else if (record.t === "partial") {
      const existing = partials.get(record.id);
      if (existing) existing.text = record.text;
      else {
        const message: StoredChatMessage = { id: record.id, role: "assistant", text: record.text, at: record.at, interrupted: true };
        partials.set(record.id, message);
        messages.push(message);
      }
    } else {
      const index = messages.findIndex((m) => m.id === record.message.id);
      if (index >= 0) messages[index] = record.message;
      else messages.push(record.message);
      partials.delete(record.message.id);
    }
    updatedAt = Math.max(updatedAt, "at" in record ? record.at : record.message.at);
  }
  const firstUser = messages.find((m) => m.role === "user");
  return {
    id,
    title: title ?? (firstUser ? firstUser.text.replace(/\s+/g, " ").trim().slice(0, 60) : "New chat"),
    createdAt,
    updatedAt,
    messageCount: messages.length,
    messages,
    summaries,
    warnings: warning ? [warning] : [],
  };
}
