// Every pincer/* request checks its parameters at the protocol boundary: a bad one is answered
// InvalidParams (-32602) with a message naming the field, before any work starts, and the server
// goes on serving. A request cancelled while it waits in a queue answers RequestCancelled (-32800).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CancellationTokenSource, ResponseError } from "vscode-languageserver-protocol/node";
import { ChatChunkNotification, ChatRequest, type ChatChunkParams, type ChatResult } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

const INVALID_PARAMS = -32602;
const REQUEST_CANCELLED = -32800;

/** [method, params, the field the answer must name] */
const BAD_PARAMS: [string, unknown, string][] = [
  ["pincer/chat/send", { id: "a", message: "hi", maxTokens: 0 }, "maxTokens"],
  ["pincer/chat/send", { id: "a", message: "hi", maxTokens: -5 }, "maxTokens"],
  ["pincer/chat/send", { id: "a", message: "hi", maxTokens: "12" }, "maxTokens"],
  ["pincer/chat/send", { id: "a", message: "hi", maxTokens: 1.5 }, "maxTokens"],
  ["pincer/chat/send", { id: "a", message: 42 }, "message"],
  ["pincer/chat/send", { id: "a", message: "hi", attachments: [{ kind: "file", label: "x" }] }, "attachments[0].text"],
  ["pincer/chat/send", { id: "a", message: "hi", attachments: [{ kind: "nope", label: "x", text: "" }] }, "attachments[0].kind"],
  ["pincer/chat/send", { id: "a", message: "hi", conversationId: 7 }, "conversationId"],
  ["pincer/chat/send", ["positional"], "params"],
  ["pincer/chat/context", { message: "hi", maxTokens: null }, "maxTokens"],
  ["pincer/chat/openStore", { dir: "", key: "k" }, "dir"],
  ["pincer/chatHistory/get", { id: 3 }, "id"],
  ["pincer/chatHistory/rename", { id: "x" }, "title"],
  ["pincer/chatHistory/delete", {}, "id"],
  ["pincer/chat/symbols", { languageId: "ts" }, "text"],
  ["pincer/models/download", { uri: ["hf:a/b/c.gguf"] }, "uri"],
  ["pincer/models/download", { uri: "hf:a/b/c.gguf", sha256: "xyz" }, "sha256"],
  ["pincer/git/commitMessage", { folder: 1 }, "folder"],
  ["pincer/git/summarizeChanges", {}, "folder"],
  ["pincer/tasks/render", { taskId: "t", inputs: { a: 1 } }, "inputs.a"],
  ["pincer/tasks/render", { taskId: "t", inputs: {}, range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } } }, "range.start.line"],
  ["pincer/ocr/document", { uri: "file:///x.png", languages: "eng" }, "languages"],
  ["pincer/voice/dictate", { id: "d", language: "fr" }, "language"],
  ["pincer/voice/dictate", { language: "zh" }, "id"],
  ["pincer/agent/run", { id: "r", request: "do", profile: "root" }, "profile"],
  ["pincer/agent/undo", { runId: "r", step: "1" }, "step"],
  ["pincer/agent/transcript", {}, "runId"],
];

describe("protocol boundary: request parameters and cancellation", function () {
  this.timeout(120_000);
  let server: TestServer;
  let tempDir: string;

  before(async function () {
    const model = requireTestModel(this);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-params-"));
    server = await startTestServer({ settings: { model, threads: 1, contextSize: 1024, modelsDir: tempDir }, env: { PINCER_CACHE_DIR: tempDir }, workspaceFolders: [tempDir] });
    await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  for (const [method, params, field] of BAD_PARAMS) {
    it(`${method} ${JSON.stringify(params)} → InvalidParams naming ${field}`, async () => {
      // A server that started the work instead would not answer in time (maxTokens 0 never ended).
      const answer = server.connection.sendRequest(method, params);
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`${method} did not answer within 10 s`)), 10_000).unref());
      await assert.rejects(Promise.race([answer, timeout]), (error: ResponseError<unknown>) => {
        assert.equal(error.code, INVALID_PARAMS, error.message);
        assert.ok(error.message.includes(field), `"${error.message}" names ${field}`);
        return true;
      });
    });
  }

  it("a valid chat still answers after all of them", async () => {
    const result: ChatResult = await server.connection.sendRequest(ChatRequest, { id: "ok", message: "hello", maxTokens: 4 });
    assert.ok(["eos", "maxTokens"].includes(result.stopReason));
  });

  it("a chat cancelled while it waits behind another answers RequestCancelled", async () => {
    const first = new CancellationTokenSource();
    const second = new CancellationTokenSource();
    let queued: Promise<unknown> | undefined;
    let chunks = 0;
    // The second chat is sent once the first streams, and both are cancelled while it still does:
    // the server reads the second's cancel first, so the second is still waiting for the sequence.
    const listener = server.connection.onNotification(ChatChunkNotification, (p: ChatChunkParams) => {
      if (p.id !== "first") return;
      chunks++;
      if (chunks === 1) {
        queued = server.connection.sendRequest(ChatRequest, { id: "second", message: "and another", maxTokens: 4 }, second.token);
        queued.catch(() => undefined); // asserted below
      }
      if (chunks === 4) {
        second.cancel();
        first.cancel();
      }
    });
    try {
      const running: ChatResult = await server.connection.sendRequest(ChatRequest, { id: "first", message: "tell a long story", maxTokens: 400 }, first.token);
      assert.equal(running.stopReason, "cancelled");
      await assert.rejects(queued!, (error: ResponseError<unknown>) => {
        assert.equal(error.code, REQUEST_CANCELLED, `${error.code} ${error.message}`);
        return true;
      });
    } finally {
      listener.dispose();
    }
  });
});
