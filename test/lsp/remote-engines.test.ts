// Chat, inline completion and the agent over a real LSP connection, answered by the in-process model
// and by a real llama-server on 127.0.0.1 (pincer.remote.<role>.url), with the same tiny model. The
// remote side also checks consent (nothing connects before pincer/remote/allow), cancellation of the
// HTTP request, and the status bar's "remote: host" (also with no local model, when every role is remote).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CancellationTokenSource } from "vscode-languageserver-protocol/node";
import { DidOpenTextDocumentNotification, InlineCompletionRequest, type InlineCompletionList } from "vscode-languageserver-protocol";
import {
  AgentEventNotification,
  AgentRunRequest,
  ChatChunkNotification,
  ChatRequest,
  CommitMessageRequest,
  CompletionStatsRequest,
  RemoteAllowRequest,
  type AgentEvent,
  type AgentEventParams,
  type ChatChunkParams,
  type ChatResult,
  type CompletionStatsResult,
  type PincerSettings,
} from "../../server/src/protocol";
import { startLlamaServer, requireLlamaServer, type LlamaServer } from "../support/llama-server";
import { hasGit } from "../support/git";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireOrSkip, requireTestModel } from "../support/test-model";

const AGENT = { maxSteps: 2, maxTokens: 200_000, maxWallSeconds: 120, profile: "read-only", toolPermissions: {}, sandbox: "auto" } as const;

