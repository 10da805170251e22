// A real-weight model as a remote engine: Qwen2.5-Coder 0.5B (FIM tokens, ChatML) served by a real
// llama-server on 127.0.0.1. Completions take llama-server's /infill (not the prefix-only fallback the
// tiny model gets), and the chat answers the capital question.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChatRequest, RemoteAllowRequest, type ChatResult, type PincerSettings } from "../../server/src/protocol";
import { startLlamaServer, requireLlamaServer, type LlamaServer } from "../support/llama-server";
import { SERVER_BUNDLE, startTestServer, type TestServer } from "../support/lsp-client";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireRealModel } from "../support/test-model";

describe("real model as a remote engine (Qwen2.5-Coder 0.5B on llama-server)", function () {
  this.timeout(300_000);
  allowLoopbackClients();
  let llama: LlamaServer;
  let server: TestServer;
  let dir: string;

  before(async function () {
    const model = requireRealModel(this, "qwen2.5-coder-0.5b");
    const binary = requireLlamaServer(this);
    llama = await startLlamaServer(binary, model, { contextSize: 2048, threads: 1, });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-remote-real-"));
    const remote = { url: llama.url, model: "" };
    const settings: Partial<PincerSettings> = { model: "", modelsDir: dir, remote: { completion: remote, chat: remote, agent: remote } };
    server = await startTestServer({ settings, env: { PINCER_CACHE_DIR: dir }, workspaceFolders: [dir] });
    await server.connection.sendRequest(RemoteAllowRequest, { url: llama.url });
  });
  after(async () => {
    await server?.stop();
    await llama?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("completes through /infill (pincer complete --json says usedInfill)", async () => {
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.remote.completion.url": llama.url }));
    await fs.writeFile(path.join(dir, "remote-endpoints.json"), JSON.stringify({ endpoints: { [llama.url]: { url: llama.url } } }), { mode: 0o600 });
    await fs.writeFile(path.join(dir, "add.py"), "def add(a, b):\n    return \n\nprint(add(1, 2))\n");
    const result = spawnSync(process.execPath, [SERVER_BUNDLE, "complete", "--file", "add.py", "--line", "1", "--character", "11", "--json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PINCER_SETTINGS: path.join(dir, "settings.json"), PINCER_CACHE_DIR: dir, PINCER_MODEL: "" },
    });
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { insertText: string; usedInfill: boolean };
    assert.equal(out.usedInfill, true, "llama-server's /infill answered");
    assert.match(out.insertText, /a\s*\+\s*b/);
  });

  it("answers a chat question", async () => {
    const result: ChatResult = await server.connection.sendRequest(ChatRequest, { id: "capital", message: "What is the capital of France? Answer in one word.", maxTokens: 16 });
    assert.match(result.text, /Paris/);
  });
});

