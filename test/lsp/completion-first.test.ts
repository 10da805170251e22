// The first suggestion at a new place, over a real LSP connection (issue 14): it is answered from a
// layout no larger than the time budget allows; the full layout grows in the background (the server
// logs it), and the next request there uses the grown layout without laying out again; a cursor
// move sent by the client (pincer/completion/cursor) warms a place before its first request.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { InlineCompletionRequest } from "vscode-languageserver-protocol";
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { writeSyntheticModel } from "../support/synthetic-model";
import { CompletionCursorNotification, CompletionStatsRequest, type CompletionStat, type CompletionStatsResult } from "../../server/src/protocol";
import { MIN_PROMPT_TOKENS } from "../../server/src/completion/time-budget";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

const SOURCE = Array.from({ length: 150 }, (_, i) => `function helper${i}(value: number): number {\n  return value * ${i};\n}\n`).join("\n");

/** 0-based line and character of the text after `needle`'s "return ". */
function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle) + "return ".length;
  const before = text.slice(0, offset);
  return { line: before.split("\n").length - 1, character: offset - before.lastIndexOf("\n") - 1 };
}

describe("first suggestion at a new place over LSP", function () {
  this.timeout(180_000);
  let server: TestServer;
  let tempDir: string;
  let uri: string;
  let version = 1;

  before(async function () {
    const source = requireTestModel(this);
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-first-lsp-")));
    const model = (await writeSyntheticModel({ tokenizerModel: source, preset: "tiny", fim: true, out: path.join(tempDir, "fim.gguf") })).path;
    server = await startTestServer({
      // A 1 ms budget: whatever the machine's speed, the first layout is the smallest one.
      settings: { model, threads: 1, contextSize: 2048, modelsDir: tempDir, completion: { enabled: true, maxTokens: 8, maxLines: 1, debounceMs: 0, model: "", firstSuggestionMs: 1, contextSize: "auto" } },
      env: { PINCER_CACHE_DIR: tempDir },
      workspaceFolders: [tempDir],
    });
    await server.waitForStatus((s) => s.state === "ready", "ready", 120_000);
    const file = path.join(tempDir, "a.ts");
    await fs.writeFile(file, SOURCE);
    uri = pathToFileURL(file).href;
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version, text: SOURCE } });
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  async function complete(position: { line: number; character: number }): Promise<CompletionStat> {
    await server.connection.sendRequest(CompletionStatsRequest, {});
    await server.connection.sendRequest(InlineCompletionRequest.type, { textDocument: { uri }, position, context: { triggerKind: 1 } });
    const { stats } = (await server.connection.sendRequest(CompletionStatsRequest, {})) as CompletionStatsResult;
    assert.equal(stats.length, 1);
    return stats[0]!;
  }

  it("answers within the budgeted layout size, and a later request there uses the grown layout", async () => {
    const place = positionOf(SOURCE, "return value * 100;");
    const grown = server.waitForLog(/Completion prompt grown to its full size at .*a\.ts: (\d+) tokens/, 60_000);
    const first = await complete(place);
    assert.equal(first.relayout, true);
    assert.equal(first.layoutKind, "quick");
    assert.equal(first.budgetTokens, MIN_PROMPT_TOKENS);
    assert.ok(first.evaluatedPromptTokens <= MIN_PROMPT_TOKENS, `evaluated ${first.evaluatedPromptTokens} ≤ ${MIN_PROMPT_TOKENS}`);

    const grownTokens = Number(/: (\d+) tokens/.exec(await grown)![1]);
    assert.ok(grownTokens > 4 * (first.layoutTokens ?? 0), `grown ${grownTokens}, first ${first.layoutTokens}`);

    // One character typed there, as VS Code sends it: the grown layout answers. ("v" before "value":
    // the edit alone cannot say which "v" is new; reading it one character late lost the growth.)
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: place, end: place }, text: "v" }],
    });
    const next = await complete({ line: place.line, character: place.character + 1 });
    assert.equal(next.relayout, false, `no second layout: ${JSON.stringify(next)}`);
    assert.equal(next.layoutKind, "full", JSON.stringify(next));
    assert.equal(next.layoutTokens, grownTokens);
    assert.ok(next.evaluatedPromptTokens <= 4, `evaluated ${next.evaluatedPromptTokens}`);
  });

  it("warms the place the client says the cursor moved to, before the first request there", async () => {
    const text = SOURCE.slice(0, SOURCE.indexOf("return value * 100;") + "return ".length) + "v" + SOURCE.slice(SOURCE.indexOf("return value * 100;") + "return ".length);
    const place = positionOf(text, "return value * 30;");
    const warmed = server.waitForLog(/Completion prompt warmed before a request at .*a\.ts/, 60_000);
    await server.connection.sendNotification(CompletionCursorNotification, { textDocument: { uri }, position: place });
    await warmed;
    const first = await complete(place);
    assert.equal(first.relayout, false, "the warmed layout answers the first request there");
    assert.equal(first.layoutKind, "full");
    assert.ok(first.evaluatedPromptTokens <= 2, `evaluated ${first.evaluatedPromptTokens}`);
  });

  it("drops a malformed cursor notification and keeps serving", async () => {
    await server.connection.sendNotification(CompletionCursorNotification, { textDocument: { uri }, position: { line: -1, character: 0 } });
    await server.waitForLog(/Ignored a malformed notification: pincer\/completion\/cursor: position.line/);
    const after = await complete(positionOf(SOURCE, "return value * 31;"));
    assert.equal(after.cancelled, false);
  });
});
