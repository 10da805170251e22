// pincer.api.enabled: the language server offers its warm model as the OpenAI-compatible API on
// 127.0.0.1 (token in the file `pincer serve --http` uses, named in the status), follows the setting
// on and off, and stops with the server.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { DidChangeConfigurationNotification } from "vscode-languageserver-protocol/node";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { allowLoopbackClients } from "../support/loopback-clients";
import { requireTestModel } from "../support/test-model";

/** A port nothing listens on now (the kernel's pick, closed again). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits for a status sent after the `seen` ones (waitForStatus searches the whole history). */
const nextStatus = (server: TestServer, seen: number, predicate: (s: TestServer["statuses"][number]) => boolean, what: string) => server.waitForStatus((s) => server.statuses.indexOf(s) >= seen && predicate(s), what);

const refused = (url: string) => fetch(url).then(() => false, (error: Error & { cause?: { code?: string } }) => error.cause?.code === "ECONNREFUSED");

describe("pincer.api.enabled: the API from the editor's server", function () {
  this.timeout(120_000);
  allowLoopbackClients();
  let server: TestServer | undefined;
  let tempDir: string;

  before(async () => {
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-api-setting-")));
  });
  after(async () => {
    await server?.stop();
    await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("is off by default, starts on 127.0.0.1 with the token file named in the status, and stops when turned off or with the server", async function () {
    const model = requireTestModel(this);
    const port = await freePort();
    const settingsFile = path.join(tempDir, "config", "settings.json");
    server = await startTestServer({ settings: { model, threads: 1, contextSize: 512 }, env: { PINCER_SETTINGS: settingsFile, PINCER_CACHE_DIR: path.join(tempDir, "cache") } });
    const ready = await server.waitForStatus((s) => s.state === "ready", "ready", 60_000);
    assert.equal(ready.api, undefined, "off by default");

    server.settings = { ...server.settings, api: { enabled: true, port } };
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const started = await server.waitForStatus((s) => s.api?.url !== undefined, "the API in the status");
    assert.equal(started.api!.url, `http://127.0.0.1:${port}/v1`);
    const tokenFile = path.join(tempDir, "config", "api-token");
    assert.equal(started.api!.tokenFile, tokenFile);
    assert.equal((await fs.stat(tokenFile)).mode & 0o777, 0o600);
    const token = (await fs.readFile(tokenFile, "utf8")).trim();
    assert.equal((await fetch(`${started.api!.url}/models`)).status, 401, "the token is required");
    const models = (await (await fetch(`${started.api!.url}/models`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string }[] };
    assert.deepEqual(models.data.map((m) => m.id), ["llama-2-tiny-random"]);
    const answer = await fetch(`${started.api!.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "Say hello" }], max_tokens: 4 }),
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(typeof ((await answer.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content, "string");
    assert.ok(!server.logs.some((line) => line.includes(token)), "the token is never logged");

    let seen = server.statuses.length;
    server.settings = { ...server.settings, api: { enabled: false, port } };
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await nextStatus(server, seen, (s) => s.api === undefined, "the API gone from the status");
    assert.ok(await refused(`http://127.0.0.1:${port}/v1/models`), "stopped when turned off");

    seen = server.statuses.length;
    server.settings = { ...server.settings, api: { enabled: true, port } };
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await nextStatus(server, seen, (s) => s.api?.url !== undefined, "the API again");
    assert.equal((await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status, 200, "the same token again");
    await server.stop();
    server = undefined;
    assert.ok(await refused(`http://127.0.0.1:${port}/v1/models`), "stopped with the server");
  });

  it("says in the status why it did not start (the port is taken)", async function () {
    const model = requireTestModel(this);
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      server = await startTestServer({ settings: { model, threads: 1, contextSize: 512, api: { enabled: true, port } }, env: { PINCER_SETTINGS: path.join(tempDir, "config2", "settings.json"), PINCER_CACHE_DIR: path.join(tempDir, "cache") } });
      const status = await server.waitForStatus((s) => s.api?.error !== undefined, "the API's error in the status");
      assert.match(status.api!.error!, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      await server?.stop();
      server = undefined;
      taken.close();
    }
  });
});
