// pincer/codebase/* over a real LSP connection: the server indexes its workspace folder in the
// background (storage in the cache folder, never the workspace), re-indexes on request, answers
// searches, reports status, and checks parameters.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ChatContextRequest, CodebaseReindexRequest, DEFAULT_SETTINGS, type ContextReport, CodebaseSearchRequest, CodebaseStatusNotification, type CodebaseSearchResponse, type IndexStatus } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { TEST_MODEL_PATH, requireTestModel, testModelAvailable } from "../support/test-model";

describe("LSP pincer/codebase", function () {
  this.timeout(90_000);
  let server: TestServer;
  let workspace: string;
  const statuses: IndexStatus[] = [];

  before(async () => {
    workspace = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-lsp-codebase-")));
    await fs.writeFile(path.join(workspace, "billing.ts"), "/** Sends the monthly invoice email. */\nexport function sendInvoiceEmail(customer: string) {\n  return mailer.send(customer);\n}\n");
    // The tiny model (when present) lets the chat's token meter count an @codebase attachment.
    const model = testModelAvailable() ? { model: TEST_MODEL_PATH, threads: 1, contextSize: 1024 } : {};
    server = await startTestServer({ settings: { ...model, index: { ...DEFAULT_SETTINGS.index, enabled: true } }, env: { PINCER_CACHE_DIR: `${workspace}-cache` }, workspaceFolders: [workspace] });
    server.connection.onNotification(CodebaseStatusNotification, (status: IndexStatus) => {
      statuses.push(status);
    });
  });

  after(async () => {
    await server?.stop();
    for (const dir of [workspace, `${workspace}-cache`]) if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("re-indexes on request and finds a function by what it does; the index is outside the workspace", async () => {
    const status = await server.connection.sendRequest(CodebaseReindexRequest, {});
    assert.equal(status.state, "idle");
    assert.equal(status.files, 1);
    const result = await server.connection.sendRequest(CodebaseSearchRequest, { query: "monthly invoice email", limit: 5 });
    assert.equal(result.mode, "lexical");
    assert.deepEqual([result.hits[0]?.path, result.hits[0]?.symbols], ["billing.ts", ["sendInvoiceEmail"]]);
    assert.ok(statuses.some((s) => s.state === "indexing"), "status notifications report the work");
    assert.deepEqual(await fs.readdir(workspace), ["billing.ts"], "nothing written into the workspace");
    assert.ok((await fs.readdir(path.join(`${workspace}-cache`, "codebase"))).length === 1);
  });

  it("a file created after start-up is indexed through the client's file watcher", async () => {
    const file = path.join(workspace, "shipping.ts");
    await fs.writeFile(file, "export function scheduleParcelPickup() {}\n");
    const indexed = new Promise<void>((resolve) => {
      server.connection.onNotification(CodebaseStatusNotification, (status: IndexStatus) => {
        statuses.push(status);
        if (status.state === "idle" && status.files === 2) resolve();
      });
    });
    await server.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
    await indexed;
    const result = await server.connection.sendRequest(CodebaseSearchRequest, { query: "parcel pickup" });
    assert.equal(result.hits[0]?.path, "shipping.ts");
  });

  it("an @codebase attachment (top chunks with their paths) is counted in the chat's token meter", async function () {
    requireTestModel(this);
    await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    const result = await server.connection.sendRequest(CodebaseSearchRequest, { query: "invoice email", limit: 8 });
    // The chip's text as the client's @ picker builds it (client/src/chat/context-picker.ts).
    const text = result.hits.map((h) => `${h.path}:${h.startLine}-${h.endLine}\n${h.text}`).join("\n\n");
    const report = await server.connection.sendRequest(ChatContextRequest, { message: "Explain", attachments: [{ kind: "codebase", label: "@codebase: invoice email", text }] });
    const item = report.items.find((i) => i.label === "@codebase: invoice email");
    assert.ok(item && item.included && item.tokens > 10, JSON.stringify(report.items));
  });

  it("bad parameters are InvalidParams", async () => {
    await assert.rejects(server.connection.sendRequest(CodebaseSearchRequest, { query: "" }), (error: { code?: number }) => error.code === -32602);
    await assert.rejects(server.connection.sendRequest(CodebaseSearchRequest, { query: "x", limit: 500 }), (error: { code?: number }) => error.code === -32602);
  });
});
