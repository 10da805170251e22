// `pincer download` from an unreachable host: it says at once what it is doing, gives a clear
// "cannot reach" error within seconds, and Ctrl+C (SIGINT) ends it with exit code 1.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PINCER_BIN, requireBuild } from "../support/build";

interface Ended {
  code: number | null;
  stderr: string;
  ms: number;
}

/** Starts the CLI; `seen(text)` resolves once stderr contains text, `ended` when it exits. */
function startCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; seen(text: string): Promise<void>; ended: Promise<Ended> } {
  const started = Date.now();
  const child = spawn(process.execPath, [PINCER_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const waiters: { text: string; resolve(): void }[] = [];
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const w of waiters.splice(0)) (stderr.includes(w.text) ? w.resolve() : waiters.push(w));
  });
  const ended = new Promise<Ended>((resolve) => child.on("exit", (code) => resolve({ code, stderr, ms: Date.now() - started })));
  return {
    child,
    seen: (text) => new Promise<void>((resolve) => (stderr.includes(text) ? resolve() : waiters.push({ text, resolve }))),
    ended,
  };
}

describe("pincer download from an unreachable host", function () {
  this.timeout(60_000);
  let dir: string;
  let silent: net.Server;
  let silentPort: number;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    requireBuild(this);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cli-download-"));
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.modelsDir": path.join(dir, "models") }));
    env = { ...process.env, PINCER_SETTINGS: path.join(dir, "settings.json"), PINCER_CACHE_DIR: dir };
    silent = net.createServer(() => undefined); // accepts every connection and never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
  });

  after(async () => {
    silent?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("says which host it is connecting to at once, and Ctrl+C ends it with exit code 1", async () => {
    const cli = startCli(["download", `http://127.0.0.1:${silentPort}/m.gguf`], env);
    await cli.seen(`Connecting to 127.0.0.1:${silentPort}`);
    cli.child.kill("SIGINT");
    const { code, stderr } = await cli.ended;
    assert.equal(code, 1, stderr);
    assert.match(stderr, /cancelled/);
  });

  it("a refused connection is a one-line 'cannot reach' error and exit code 1 within seconds", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { code, stderr, ms } = await startCli(["download", `http://127.0.0.1:${port}/m.gguf`], env).ended;
    assert.equal(code, 1, stderr);
    assert.match(stderr, new RegExp(`pincer: Download of http://127\\.0\\.0\\.1:${port}/m\\.gguf failed: cannot reach 127\\.0\\.0\\.1:${port}: the connection was refused`));
    assert.ok(ms < 10_000, `took ${ms} ms`);
  });
});
