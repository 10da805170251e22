// Memory in the server's status over a real LSP connection (issue 23): after the load no feature's
// window exists; an inline completion creates completion's window only (two sequences of its own,
// smaller size), and the status the client's tooltip draws from says so, expected and measured.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { InlineCompletionRequest } from "vscode-languageserver-protocol";
import { DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { DEFAULT_SETTINGS } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { writeSyntheticModel } from "../support/synthetic-model";
import { requireTestModel } from "../support/test-model";

const SOURCE = Array.from({ length: 40 }, (_, i) => `function helper${i}(value: number): number {\n  return value * ${i};\n}\n`).join("\n");

describe("memory in the status over LSP", function () {
  this.timeout(180_000);
  let server: TestServer;
  let tempDir: string;

  before(async function () {
    const source = requireTestModel(this);
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-memory-lsp-")));
    const model = (await writeSyntheticModel({ tokenizerModel: source, preset: "tiny", fim: true, out: path.join(tempDir, "fim.gguf") })).path;
    server = await startTestServer({
      settings: { model, threads: 1, contextSize: 2048, modelsDir: tempDir, completion: { ...DEFAULT_SETTINGS.completion, debounceMs: 0, maxTokens: 4, contextSize: 1024 } },
      env: { PINCER_CACHE_DIR: tempDir },
      workspaceFolders: [tempDir],
    });
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("reports each feature's window: none after the load, completion's alone after a completion", async () => {
    const ready = await server.waitForStatus((s) => s.state === "ready", "ready", 120_000);
    assert.ok(ready.memory, "the ready status carries the memory report");
    assert.deepEqual(
      ready.memory.contexts.map((c) => [c.feature, c.contextSize, c.sequences, c.live]),
      [["completion", 1024, 2, false], ["chat", 2048, 1, false], ["agent", 2048, 1, false]],
    );
    assert.ok(ready.memory.modelExpectedBytes > 0 && ready.memory.processRssBytes > 0);

    const file = path.join(tempDir, "a.ts");
    await fs.writeFile(file, SOURCE);
    const uri = pathToFileURL(file).href;
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text: SOURCE } });
    const created = server.waitForStatus((s) => s.memory?.contexts.some((c) => c.live) === true, "a window created", 60_000);
    await server.connection.sendRequest(InlineCompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 9 }, context: { triggerKind: 1 } });
    const status = await created;
    assert.deepEqual(status.memory!.contexts.filter((c) => c.live).map((c) => c.feature), ["completion"]);
    // The lines the tooltip shows come with the status, in the client's language (English here: no locale).
    const lines = status.memoryLines!;
    assert.match(lines[0]!, /^Memory: \d+ MB resident now$/);
    assert.match(lines.join("\n"), /completion window \(2 × 1024 tokens, f16 KV cache\): expected \d+ MB, measured \d+ MB/);
    assert.match(lines.join("\n"), /chat window \(2048 tokens, f16 KV cache\): expected \d+ MB, not created yet/);
  });
});
