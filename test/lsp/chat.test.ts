// The chat over a real LSP connection: streaming into an encrypted per-workspace history,
// multi-turn context, cancellation, context budgeting, workspace rules, compaction and history
// management.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import {
  ChatChunkNotification,
  ChatContextRequest,
  ChatHistoryClearRequest,
  ChatHistoryDeleteRequest,
  ChatHistoryGetRequest,
  ChatHistoryListRequest,
  ChatHistoryRenameRequest,
  ChatRequest,
  ChatStoreRequest,
  type ChatChunkParams,
  type ChatHistoryListResult,
  type ChatParams,
  type ChatResult,
  type Conversation,
  type ContextReport,
} from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

describe("chat over LSP", function () {
  this.timeout(120_000);
  let server: TestServer;
  let tempDir: string;
  let workspace: string;
  let historyDir: string;
  const key = randomBytes(32).toString("base64");

  before(async function () {
    const model = requireTestModel(this);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-chat-lsp-"));
    workspace = path.join(tempDir, "ws");
    historyDir = path.join(tempDir, "history");
    await fs.mkdir(path.join(workspace, ".pincer", "rules"), { recursive: true });
    await fs.writeFile(path.join(workspace, "AGENTS.md"), "Prefer small functions.\n");
    await fs.writeFile(path.join(workspace, ".pincer", "rules", "style.md"), "Use tabs.\n");
    await fs.writeFile(path.join(tempDir, "outside.md"), "Leak me.\n");
    await fs.symlink(path.join(tempDir, "outside.md"), path.join(workspace, ".pincer", "rules", "escape.md"));
    server = await startTestServer({
      settings: { model, threads: 1, contextSize: 1024, modelsDir: tempDir },
      env: { PINCER_CACHE_DIR: tempDir },
      workspaceFolders: [workspace],
    });
    await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    await server.connection.sendRequest(ChatStoreRequest, { dir: historyDir, key });
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  async function send(params: Omit<ChatParams, "id">, onChunk?: (count: number) => void, token?: CancellationTokenSource): Promise<{ result: ChatResult; chunks: string[] }> {
    const id = `req-${Math.random()}`;
    const chunks: string[] = [];
    const listener = server.connection.onNotification(ChatChunkNotification, (p: ChatChunkParams) => {
      if (p.id !== id) return;
      chunks.push(p.text);
      onChunk?.(chunks.length);
    });
    try {
      const request = { id, ...params };
      const result: ChatResult = token ? await server.connection.sendRequest(ChatRequest, request, token.token) : await server.connection.sendRequest(ChatRequest, request);
      return { result, chunks };
    } finally {
      listener.dispose();
    }
  }

  let conversationId: string;

  it("streams a reply, stores both messages encrypted, and reports the rules used", async () => {
    const { result, chunks } = await send({ message: "The password is zebracorn. Say hello", maxTokens: 48 });
    assert.ok(chunks.length > 1, "several chunks arrived");
    assert.equal(chunks.join(""), result.text);
    assert.ok(result.conversationId);
    conversationId = result.conversationId;
    assert.deepEqual(result.context!.rules, ["AGENTS.md", ".pincer/rules/style.md"], "the symlink that leaves the workspace is not read");
    assert.ok(server.logs.some((l) => /escape\.md skipped: a symlink that points outside/.test(l)), "the refused rules file was logged");

    const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: conversationId });
    assert.deepEqual(stored.messages.map((m) => [m.role, m.text]), [
      ["user", "The password is zebracorn. Say hello"],
      ["assistant", result.text],
    ]);
    assert.deepEqual(stored.messages[0]!.rules, ["AGENTS.md", ".pincer/rules/style.md"]);
    const files = await fs.readdir(historyDir);
    const raw = await fs.readFile(path.join(historyDir, files[0]!), "utf8");
    assert.ok(!raw.includes("zebracorn") && !raw.includes("password"), "no plaintext of the message in the file");
  });

  it("continues the conversation with the earlier turns in the prompt", async () => {
    const report: ContextReport = await server.connection.sendRequest(ChatContextRequest, { conversationId, message: "And now?" });
    assert.deepEqual(report.items.filter((i) => i.kind === "history").map((i) => i.included), [true, true]);
    assert.ok(report.usedTokens > 0 && report.usedTokens < report.windowTokens);
    const { result } = await send({ conversationId, message: "And now?", maxTokens: 16 });
    assert.equal(result.conversationId, conversationId);
    const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: conversationId });
    assert.equal(stored.messages.length, 4);
  });

  it("stops at once on $/cancelRequest and stores what was shown", async () => {
    const source = new CancellationTokenSource();
    let atCancel = 0;
    const { result, chunks } = await send(
      { conversationId, message: "Tell a long story", maxTokens: 400 },
      (count) => {
        if (count === 3) {
          atCancel = count;
          source.cancel();
        }
      },
      source,
    ).catch((error: Error) => ({ result: { text: "", stopReason: "error", error } as unknown as ChatResult, chunks: [] as string[] }));
    assert.equal(result.stopReason, "cancelled");
    assert.ok(chunks.length - atCancel < 16, `stopped promptly (${chunks.length - atCancel} chunks after cancel)`);
    const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: conversationId });
    const last = stored.messages.at(-1)!;
    assert.equal(last.stopReason, "cancelled");
    assert.equal(last.text, result.text);
  });

  it("leaves out an attachment that does not fit, says so, and still answers", async () => {
    const big = { kind: "file" as const, label: "big.txt", text: "lorem ipsum dolor sit amet ".repeat(400) };
    const small = { kind: "selection" as const, label: "small.ts:1-2", text: "const a = 1;\n" };
    const preview: ContextReport = await server.connection.sendRequest(ChatContextRequest, { message: "Explain", attachments: [big, small] });
    assert.deepEqual(preview.leftOut, ["big.txt"]);
    const bigItem = preview.items.find((i) => i.label === "big.txt")!;
    assert.ok(bigItem.tokens > 1000 && !bigItem.included, "counted in real tokens and marked left out");
    assert.equal(preview.items.find((i) => i.label === "small.ts:1-2")!.included, true);
    const { result } = await send({ message: "Explain", attachments: [big, small], maxTokens: 8 });
    assert.deepEqual(result.context!.leftOut, ["big.txt"]);
    assert.ok(result.context!.usedTokens + result.context!.replyTokens <= result.context!.windowTokens);
    const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: result.conversationId! });
    assert.deepEqual(stored.messages[0]!.leftOut, ["big.txt"]);
  });

  it("refuses a message that cannot fit, with the numbers, and stores nothing", async () => {
    const before = (await fs.readdir(historyDir)).length;
    await assert.rejects(server.connection.sendRequest(ChatRequest, { id: "huge", message: "word ".repeat(3000) }), /tokens.*window leaves/);
    assert.equal((await fs.readdir(historyDir)).length, before);
  });

  it("compacts old turns into a stored summary when the history outgrows the window", async () => {
    const long = "Here is a long description of the build system and its many targets. ".repeat(14);
    let id: string | undefined;
    let compacted = 0;
    for (let turn = 0; turn < 6 && compacted === 0; turn++) {
      const { result } = await send({ conversationId: id, message: `${turn}: ${long}`, maxTokens: 8 });
      id = result.conversationId;
      compacted = result.context!.compactedTurns;
    }
    assert.ok(compacted > 0, "a turn was compacted");
    const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: id! });
    assert.equal(stored.summaries.length, 1);
    assert.ok(stored.messages.some((m) => m.id === stored.summaries[0]!.coversUpTo), "the marker points at a stored message");
  });

  it("lists, renames, deletes and clears conversations", async () => {
    await server.connection.sendRequest(ChatHistoryRenameRequest, { id: conversationId, title: "Zebra talk" });
    const listed: ChatHistoryListResult = await server.connection.sendRequest(ChatHistoryListRequest, {});
    assert.ok(listed.conversations.some((c) => c.id === conversationId && c.title === "Zebra talk"));
    await server.connection.sendRequest(ChatHistoryDeleteRequest, { id: conversationId });
    const after: ChatHistoryListResult = await server.connection.sendRequest(ChatHistoryListRequest, {});
    assert.ok(!after.conversations.some((c) => c.id === conversationId));
    await server.connection.sendRequest(ChatHistoryClearRequest, {});
    assert.deepEqual(((await server.connection.sendRequest(ChatHistoryListRequest, {})) as ChatHistoryListResult).conversations, []);
  });

  it("with another key the history fails clearly instead of reading garbage", async () => {
    const { result } = await send({ message: "keep me", maxTokens: 4 });
    await server.connection.sendRequest(ChatStoreRequest, { dir: historyDir, key: randomBytes(32).toString("base64") });
    await assert.rejects(server.connection.sendRequest(ChatHistoryGetRequest, { id: result.conversationId! }), /cannot be decrypted with the key in the keychain/);
    await server.connection.sendRequest(ChatStoreRequest, { dir: historyDir, key });
    const stored: Conversation = await server.connection.sendRequest(ChatHistoryGetRequest, { id: result.conversationId! });
    assert.equal(stored.messages[0]!.text, "keep me");
  });
});