async function metric(llama: LlamaServer, name: string): Promise<number> {
  const text = await (await fetch(`${llama.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`llamacpp:${name} `));
  return Number(line?.split(" ")[1] ?? NaN);
}

for (const engine of ["in-process", "llama-server"] as const) {
  describe(`chat, completion and agent over LSP: ${engine}`, function () {
    this.timeout(180_000);
    allowLoopbackClients();
    let server: TestServer;
    let llama: LlamaServer | undefined;
    let tempDir: string;
    let workspace: string;

    before(async function () {
      const model = requireTestModel(this);
      const binary = engine === "llama-server" ? requireLlamaServer(this) : undefined;
      tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `pincer-remote-${engine}-`)));
      workspace = path.join(tempDir, "ws");
      await fs.mkdir(workspace);
      await fs.writeFile(path.join(workspace, "notes.md"), "# Notes\n");
      let settings: Partial<PincerSettings> = { model, threads: 1, contextSize: 2048, modelsDir: tempDir, agent: AGENT };
      if (binary) {
        llama = await startLlamaServer(binary, model, { contextSize: 2048, extraArgs: ["--metrics"] });
        const remote = { url: llama.url, model: "" };
        // No local model: every answer below must come from llama-server.
        settings = { ...settings, model: "", remote: { completion: remote, chat: remote, agent: remote } };
      }
      server = await startTestServer({ settings, env: { PINCER_CACHE_DIR: path.join(tempDir, "cache") }, workspaceFolders: [workspace] });
      if (!binary) await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    });

    after(async () => {
      await server?.stop();
      await llama?.stop();
      if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
    });

    async function chat(id: string, message: string, token?: CancellationTokenSource, onChunk?: () => void): Promise<{ result: ChatResult; chunks: string[] }> {
      const chunks: string[] = [];
      const listener = server.connection.onNotification(ChatChunkNotification, (p: ChatChunkParams) => {
        if (p.id !== id) return;
        chunks.push(p.text);
        onChunk?.();
      });
      try {
        const params = { id, message, maxTokens: 48 };
        const result: ChatResult = token ? await server.connection.sendRequest(ChatRequest, params, token.token) : await server.connection.sendRequest(ChatRequest, params);
        return { result, chunks };
      } finally {
        listener.dispose();
      }
    }

    if (engine === "llama-server") {
      it("connects to nothing before the person confirms the endpoint", async () => {
        // No local model and every role remote: the status bar names the host, not "select a model".
        const unconfirmed = await server.waitForStatus((s) => s.state === "no-model", "no local model");
        assert.deepEqual(unconfirmed.remoteOnly, [`127.0.0.1:${llama!.port}`]);
        assert.equal(unconfirmed.remote, undefined, "not confirmed yet");
        await assert.rejects(chat("unconfirmed", "Say hello"), /has not been allowed to connect to http:\/\/127\.0\.0\.1:\d+/);
        assert.equal(await metric(llama!, "tokens_predicted_total"), 0, "llama-server generated nothing");
        const { origin } = await server.connection.sendRequest(RemoteAllowRequest, { url: llama!.url });
        assert.equal(origin, llama!.url);
        const status = await server.waitForStatus((s) => (s.remote ?? []).length > 0, "remote host in the status");
        assert.deepEqual(status.remote, [`127.0.0.1:${llama!.port}`]);
      });
    }

    it("streams a chat reply", async () => {
      const before = llama ? await metric(llama, "tokens_predicted_total") : 0;
      const { result, chunks } = await chat("stream", "Say hello");
      assert.ok(chunks.length > 1, "several chunks arrived");
      assert.equal(chunks.join(""), result.text);
      assert.ok(["eos", "maxTokens"].includes(result.stopReason));
      if (llama) assert.ok((await metric(llama, "tokens_predicted_total")) > before, "llama-server generated the reply");
    });

    it("cancels a chat reply on $/cancelRequest (the HTTP request is aborted)", async () => {
      const token = new CancellationTokenSource();
      const { result } = await chat("cancel", "Write a long story", token, () => token.cancel());
      assert.equal(result.stopReason, "cancelled");
      if (llama) {
        // The slot is free again: the server stopped generating when the request was aborted.
        const slots = (await (await fetch(`${llama.url}/slots`)).json()) as { is_processing: boolean }[];
        const busy = slots.some((s) => s.is_processing);
        if (busy) {
          // llama-server notices the closed connection at its next token; one more chat must still run.
          const again = await chat("after-cancel", "Say hi");
          assert.ok(["eos", "maxTokens"].includes(again.result.stopReason));
        }
      }
    });

    it("answers textDocument/inlineCompletion", async () => {
      const uri = "file:///virtual/example.ts";
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: "typescript", version: 1, text: "export function add(a: number, b: number) {\n  return \n}\n" },
      });
      const before = llama ? await metric(llama, "tokens_predicted_total") : 0;
      await server.connection.sendRequest(CompletionStatsRequest, {});
      const result = (await server.connection.sendRequest(InlineCompletionRequest.type, {
        textDocument: { uri },
        position: { line: 1, character: 9 },
        context: { triggerKind: 2 },
      })) as InlineCompletionList | null;
      // The random model may produce whitespace only (then the server rightly answers null).
      if (result !== null) assert.ok((result.items[0]!.insertText as string).trim() !== "");
      const stats = (await server.connection.sendRequest(CompletionStatsRequest, {})) as CompletionStatsResult;
      assert.equal(stats.stats.length, 1);
      assert.equal(stats.stats[0]!.cancelled, false);
      if (llama) assert.ok((await metric(llama, "tokens_predicted_total")) > before, "llama-server generated the completion");
    });

    it("writes a commit message (code actions and git texts use the chat engine)", async function () {
      requireOrSkip(this, hasGit() ? undefined : "git is not on PATH", "install git (test/e2e/setup installs it)");
      const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace });
      git("init", "-q");
      git("add", "notes.md");
      const before = llama ? await metric(llama, "tokens_predicted_total") : 0;
      const result = await server.connection.sendRequest(CommitMessageRequest, { folder: workspace });
      assert.equal(typeof result.text, "string");
      if (llama) assert.ok((await metric(llama, "tokens_predicted_total")) > before, "llama-server wrote it");
    });

    it("runs the agent: every completed step answer is well-formed JSON", async () => {
      const events: AgentEvent[] = [];
      const listener = server.connection.onNotification(AgentEventNotification, (p: AgentEventParams) => void events.push(p.event));
      try {
        const result = await server.connection.sendRequest(AgentRunRequest, { id: "agent", request: "List the files and finish." });
        assert.ok(["finished", "budget"].includes(result.status), `${result.status}: ${result.error ?? ""}`);
        assert.ok(events.some((e) => e.type === "plan"), "a plan");
        assert.ok(events.some((e) => e.type === "step-start"), "a step");
        // Under the step schema every answer that was not cut off is a well-formed call of a real tool.
        const malformed = events.filter((e) => e.type === "invalid-call" && !/cut off/.test(e.error));
        assert.deepEqual(malformed, [], "the step schema constrained every answer");
        assert.ok(events.some((e) => e.type === "tool-call"), "at least one tool call");
      } finally {
        listener.dispose();
      }
    });
  });
}
