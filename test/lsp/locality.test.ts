// The locality invariant seen from outside: the server connects to the network only for a model
// download the user started. A loopback HTTP server stands in for the model hub and counts every
// connection it receives.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { WorkDoneProgress } from "vscode-languageserver-protocol/node";
import { DownloadModelRequest, type DownloadModelResult } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

describe("locality invariant (real server)", function () {
  let model: string;
  let modelBytes: Buffer;
  let hub: http.Server;
  let hubUrl: string;
  let connections = 0;
  let server: TestServer;
  let tempDir: string;

  before(async function () {
    model = requireTestModel(this);
    modelBytes = await fs.readFile(model);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-locality-"));
    hub = http.createServer((req, res) => {
      res.writeHead(200, { "content-length": modelBytes.length, "content-type": "application/octet-stream", "accept-ranges": "bytes" });
      res.end(req.method === "HEAD" ? undefined : modelBytes);
    });
    hub.on("connection", () => connections++);
    await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/models/tiny.gguf`;
  });

  after(async () => {
    await server?.stop();
    if (hub) await new Promise((resolve) => hub.close(resolve));
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("does not fetch a remote model the user has not asked to download", async () => {
    server = await startTestServer({ settings: { model: hubUrl, modelsDir: tempDir, threads: 1 }, env: { PINCER_CACHE_DIR: tempDir } });
    const status = await server.waitForStatus((s) => s.state === "no-model", "no-model for an undownloaded URL");
    assert.match(status.message ?? "", /not downloaded yet/);
    assert.equal(connections, 0, "the server opened no connection");
  });

  it("downloads when the user starts it, with progress and a verified hash, then loads it", async () => {
    const token = "download-1";
    const progress: string[] = [];
    const listener = server.connection.onProgress(WorkDoneProgress.type, token, (value) => {
      progress.push(value.kind);
    });
    const sha256 = createHash("sha256").update(modelBytes).digest("hex");
    const result: DownloadModelResult = await server.connection.sendRequest(DownloadModelRequest, { uri: hubUrl, sha256, workDoneToken: token });
    listener.dispose();
    assert.equal(result.sha256, sha256);
    assert.equal(result.verified, "pinned");
    assert.equal(path.dirname(result.path), tempDir);
    assert.ok(connections > 0, "the download connected");
    assert.equal(progress[0], "begin");
    assert.equal(progress[progress.length - 1], "end");

    // The setting already names this URL, so the server loads it as soon as it is downloaded.
    const ready = await server.waitForStatus((s) => s.state === "ready", "ready after download");
    assert.equal(ready.model, "tiny");
  });
});
