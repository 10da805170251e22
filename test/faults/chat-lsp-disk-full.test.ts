// The person's view of a full disk in the chat: the pincer/chat request fails with a message the
// chat shows as it is (RequestFailed, no "Request ... failed with message" wrapper), the error
// names the conversation so the next message joins it, and the server keeps serving.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ResponseError } from "vscode-languageserver-protocol/node";
import { ChatHistoryGetRequest, ChatRequest, ChatStoreRequest, type ChatErrorData, type ChatResult, type Conversation } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";
import { mountSmallDisk, type SmallDisk } from "./tmpfs";

const REQUEST_FAILED = -32803;

describe("faults: the chat over LSP on a full disk", function () {
  this.timeout(120_000);
  let tmpfs: SmallDisk | undefined;
  let server: TestServer | undefined;

  before(async function () {
    const model = requireTestModel(this);
    tmpfs = mountSmallDisk(256 * 1024);
    if (!tmpfs) {
      console.log("    (skipped: the server is a separate process, out of reach of the injected layer; needs a tmpfs)");
      return this.skip();
    }
    server = await startTestServer({ settings: { model, threads: 1, contextSize: 1024, modelsDir: tmpfs.dir }, env: { PINCER_CACHE_DIR: path.join(tmpfs.dir, "cache") } });
    await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    await server.connection.sendRequest(ChatStoreRequest, { dir: path.join(tmpfs.dir, "history"), key: randomBytes(32).toString("base64") });
  });
  after(async () => {
    await server?.stop();
    tmpfs?.unmount();
  });

  it("fails the turn with a clear message and the conversation's id; the next turn, with space, joins it", async () => {
    const first = (await server!.connection.sendRequest(ChatRequest, { id: "1", message: "hello", maxTokens: 4 })) as ChatResult;
    const filler = await tmpfs!.fill();
    await assert.rejects(
      server!.connection.sendRequest(ChatRequest, { id: "2", message: "a long question ".repeat(300), conversationId: first.conversationId, maxTokens: 4 }),
      (error: ResponseError<ChatErrorData>) => {
        assert.equal(error.code, REQUEST_FAILED);
        assert.match(error.message, /^Your message was not sent: the chat history could not be saved \(no space left on the disk\)\. Earlier messages are kept/);
        assert.equal(error.data?.conversationId, first.conversationId);
        return true;
      },
    );
    await fs.rm(filler);
    const again = (await server!.connection.sendRequest(ChatRequest, { id: "3", message: "again", conversationId: first.conversationId, maxTokens: 4 })) as ChatResult;
    assert.equal(again.conversationId, first.conversationId);
    const stored = (await server!.connection.sendRequest(ChatHistoryGetRequest, { id: first.conversationId! })) as Conversation;
    assert.deepEqual(stored.messages.map((m) => m.text), ["hello", first.text, "again", again.text]);
  });
});
