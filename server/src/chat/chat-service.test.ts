// The chat service on the scripted model (chat/scripted-chat-model.ts): what a turn sends the model,
// what it stores, what it reports and what it does when cancelled, without a model file.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PincerError } from "../platform/errors";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { ChatHistoryStore } from "../store/chat-history-store";
import { ChatService } from "./chat-service";
import { ScriptedChatModel } from "./scripted-chat-model";

describe("chat service (scripted model)", () => {
  let dir: string;
  let workspace: string;
  let store: ChatHistoryStore;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-chat-service-")));
    workspace = path.join(dir, "ws");
    await fs.mkdir(workspace);
    store = new ChatHistoryStore(path.join(dir, "history"), randomBytes(32));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const service = (model: ScriptedChatModel, withStore = true) =>
    new ChatService({ model: async () => model, store: () => (withStore ? store : undefined), roots: () => WorkspaceRoots.create([workspace]), warn: () => undefined });

  it("tells the model the answer language the settings and the UI language give", async () => {
    const model = new ScriptedChatModel(["好的"]);
    const chat = new ChatService({ model: async () => model, store: () => undefined, roots: () => WorkspaceRoots.create([workspace]), warn: () => undefined, answerLanguage: () => "zh-cn" });
    await chat.send({ id: "1", message: "你好" }, { signal });
    assert.match(model.requests[0]!.turns[0]!.text, /Answer in Simplified Chinese/);
  });

  it("sends the system prompt with the workspace rules, streams the answer and stores both messages", async () => {
    await fs.writeFile(path.join(workspace, "AGENTS.md"), "Answer in haiku.");
    const model = new ScriptedChatModel(["An old silent pond"]);
    const chunks: string[] = [];
    const result = await service(model).send({ id: "1", message: "hello\u200b there" }, { signal, onText: (text) => chunks.push(text) });
    assert.equal(result.text, "An old silent pond");
    assert.equal(chunks.join(""), result.text);
    assert.equal(result.stopReason, "eos");
    const [system, user] = model.requests[0]!.turns;
    assert.equal(system!.role, "system");
    assert.match(system!.text, /Answer in haiku\./);
    assert.match(user!.text, /hello<U\+200B> there/, "invisible characters reach the model escaped");
    assert.deepEqual(result.context!.rules, ["AGENTS.md"]);
    const stored = await store.get(result.conversationId!);
    assert.deepEqual(stored.messages.map((m) => [m.role, m.text]), [["user", "hello\u200b there"], ["assistant", "An old silent pond"]]);
  });

  it("leaves out an attachment that does not fit the window and says so; the reply keeps its room", async () => {
    const model = new ScriptedChatModel(["ok"], 1024);
    const big = { kind: "file" as const, label: "big.txt", text: "word ".repeat(4000) };
    const report = await service(model).preview({ message: "what is in it?", attachments: [big] }, signal);
    assert.deepEqual(report.leftOut, ["big.txt"]);
    assert.ok(report.usedTokens + report.replyTokens <= report.windowTokens);
  });

  it("compacts the oldest turns into a stored summary when the history no longer fits", async () => {
    const long = "a fairly long answer that fills the window quickly ".repeat(8);
    const answer = (turns: readonly { text: string }[]) => (/Summarize the conversation/.test(turns[0]!.text) ? "SUMMARY of earlier turns" : long);
    const model = new ScriptedChatModel(Array.from({ length: 12 }, () => answer), 600);
    const chat = service(model);
    let conversationId: string | undefined;
    let compacted = 0;
    for (let turn = 1; turn <= 8 && compacted === 0; turn++) {
      const result = await chat.send({ id: String(turn), message: `question ${turn}`, conversationId }, { signal });
      conversationId = result.conversationId;
      compacted = result.context!.compactedTurns;
    }
    assert.ok(compacted > 0, "a turn was compacted");
    const summary = model.requests.findIndex((r) => /Summarize the conversation/.test(r.turns[0]!.text));
    assert.ok(summary > 0);
    assert.match(model.requests[summary + 1]!.turns[0]!.text, /SUMMARY of earlier turns/, "the summary stands in for the old turns");
    const stored = await store.get(conversationId!);
    assert.equal(stored.summaries.length, 1);
    assert.equal(stored.summaries[0]!.text, "SUMMARY of earlier turns");
  });

  it("a cancelled answer stops between words and keeps what was shown", async () => {
    const controller = new AbortController();
    const model = new ScriptedChatModel(["one two three four five six"]);
    const result = await service(model).send({ id: "1", message: "count" }, { signal: controller.signal, onText: (text) => text.startsWith("two") && controller.abort() });
    assert.equal(result.stopReason, "cancelled");
    assert.equal(result.text, "one two ");
    const stored = await store.get(result.conversationId!);
    assert.equal(stored.messages[1]!.text, "one two ");
  });

  it("an empty message is the request's fault", async () => {
    await assert.rejects(service(new ScriptedChatModel([])).send({ id: "1", message: "  " }, { signal }), (error: unknown) => error instanceof PincerError && error.kind === "invalid-params");
  });
});
