// Code actions over a real LSP connection with the real tiny model. The model's text is random, so
// these tests prove the plumbing, not the quality: the right actions are offered (and edits are not
// offered in Restricted Mode); a proposal replaces exactly the selection with the code taken out of
// whatever the model answered; nothing is applied until the client sends the accepted edit back, and
// then it arrives as workspace/applyEdit with exactly that edit; edit tasks and git commands run.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  type ApplyWorkspaceEditParams,
  type CodeAction,
} from "vscode-languageserver-protocol/node";
import { extractCode } from "../../server/src/actions/extract-code";
import { CommitMessageRequest, type CodeActionArgs, type GenerateEditResult, type GitTextResult } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { repoRoot, requireTestModel } from "../support/test-model";
import { hasGit } from "../support/git";

const TASKS_WORKSPACE = path.join(repoRoot, "test", "fixtures", "tasks");
const URI = "file:///virtual/math.ts";
const TEXT = "export function add(a: number, b: number) {\n  return a + b;\n}\n\nexport const zero = 0;\n";
const SELECTION = { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }; // the whole function, with its newline

describe("code actions over LSP (real tiny model)", function () {
  this.timeout(120_000);
  let server: TestServer;
  let tempDir: string;
  let repo: string;
  const applyRequests: ApplyWorkspaceEditParams[] = [];

  before(async function () {
    const model = requireTestModel(this);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-actions-"));
    repo = path.join(tempDir, "repo");
    await fs.mkdir(repo);
    server = await startTestServer({
      settings: { model, threads: 1, contextSize: 1024, modelsDir: tempDir },
      env: { PINCER_CACHE_DIR: tempDir },
      workspaceFolders: [TASKS_WORKSPACE, repo],
    });
    server.connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      applyRequests.push(params);
      return { applied: true };
    });
    await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: "typescript", version: 3, text: TEXT } });
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  const actionsFor = (range: typeof SELECTION, diagnostics: unknown[] = [], only?: string[]) =>
    server.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range, context: { diagnostics: diagnostics as never, only } }) as Promise<CodeAction[]>;

  it("offers Explain, documentation, tests and Refactor… on a selection, and Fix + Explain at a diagnostic", async () => {
    const onSelection = await actionsFor(SELECTION);
    assert.deepEqual(onSelection.map((a) => [a.title, a.kind]), [
      ["Pincer: Explain", "refactor.pincer.explain"],
      ["Pincer: Add documentation comment", "refactor.rewrite"],
      ["Pincer: Generate tests", "refactor.rewrite"],
      ["Pincer: Refactor…", "refactor.rewrite"],
    ]);
    const args = onSelection[1]!.command!.arguments![0] as CodeActionArgs;
    assert.deepEqual(args, { action: "document", uri: URI, range: SELECTION });
    assert.equal(onSelection[1]!.command!.command, "pincer.codeAction.run");

    const diagnostic = { range: { start: { line: 1, character: 9 }, end: { line: 1, character: 10 } }, message: "Cannot find name 'a'.", severity: 1, source: "ts" };
    const atDiagnostic = await actionsFor(diagnostic.range, [diagnostic], ["quickfix"]);
    assert.deepEqual(atDiagnostic.map((a) => [a.title, a.kind]), [
      ["Pincer: Fix this problem", "quickfix"],
      ["Pincer: Explain", "quickfix"],
    ]);
    assert.equal((atDiagnostic[0]!.command!.arguments![0] as CodeActionArgs).diagnostic?.message, "Cannot find name 'a'.");
    assert.deepEqual(await actionsFor({ start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }), [], "no selection, no diagnostic: nothing to offer");
  });

  it("proposes an edit that replaces exactly the selection with the answer's code, and applies nothing by itself", async () => {
    const result = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: "pincer.codeAction.generate",
      arguments: [{ action: "document", uri: URI, range: SELECTION }],
    })) as GenerateEditResult;
    const code = extractCode(result.answer);
    const expectedText = code.endsWith("\n") ? code : `${code}\n`; // the selection ended with a newline, so the replacement does too
    assert.deepEqual(result.range, SELECTION);
    assert.equal(result.newText, expectedText);
    assert.deepEqual(result.edit, { documentChanges: [{ textDocument: { uri: URI, version: 3 }, edits: [{ range: SELECTION, newText: expectedText }] }] });
    assert.equal(result.proposedText, `${expectedText}\nexport const zero = 0;\n`);
    assert.equal(applyRequests.length, 0, "nothing is applied before the person accepts");

    const applied = await server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.applyEdit", arguments: [result.edit] });
    assert.deepEqual(applied, { applied: true });
    assert.equal(applyRequests.length, 1);
    assert.deepEqual(applyRequests[0]!.edit, result.edit, "the accepted edit arrives unchanged as workspace/applyEdit");
  });

  it("cancelling the progress notification aborts the generation", async () => {
    // Cancel as soon as the server's progress begins: generation stops within a token.
    const listener = server.connection.onNotification("$/progress", (p: { token: string | number; value: { kind: string } }) => {
      if (p.value.kind === "begin") void server.connection.sendNotification("window/workDoneProgress/cancel", { token: p.token });
    });
    try {
      await assert.rejects(
        server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.codeAction.generate", arguments: [{ action: "document", uri: URI, range: SELECTION }] }),
        /Cancelled/,
      );
    } finally {
      listener.dispose();
    }
    assert.equal(applyRequests.length, 1, "still only the one accepted edit from the test before");
  });

  it("says when the selected code is too long for the model's context", async () => {
    const uri = "file:///virtual/huge.ts";
    const text = Array.from({ length: 400 }, (_, i) => `export const value${i} = ${i} * ${i} + ${i};`).join("\n");
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "typescript", version: 1, text } });
    await assert.rejects(
      server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.codeAction.generate", arguments: [{ action: "document", uri, range: { start: { line: 0, character: 0 }, end: { line: 399, character: 0 } } }] }),
      /too long for the model's context \(\d+ of 1024 tokens\)/,
    );
  });

  it("refuses Refactor without an instruction and edits of documents that are not open", async () => {
    await assert.rejects(
      server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.codeAction.generate", arguments: [{ action: "refactor", uri: URI, range: SELECTION }] }),
      /Refactor needs an instruction/,
    );
    const foreign = { documentChanges: [{ textDocument: { uri: "file:///etc/passwd", version: 1 }, edits: [{ range: SELECTION, newText: "x" }] }] };
    await assert.rejects(server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.applyEdit", arguments: [foreign] }), /is not open/);
  });

  it("runs an edit task (edit: true) from .pincer/tasks on the selection", async () => {
    const range = { start: { line: 4, character: 0 }, end: { line: 4, character: 22 } };
    const result = (await server.connection.sendRequest(ExecuteCommandRequest.type, {
      command: "pincer.codeAction.generate",
      arguments: [{ action: "task", taskId: "add-logging", inputs: { level: "debug" }, uri: URI, range }],
    })) as GenerateEditResult;
    assert.deepEqual(result.range, range);
    assert.equal(result.newText, extractCode(result.answer));
    await assert.rejects(
      server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.codeAction.generate", arguments: [{ action: "task", taskId: "explain-for-newcomer", uri: URI, range }] }),
      /does not edit/,
    );
  });

  it("writes a commit message from the staged diff of a workspace folder, and says when nothing is staged", async function () {
    if (!hasGit()) {
      console.warn("    skipped: git is not installed");
      this.skip();
    }
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: repo });
    git("init", "-q");
    await assert.rejects(server.connection.sendRequest(CommitMessageRequest, { folder: repo }), /Nothing is staged/);
    await fs.writeFile(path.join(repo, "notes.txt"), "hello\n");
    git("add", "notes.txt");
    const result: GitTextResult = await server.connection.sendRequest(CommitMessageRequest, { folder: repo });
    assert.equal(typeof result.text, "string");
    assert.equal(result.truncated, false);
    await assert.rejects(server.connection.sendRequest(CommitMessageRequest, { folder: tempDir }), /not an open workspace folder/);
  });
});

describe("code actions in Restricted Mode", function () {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ settings: {}, trusted: false });
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: "typescript", version: 1, text: TEXT } });
  });
  after(async () => server?.stop());

  it("offers Explain only and refuses to generate or apply edits", async () => {
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: URI }, range: SELECTION, context: { diagnostics: [] } })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ["Pincer: Explain"]);
    await assert.rejects(
      server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.codeAction.generate", arguments: [{ action: "document", uri: URI, range: SELECTION }] }),
      /Restricted Mode/,
    );
    await assert.rejects(server.connection.sendRequest(ExecuteCommandRequest.type, { command: "pincer.applyEdit", arguments: [{ documentChanges: [] }] }), /Restricted Mode/);
  });

  it("does not run git (a repository's config can name programs git runs)", async () => {
    await assert.rejects(server.connection.sendRequest(CommitMessageRequest, { folder: process.cwd() }), /Restricted Mode: git is not run/);
  });
});
