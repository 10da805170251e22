// `pincer chat` on a remote engine: refused until `pincer remote allow`, then answered by a real
// llama-server on 127.0.0.1; the key file is 0600 and the key never on the command line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLlamaServer, requireLlamaServer, type LlamaServer } from "../support/llama-server";
import { SERVER_BUNDLE } from "../support/lsp-client";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireTestModel } from "../support/test-model";

describe("pincer CLI on a remote engine (llama-server)", function () {
  this.timeout(120_000);
  allowLoopbackClients();
  let llama: LlamaServer;
  let dir: string;

  before(async function () {
    const model = requireTestModel(this);
    const binary = requireLlamaServer(this);
    llama = await startLlamaServer(binary, model);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-remote-cli-"));
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.remote.chat.url": llama.url, "pincer.remote.completion.url": llama.url }));
  });
  after(async () => {
    await llama?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const pincer = (args: string[], input?: string) =>
    spawnSync(process.execPath, [SERVER_BUNDLE, ...args], {
      cwd: dir,
      encoding: "utf8",
      input,
      env: { ...process.env, PINCER_CACHE_DIR: dir, PINCER_SETTINGS: path.join(dir, "settings.json"), PINCER_MODEL: "" },
    });

  it("refuses an endpoint that was not confirmed, then answers once it is", () => {
    const refused = pincer(["chat", "--max-tokens", "8", "Say hello"]);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /has not been allowed to connect to http:\/\/127\.0\.0\.1:\d+.*pincer remote allow/);

    const allowed = pincer(["remote", "allow", llama.url]);
    assert.equal(allowed.status, 0, allowed.stderr);
    const answered = pincer(["chat", "--max-tokens", "8", "Say hello"]);
    assert.equal(answered.status, 0, answered.stderr);
    assert.ok(answered.stdout.trim().length > 0, "a reply on stdout");
  });

  it("pincer complete --json answers from the remote engine", async () => {
    await fs.writeFile(path.join(dir, "a.ts"), "export function add(a: number, b: number) {\n  return \n}\n");
    const result = pincer(["complete", "--file", "a.ts", "--line", "1", "--character", "9", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { model: string; insertText: string; usedInfill: boolean };
    assert.match(out.model, /llama-2-tiny-random\.gguf$/, "the remote server's model answered");
    assert.equal(out.usedInfill, false, "the tiny model has no FIM tokens: /infill was refused, /v1/completions used");
  });

  it("keeps the API key in a 0600 file, read from stdin", async () => {
    const stored = pincer(["remote", "key", llama.url], "sk-test-key\n");
    assert.equal(stored.status, 0, stored.stderr);
    assert.doesNotMatch(stored.stdout, /sk-test-key/);
    const file = path.join(dir, "remote-endpoints.json");
    assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.match(await fs.readFile(file, "utf8"), /sk-test-key/);
    // llama-server without --api-key ignores the bearer header: the chat still answers.
    assert.equal(pincer(["chat", "--max-tokens", "4", "Hi"]).status, 0);
    assert.doesNotMatch(await fs.readFile(path.join(dir, "settings.json"), "utf8"), /sk-test-key/);
  });
});
