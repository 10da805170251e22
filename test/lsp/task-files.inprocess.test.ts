// Task files over an LSP connection to the server's handlers in this process (no build, no spawn):
// diagnostics placed on the offending text, completion of keys and placeholders, hover docs, and the
// pincer/tasks/list + pincer/tasks/render requests over the fixture workspace (test/fixtures/tasks,
// the README's two example tasks). No model is needed.
import assert from "node:assert/strict";
import path from "node:path";
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, type PublishDiagnosticsParams } from "vscode-languageserver-protocol/node";
import { CompletionRequest, HoverRequest, type CompletionItem, type Hover, type MarkupContent } from "vscode-languageserver-protocol";
import { ListTasksRequest, RenderTaskRequest, type ListTasksResult, type RenderTaskResult } from "../../server/src/protocol";
import { DIAGNOSTICS_DELAY_MS } from "../../server/src/lsp/task-files";
import { startInProcessServer } from "../support/in-process-server";
import type { TestClient } from "../support/lsp-client";
import { repoRoot } from "../support/test-model";

const WORKSPACE = path.join(repoRoot, "test", "fixtures", "tasks");
const URI = "file:///virtual/review.pincer.md";
const TEXT = "---\nname: Review\ncolour: blue\ninputs:\n  - focus\n---\nReview {{selection}} for {{input:focus}} and {{input:missing}} and {{nope}}.\n";

describe("task files over LSP", function () {
  let server: TestClient;
  const published: PublishDiagnosticsParams[] = [];

  before(async () => {
    server = await startInProcessServer({ settings: {}, workspaceFolders: [WORKSPACE] });
    server.connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => void published.push(p));
  });
  after(async () => server?.stop());

  async function diagnosticsFor(uri: string, version: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = published.find((p) => p.uri === uri && p.version === version);
      if (found) return found.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} v${version}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const slice = (text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
    const lines = text.split("\n");
    assert.equal(range.start.line, range.end.line, "single-line ranges here");
    return lines[range.start.line]!.slice(range.start.character, range.end.character);
  };

  it("publishes diagnostics for unknown keys and placeholders, and updates them on change", async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: "pincer-task", version: 1, text: TEXT } });
    const diagnostics = await diagnosticsFor(URI, 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, slice(TEXT, d.range)]),
      [
        [2, "colour"],
        [1, "{{input:missing}}"],
        [1, "{{nope}}"],
      ],
    );
    assert.match(diagnostics[1]!.message as string, /No input named "missing"/);
    const fixed = TEXT.replace("colour: blue\n", "").replace(" and {{input:missing}} and {{nope}}", "");
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual(await diagnosticsFor(URI, 2), []);
  });

  it("completes keys not used yet in the front matter, and placeholders with declared inputs after {{", async () => {
    const uri = "file:///virtual/complete.pincer.md";
    const text = "---\nname: X\ninputs: [who]\nd\n---\nHello {{\n";
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "pincer-task", version: 1, text } });
    const keys = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 3, character: 1 } })) as CompletionItem[];
    assert.deepEqual(keys.map((k) => k.label).sort(), ["context", "description", "edit"], "name and inputs are already there");
    const placeholders = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 5, character: 8 } })) as CompletionItem[];
    assert.deepEqual(placeholders.map((p) => p.label), ["{{selection}}", "{{file}}", "{{input:who}}"]);
    const edit = placeholders[2]!.textEdit as { newText: string; range: { start: { character: number } } };
    assert.equal(edit.newText, "input:who}}");
    assert.equal(edit.range.start.character, 8);
  });

  it("answers nothing for completion in ordinary files", async () => {
    const uri = "file:///virtual/plain.ts";
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text: "const a = {{\n" } });
    assert.equal(await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: 12 } }), null);
  });

  it("shows hover docs for keys and placeholders (on the fixed text from the first test)", async () => {
    const keyHover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 2, character: 2 } })) as Hover;
    assert.match((keyHover.contents as MarkupContent).value, /\*\*inputs\*\*/);
    const placeholderHover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 5, character: 12 } })) as Hover;
    assert.match((placeholderHover.contents as MarkupContent).value, /\{\{selection\}\}/);
    assert.equal(await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 5, character: 1 } }), null);
  });

  it("lists the workspace's tasks and renders a read-only task's prompt from the open document", async () => {
    const list: ListTasksResult = await server.connection.sendRequest(ListTasksRequest, {});
    assert.deepEqual(list.tasks.map((t) => [t.id, t.name, t.edit]), [
      ["add-logging", "Add logging", true],
      ["explain-for-newcomer", "Explain for a newcomer", false],
    ]);
    assert.deepEqual(list.broken, []);
    const uri = "file:///virtual/code.ts";
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text: "const answer = 42;\nexport {};\n" } });
    const rendered: RenderTaskResult = await server.connection.sendRequest(RenderTaskRequest, {
      taskId: "explain-for-newcomer",
      inputs: { audience: "a reviewer" },
      uri,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 18 } },
    });
    assert.match(rendered.prompt, /^Explain the following code to a reviewer\./);
    assert.ok(rendered.prompt.endsWith("const answer = 42;"));
    await assert.rejects(server.connection.sendRequest(RenderTaskRequest, { taskId: "add-logging", inputs: {} }), /needs a value for: level/);
    await assert.rejects(server.connection.sendRequest(RenderTaskRequest, { taskId: "no-such-task", inputs: {} }), /No task "no-such-task"/);
  });
});

describe("task files over LSP: shutdown", function () {
  it("publishes nothing after shutdown, even with diagnostics pending (the connection is gone)", async () => {
    const server = await startInProcessServer({ settings: {}, workspaceFolders: [WORKSPACE] });
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: "pincer-task", version: 1, text: TEXT } });
    // The open is handled once a request after it is answered; then diagnostics are pending.
    await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: 1, character: 1 } });
    await server.stop();
    // A pending publish would throw "Connection is disposed" from its timer: an uncaught error fails this test.
    // This waits for the timer that must not fire: there is no event for something that does not happen.
    await new Promise((resolve) => setTimeout(resolve, DIAGNOSTICS_DELAY_MS * 3));
  });
});
