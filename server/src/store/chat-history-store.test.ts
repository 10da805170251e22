import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChatHistoryStore } from "./chat-history-store";
import { StoreCorruptError, StoreKeyError } from "./encrypted-log";

describe("chat history store (AES-256-GCM log)", () => {
  let dir: string;
  const key = randomBytes(32);
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-history-"))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const message = (id: string, text: string, role: "user" | "assistant" = "user") => ({ id, role, text, at: Date.now() });

  it("stores messages without any plaintext in the file", async () => {
    const store = new ChatHistoryStore(dir, key);
    const id = await store.create();
    await store.appendMessage(id, message("msg-first-0001", "the secret word is pelican"));
    await store.appendMessage(id, message("msg-second-0002", "pelican noted", "assistant"));
    const raw = await fs.readFile(store.filePath(id));
    // Needles long enough that base64 ciphertext cannot contain them by chance (2 characters could).
    for (const needle of ["pelican", "secret", "msg-first-0001", "assistant", "message"]) assert.ok(!raw.includes(needle), `file contains "${needle}"`);
    const reopened = await new ChatHistoryStore(dir, key).get(id);
    assert.deepEqual(reopened.messages.map((m) => m.text), ["the secret word is pelican", "pelican noted"]);
    assert.equal(reopened.title, "the secret word is pelican");
  });

  it("a wrong key fails clearly and leaves the file untouched", async () => {
    const store = new ChatHistoryStore(dir, key);
    const id = await store.create();
    await store.appendMessage(id, message("m1", "hello"));
    const before = await fs.readFile(store.filePath(id));
    await assert.rejects(new ChatHistoryStore(dir, randomBytes(32)).get(id), (error: Error) => error instanceof StoreKeyError && /cannot be decrypted/.test(error.message));
    assert.deepEqual(await fs.readFile(store.filePath(id)), before);
    const listed = await new ChatHistoryStore(dir, randomBytes(32)).list();
    assert.equal(listed.conversations.length, 0);
    assert.equal(listed.unreadable.length, 1);
  });

  /** m1 and m2 whole, then a third record cut in the middle of its line (a crash during the write). */
  async function tornConversation(store: ChatHistoryStore): Promise<{ id: string; file: string }> {
    const id = await store.create();
    await store.appendMessage(id, message("m1", "first"));
    await store.appendMessage(id, message("m2", "second", "assistant"));
    const file = store.filePath(id);
    const full = await fs.readFile(file);
    await store.appendMessage(id, message("m3", "third, torn by a crash"));
    const withThird = await fs.readFile(file);
    await fs.writeFile(file, withThird.subarray(0, full.length + Math.floor((withThird.length - full.length) / 2)));
    return { id, file };
  }

  it("reading or listing a torn last record changes nothing and reports it", async () => {
    const { id, file } = await tornConversation(new ChatHistoryStore(dir, key));
    const torn = await fs.readFile(file);
    const reader = new ChatHistoryStore(dir, key);
    const conversation = await reader.get(id);
    assert.deepEqual(conversation.messages.map((m) => m.id), ["m1", "m2"]);
    assert.match(conversation.warnings[0] ?? "", /incomplete .* is not shown/);
    const listed = await reader.list();
    assert.deepEqual(listed.conversations.map((c) => c.id), [id]);
    assert.deepEqual(listed.warnings.map((w) => w.id), [id], "the listing carries the warning");
    assert.deepEqual(await fs.readFile(file), torn, "reading and listing left the file as it was");
  });

  it("the next append keeps the torn file aside, then continues cleanly", async () => {
    const { id, file } = await tornConversation(new ChatHistoryStore(dir, key));
    const torn = await fs.readFile(file);
    const writer = new ChatHistoryStore(dir, key);
    await writer.list();
    const warning = await writer.appendMessage(id, message("m4", "after the crash"));
    const aside = (await fs.readdir(dir)).filter((n) => n.startsWith(`${id}.pchat.damaged-`));
    assert.equal(aside.length, 1, "one copy kept aside");
    assert.deepEqual(await fs.readFile(path.join(dir, aside[0]!)), torn, "the copy is the file as it was");
    assert.match(warning ?? "", new RegExp(`kept as ${aside[0]!.replace(/\./g, "\\.")}`));
    const reread = await new ChatHistoryStore(dir, key).get(id);
    assert.deepEqual(reread.messages.map((m) => m.id), ["m1", "m2", "m4"]);
    assert.deepEqual(reread.warnings, []);
    await writer.delete(id);
    assert.deepEqual(await fs.readdir(dir), [], "deleting the conversation deletes its kept copy too");
  });

  it("a damaged record in the middle is an error, not a silent loss", async () => {
    const store = new ChatHistoryStore(dir, key);
    const id = await store.create();
    await store.appendMessage(id, message("m1", "one"));
    await store.appendMessage(id, message("m2", "two"));
    const lines = (await fs.readFile(store.filePath(id), "utf8")).split("\n");
    lines[1] = lines[2]!; // a record moved to another position fails its additional data
    await fs.writeFile(store.filePath(id), lines.join("\n"));
    await assert.rejects(new ChatHistoryStore(dir, key).get(id), StoreCorruptError);
  });

  it("keeps a streaming answer's last checkpoint when the final record never came", async () => {
    const store = new ChatHistoryStore(dir, key);
    const id = await store.create();
    await store.appendMessage(id, message("u", "question"));
    await store.appendPartial(id, "a", "half an");
    await store.appendPartial(id, "a", "half an answer");
    const conversation = await new ChatHistoryStore(dir, key).get(id);
    assert.deepEqual(conversation.messages.at(-1), { ...conversation.messages.at(-1), id: "a", text: "half an answer", interrupted: true });
    await store.appendMessage(id, message("a", "whole answer", "assistant"));
    const done = await new ChatHistoryStore(dir, key).get(id);
    assert.equal(done.messages.length, 2);
    assert.equal(done.messages[1]!.text, "whole answer");
    assert.equal(done.messages[1]!.interrupted, undefined);
  });

  it("lists, renames, deletes and clears", async () => {
    const store = new ChatHistoryStore(dir, key);
    const a = await store.create();
    const b = await store.create();
    await store.appendMessage(a, message("m", "alpha"));
    await store.rename(b, "  Beta   chat ");
    const { conversations } = await store.list();
    assert.deepEqual(conversations.map((c) => c.title).sort(), ["Beta chat", "alpha"]);
    await store.delete(a);
    assert.deepEqual((await store.list()).conversations.map((c) => c.id), [b]);
    assert.equal(await store.clear(), 1);
    assert.deepEqual((await store.list()).conversations, []);
    await assert.rejects(store.get("../../etc/passwd"), /not a conversation id/);
  });
});
