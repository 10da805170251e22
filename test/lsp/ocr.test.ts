// pincer/ocrDocument over a real LSP connection: Markdown back with workDoneProgress, the cache,
// $/cancelRequest, workspace confinement, and a bad file that leaves the server serving.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource, WorkDoneProgress } from "vscode-languageserver-protocol/node";
import { OcrDocumentRequest, type OcrDocumentParams, type OcrDocumentResult } from "../../server/src/protocol";
import { makePdf, renderLines } from "../support/ocr-images";
import { startTestServer, type TestServer } from "../support/lsp-client";

describe("LSP pincer/ocrDocument", function () {
  this.timeout(90_000);
  let server: TestServer;
  let workspace: string;
  let outside: string;

  before(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-lsp-ocr-"));
    outside = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-lsp-ocr-out-"));
    await fs.writeFile(path.join(workspace, "receipt.png"), renderLines(["Receipt 2026 total 18.40"]));
    await fs.writeFile(path.join(workspace, "broken.pdf"), "%PDF-1.7\nnot really a pdf");
    await fs.writeFile(path.join(outside, "other.png"), renderLines(["Outside"]));
    const pages = Array.from({ length: 6 }, () => ({ scan: renderLines(Array.from({ length: 25 }, (_, i) => `Scanned line ${i} with enough words to keep OCR busy`), { size: 28 }) }));
    await fs.writeFile(path.join(workspace, "long.pdf"), await makePdf(pages));
    server = await startTestServer({ settings: {}, env: { PINCER_CACHE_DIR: workspace + "-cache" }, workspaceFolders: [workspace] });
  });

  after(async () => {
    await server?.stop();
    for (const dir of [workspace, outside, workspace + "-cache"]) if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const request = (file: string, source?: CancellationTokenSource, workDoneToken?: string) => {
    const params: OcrDocumentParams = { uri: pathToFileURL(file).href, workDoneToken };
    // An explicit undefined token would travel as a second parameter.
    return source
      ? server.connection.sendRequest(OcrDocumentRequest, params, source.token)
      : server.connection.sendRequest(OcrDocumentRequest, params);
  };

  it("OCRs a workspace image with workDoneProgress, then answers again from the cache", async () => {
    const reports: unknown[] = [];
    const listener = server.connection.onProgress(WorkDoneProgress.type, "ocr-1", (value) => {
      reports.push(value);
    });
    const first = await request(path.join(workspace, "receipt.png"), undefined, "ocr-1");
    listener.dispose();
    assert.match(first.markdown, /Receipt 2026 total 18\.40/);
    assert.equal(first.kind, "png");
    assert.equal(first.cached, false);
    assert.ok(reports.some((r) => (r as { kind: string }).kind === "begin"));
    assert.ok(reports.some((r) => (r as { kind: string }).kind === "end"));
    const second = await request(path.join(workspace, "receipt.png"));
    assert.equal(second.cached, true);
    assert.equal(second.markdown, first.markdown);
  });

  it("cancels a long job on $/cancelRequest and keeps serving", async () => {
    const source = new CancellationTokenSource();
    const job = request(path.join(workspace, "long.pdf"), source, "ocr-2");
    const listener = server.connection.onProgress(WorkDoneProgress.type, "ocr-2", (value) => {
      if ((value as { percentage?: number }).percentage !== undefined && (value as { percentage: number }).percentage > 0) source.cancel();
    });
    await assert.rejects(job, /cancel/i);
    listener.dispose();
    const after = await request(path.join(workspace, "receipt.png"));
    assert.match(after.markdown, /Receipt/);
  });

  it("refuses a file outside the workspace", async () => {
    await assert.rejects(request(path.join(outside, "other.png")), /Cannot OCR this file/);
  });

  it("answers a corrupt PDF with a clear error and keeps serving", async () => {
    await assert.rejects(request(path.join(workspace, "broken.pdf")), /PDF/);
    assert.equal(server.process.exitCode, null);
    assert.match((await request(path.join(workspace, "receipt.png"))).markdown, /Receipt/);
  });
});
