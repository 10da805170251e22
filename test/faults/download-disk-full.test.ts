// A model download that meets a full disk: the person gets one clear message (no crash, no stack
// trace), nothing is listed as a model, the bytes that arrived are kept under a temporary name,
// and the next attempt resumes after them. On a real tmpfs when one can be mounted, else on the
// injected short-write layer.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { DownloadError, downloadModel } from "../../server/src/models/download";
import { parseModelSpec, type ModelSpec } from "../../server/src/models/model-spec";
import { listLocalModels } from "../../server/src/models/models-dir";
import { installEgressGuard } from "../../server/src/platform/egress-guard";
import { repoRoot, requireTestModel } from "../support/test-model";
import { shortWriteDisk } from "./short-write";
import { mountSmallDisk, type SmallDisk } from "./tmpfs";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Serves one file with Range support; the first response pauses after `pauseAt` bytes until `resume()`. */
class GatedServer {
  readonly rangeStarts: number[] = [];
  private gate: Promise<void> | undefined;
  private open: () => void = () => undefined;
  private readonly server = http.createServer((request, response) => void this.handle(request, response));

  constructor(
    private readonly body: Buffer,
    private readonly pauseAt?: number,
  ) {
    if (pauseAt !== undefined) this.gate = new Promise((resolve) => (this.open = resolve));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/model.gguf`;
  }

  resume(): void {
    this.open();
  }

  async stop(): Promise<void> {
    this.open();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    this.rangeStarts.push(start);
    if (start >= this.body.length) return void response.writeHead(416, { "content-range": `bytes */${this.body.length}` }).end();
    response.writeHead(range ? 206 : 200, {
      "accept-ranges": "bytes",
      "content-length": this.body.length - start,
      ...(range ? { "content-range": `bytes ${start}-${this.body.length - 1}/${this.body.length}` } : {}),
    });
    const gate = this.gate;
    this.gate = undefined;
    if (gate && this.pauseAt !== undefined && start < this.pauseAt) {
      response.write(this.body.subarray(start, this.pauseAt));
      await gate;
      response.end(this.body.subarray(this.pauseAt));
    } else {
      response.end(this.body.subarray(start));
    }
  }
}

describe("faults: a model download into a full disk", function () {
  this.timeout(120_000);
  let model: Buffer;
  let tmpfs: SmallDisk | undefined;
  let fallbackDir: string | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async function () {
    model = Buffer.concat([await fs.readFile(requireTestModel(this)), Buffer.alloc(4 * MiB)]);
    installEgressGuard();
    tmpfs = mountSmallDisk(8 * MiB);
    console.log(tmpfs ? `    (on a real 8 MiB tmpfs at ${tmpfs.dir})` : "    (mount not permitted: on the injected short-write layer)");
    process.on("unhandledRejection", onUnhandled);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    tmpfs?.unmount();
    if (fallbackDir) await fs.rm(fallbackDir, { recursive: true, force: true });
  });

  it("fails with a clear message, lists nothing, keeps the bytes and resumes after space returns", async () => {
    const server = new GatedServer(model, 1 * MiB);
    const url = await server.start();
    const spec = parseModelSpec(url) as Extract<ModelSpec, { kind: "remote" }>;
    let modelsDir: string;
    let fill: () => Promise<void>;
    let free: () => Promise<void>;
    let open: ReturnType<typeof shortWriteDisk>["open"] | undefined;
    if (tmpfs) {
      modelsDir = path.join(tmpfs.dir, "models");
      let filler = "";
      fill = async () => void (filler = await tmpfs!.fill());
      free = () => fs.rm(filler);
    } else {
      fallbackDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-download-full-"));
      modelsDir = fallbackDir;
      const layer = shortWriteDisk();
      open = layer.open;
      fill = async () => void (layer.freeBytes = 1000);
      free = async () => void (layer.freeBytes = Infinity);
    }
    try {
      let reached!: () => void;
      const pausing = new Promise<void>((resolve) => (reached = resolve));
      const attempt = downloadModel({ signal: NEVER_ABORTED,
        spec,
        modelsDir,
        open,
        fetchHubSha256: async () => undefined,
        onProgress: ({ downloadedBytes }) => downloadedBytes >= MiB && reached(),
      });
      attempt.catch(() => undefined);
      await pausing;
      await fill(); // another program fills the disk while the download runs
      server.resume();
      const partial = path.join(modelsDir, "model.gguf.download");
      await assert.rejects(attempt, (error: Error) => {
        assert.ok(error instanceof DownloadError, String(error));
        assert.match(error.message, /stopped: no space left on the disk/);
        assert.ok(error.message.includes(partial), error.message);
        return true;
      });
      assert.deepEqual(unhandled, [], "no error escaped the download");
      assert.deepEqual(await listLocalModels(modelsDir), [], "the partial file is not listed as a model");
      const kept = (await fs.stat(partial)).size;
      assert.ok(kept >= MiB && kept < model.length, `kept ${kept} bytes`);
      assert.deepEqual(model.subarray(0, kept), await fs.readFile(partial), "what was kept is the start of the file");

      await free();
      const result = await downloadModel({ signal: NEVER_ABORTED, spec, modelsDir, open, fetchHubSha256: async () => undefined });
      assert.deepEqual(server.rangeStarts, [0, kept], "the second attempt asked only for the rest");
      assert.equal(result.sha256, sha256(model));
      assert.deepEqual((await listLocalModels(modelsDir)).map((m) => m.name), ["model"]);
    } finally {
      await server.stop();
    }
  });

  it("the CLI: one line saying how much space is needed, exit code 1, no stack trace", async function () {
    if (!tmpfs) return this.skip(); // the CLI runs in its own process, out of reach of the injected layer
    const server = new GatedServer(Buffer.concat([model, Buffer.alloc(8 * MiB)]));
    const url = await server.start();
    try {
      const modelsDir = path.join(tmpfs.dir, "cli-models");
      const child = spawn(process.execPath, [path.join(repoRoot, "bin", "pincer.js"), "download", url], {
        env: { ...process.env, PINCER_MODELS_DIR: modelsDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      assert.equal(code, 1, stderr);
      const lines = stderr.split("\n").filter((line) => line.startsWith("pincer:"));
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0]!, /^pincer: Not enough disk space for model\.gguf: it needs 14\.\d MB more and \d+(\.\d)? MB are free in /);
      assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
    } finally {
      await server.stop();
    }
  });
});
