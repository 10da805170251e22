// pincer/nextEdit/suggest over a real LSP connection on the tiny random model: the edit history
// follows didOpen/didChange, the request runs on the main model's own next-edit sequence with the
// format the setting names, the KV cache keeps the prompt between requests, and malformed or
// cancelled requests are answered as such. What the random model suggests is noise: quality is
// bench/next-edit's.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CancellationTokenSource, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { NextEditRequest, type NextEditResponse } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

const uri = "file:///virtual/area.ts";
const v1 = "export function area(w: number, h: number) {\n  const a = w * h;\n  return a;\n}\n";
const v2 = v1.replace("area(w:", "area(width:");

/** Before the suite, a temp folder and the server `start` makes in it; after the suite, both go. */
function serverPerSuite(prefix: string, start: (tempDir: string, context: Mocha.Context) => Promise<TestServer>): { readonly server: TestServer } {
  let server: TestServer | undefined;
  let tempDir: string | undefined;
  before(async function () {
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    server = await start(tempDir, this);
  });
  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });
  return {
    get server() {
      if (!server) throw new Error("the server is not started");
      return server;
    },
  };
}

describe("LSP next-edit suggestions", function () {
  this.timeout(60_000);
  const suite = serverPerSuite("pincer-nes-", async (tempDir, context) => {
    const model = requireTestModel(context);
    const server = await startTestServer({
      settings: { model, threads: 1, contextSize: 2048, modelsDir: tempDir, nextEdit: { enabled: true, model: "", format: "zeta", debounceMs: 0, maxTokens: 16 } },
      env: { PINCER_CACHE_DIR: tempDir },
    });
    await server.waitForStatus((s) => s.state === "ready", "ready");
    return server;
  });

  it("asks nothing before the document was edited", async () => {
    await suite.server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text: v1 } });
    const result: NextEditResponse = await suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: 0, character: 26 } });
    assert.equal(result.reason, "no-edits");
    assert.equal(result.edit, undefined);
  });

  it("after an edit, runs the Zeta prompt and keeps it in the KV cache for the next request", async () => {
    await suite.server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: v2 }] });
    const first: NextEditResponse = await suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: 0, character: 26 } });
    assert.equal(first.cancelled, false);
    assert.equal(first.version, 2);
    assert.equal(first.stats?.family, "zeta");
    assert.ok(first.stats!.promptTokens > 50 && first.stats!.evaluatedPromptTokens > 50, JSON.stringify(first.stats));
    const second: NextEditResponse = await suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: 0, character: 26 } });
    assert.ok(second.stats!.evaluatedPromptTokens <= 1, JSON.stringify(second.stats));
    if (first.edit) assert.equal(typeof first.edit.newText, "string");
  });

  it("answers a cancelled request as cancelled, and refuses malformed ones", async () => {
    const source = new CancellationTokenSource();
    source.cancel();
    const cancelled = await suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: 1, character: 2 } }, source.token).then(
      (r: NextEditResponse) => r.cancelled,
      () => true, // or the request was rejected as cancelled before it ran
    );
    assert.equal(cancelled, true);
    await assert.rejects(suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: -1, character: 0 } } as never), /position/);
  });
});

// The PINCER_NEXT_EDIT_SCRIPT seam over LSP: no model is loaded, the script answers in place of one,
// and the edit that comes back went through the server's real history, window, prompt and parser.
describe("LSP next-edit suggestions, scripted (PINCER_NEXT_EDIT_SCRIPT)", function () {
  this.timeout(60_000);
  const suite = serverPerSuite("pincer-nes-script-", async (tempDir) => {
    const script = path.join(tempDir, "script.json");
    await fs.writeFile(script, JSON.stringify([{ search: "w * h", replace: "width * h" }]));
    return startTestServer({
      settings: { model: "", modelsDir: tempDir, nextEdit: { enabled: true, model: "", format: "zeta", debounceMs: 0, maxTokens: 64 } },
      env: { PINCER_CACHE_DIR: tempDir, PINCER_NEXT_EDIT_SCRIPT: script },
    });
  });

  it("after a parameter rename, suggests the rename at its use; once taken, nothing more", async () => {
    await suite.server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text: v1 } });
    await suite.server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: v2 }] });
    const result: NextEditResponse = await suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: 0, character: 26 } });
    assert.equal(result.cancelled, false);
    assert.equal(result.version, 2);
    assert.equal(result.stats?.family, "zeta");
    assert.deepEqual(result.edit, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 18 } }, newText: "  const a = width * h;" });
    const v3 = v2.replace("w * h", "width * h");
    await suite.server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: v3 }] });
    const after: NextEditResponse = await suite.server.connection.sendRequest(NextEditRequest, { textDocument: { uri }, position: { line: 1, character: 21 } });
    assert.equal(after.edit, undefined);
    assert.equal(after.reason, "no-change");
  });
});
