// Two invariants over a real connection: a request ends when the client cancels it, wherever it is
// waiting (the token meter's OCR of an attached document included), and an error reaches the client
// as its message with the code of its kind, never wrapped as "Request … failed with message".
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CancellationTokenSource, type ResponseError } from "vscode-languageserver-protocol/node";
import { AgentTranscriptRequest, AgentUndoRequest, ChatContextRequest, ChatHistoryListRequest } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { makePdf, renderLines } from "../support/ocr-images";
import { requireTestModel } from "../support/test-model";

const INVALID_PARAMS = -32602;
const INVALID_REQUEST = -32600;
const REQUEST_CANCELLED = -32800;

describe("errors and cancellation over LSP", function () {
  this.timeout(120_000);
  let server: TestServer;
  let workspace: string;

  before(async function () {
    const model = requireTestModel(this);
    workspace = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cancel-")));
    const pages = Array.from({ length: 6 }, () => ({ scan: renderLines(Array.from({ length: 25 }, (_, i) => `Scanned line ${i} with enough words to keep OCR busy`), { size: 28 }) }));
    await fs.writeFile(path.join(workspace, "long.pdf"), await makePdf(pages));
    server = await startTestServer({ settings: { model, threads: 1, contextSize: 1024 }, env: { PINCER_CACHE_DIR: `${workspace}-cache` }, workspaceFolders: [workspace] });
    await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
  });

  after(async () => {
    await server?.stop();
    for (const dir of [workspace, `${workspace}-cache`]) if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("the token meter's request is cancelled while it OCRs an attached document", async () => {
    const source = new CancellationTokenSource();
    const started = performance.now();
    const meter = server.connection.sendRequest(
      ChatContextRequest,
      { message: "what does it say?", attachments: [{ kind: "document", label: "long.pdf", text: "", path: path.join(workspace, "long.pdf") }] },
      source.token,
    );
    setTimeout(() => source.cancel(), 300);
    await assert.rejects(meter, (error: ResponseError<unknown>) => {
      assert.equal(error.code, REQUEST_CANCELLED, `${error.code} ${error.message}`);
      return true;
    });
    assert.ok(performance.now() - started < 10_000, "it ended with the cancel, not after six pages of OCR");
  });

  it("an error is answered with its own message and the code of its kind", async () => {
    await assert.rejects(server.connection.sendRequest(AgentTranscriptRequest, { runId: "nope" }), (error: ResponseError<unknown>) => {
      assert.equal(error.code, INVALID_PARAMS);
      assert.equal(error.message, "No transcript for run nope (transcripts are kept while the server runs).");
      return true;
    });
    await assert.rejects(server.connection.sendRequest(ChatHistoryListRequest, {}), (error: ResponseError<unknown>) => {
      assert.equal(error.code, INVALID_REQUEST, "the history is not open yet: a state, not a bad request");
      assert.doesNotMatch(error.message, /^Request .* failed with message/);
      return true;
    });
    await assert.rejects(server.connection.sendRequest(AgentUndoRequest, { runId: "nope" }), (error: ResponseError<unknown>) => {
      assert.equal(error.code, INVALID_PARAMS);
      assert.match(error.message, /^No checkpoints for run nope in this workspace\./);
      return true;
    });
  });
});
