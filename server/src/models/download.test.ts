import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { promises as fs, watch } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import { installEgressGuard } from "../platform/egress-guard";
import { DownloadError, downloadModel, receiptPath, type DownloadProgress } from "./download";
import { parseModelSpec, type ModelSpec } from "./model-spec";
import { listLocalModels } from "./models-dir";
import { inspectWhisperModel } from "../voice/whisper-models";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * The test model's path, or a skip with the reason. test/support lies outside the server project,
 * so tsc -b cannot follow a static import of it; and a top-level await would make mocha import this
 * file as ESM beside the others it requires, loading the modules under test twice.
 */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

/** Over two of ipull's 5 MiB chunks, the unit the previous downloader could resume at. */
const IPULL_CHUNK = 5 * 1024 * 1024;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const noHubHash = async () => undefined;

interface Served {
  method: string;
  path: string;
  /** First byte asked for with a Range header; undefined without one. */
  rangeStart?: number;
}

/** A loopback file server with HEAD, Content-Length and Range (206) support. */
class FileServer {
  readonly requests: Served[] = [];
  /** Bytes past this offset of a file are not sent (the response stays open) while it is set. */
  holdAfter = new Map<string, number>();
  connections = 0;
  private readonly server: http.Server;
  private port = 0;

  constructor(private readonly files: Map<string, Buffer>) {
    this.server = http.createServer((request, response) => this.handle(request, response));
    this.server.on("connection", () => this.connections++);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  rangedSince(index: number, name: string): number[] {
    return this.requests
      .slice(index)
      .filter((r) => r.path === `/${name}` && r.rangeStart !== undefined)
      .map((r) => r.rangeStart!);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const urlPath = new URL(request.url ?? "/", "http://localhost").pathname;
    const body = this.files.get(urlPath);
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
    this.requests.push({ method: request.method ?? "", path: urlPath, rangeStart: range ? Number(range[1]) : undefined });
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    let start = 0;
    let end = body.length - 1;
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), end) : end;
      if (start > end) {
        response.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      response.writeHead(206, { "accept-ranges": "bytes", "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${body.length}` });
    } else {
      response.writeHead(200, { "accept-ranges": "bytes", "content-length": body.length, "content-type": "application/octet-stream" });
    }
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    response.flushHeaders();
    const hold = this.holdAfter.get(urlPath);
    const stop = hold === undefined ? end + 1 : Math.min(end + 1, Math.max(start, hold));
    if (stop > start) response.write(body.subarray(start, stop));
    if (stop === end + 1) response.end();
  }
}

/** Resolves once `ready` holds for the file's size; re-checks on every change in its folder. */
async function whenFileSize(filePath: string, ready: (size: number | undefined) => boolean): Promise<void> {
  const controller = new AbortController();
  const changes: Array<() => void> = [];
  const watcher = watch(path.dirname(filePath), { signal: controller.signal }, () => changes.splice(0).forEach((wake) => wake()));
  watcher.on("error", () => undefined);
  try {
    for (;;) {
      const changed = new Promise<void>((resolve) => changes.push(resolve));
      const size = await fs.stat(filePath).then((s) => s.size, () => undefined);
      if (ready(size)) return;
      await changed;
    }
  } finally {
    controller.abort();
  }
}

function remote(spec: string): Extract<ModelSpec, { kind: "remote" }> {
  const parsed = parseModelSpec(spec);
  assert.equal(parsed.kind, "remote");
  return parsed as Extract<ModelSpec, { kind: "remote" }>;
}

describe("downloadModel", () => {
  let model: Buffer;
  let modelSha: string;
  let big: Buffer;
  let server: FileServer;
  let root: string;
  let dirCount = 0;

  const freshDir = () => path.join(root, `models-${++dirCount}`);

  before(async function () {
    model = await fs.readFile(await requireTestModel(this));
    modelSha = sha256(model);
    // The tiny model followed by zeros, over two ipull chunks long: GGUF readers ignore what
    // follows the tensor data, so it is still a usable model, and a cancel can keep a chunk.
    big = Buffer.concat([model, Buffer.alloc(IPULL_CHUNK * 2 + 1024 * 1024 - model.length)]);
    installEgressGuard(); // the download must get through by its own permit
    root = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-download-"));
    server = new FileServer(
      new Map([
        ["/tiny.gguf", model],
        ["/slow.gguf", model],
        ["/big.gguf", big],
        ["/notes.gguf", Buffer.from("These are notes, not a model.\n".repeat(100))],
      ]),
    );
    await server.start();
  });

  after(async () => {
    await server?.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it("downloads over an egress permit, reports progress, verifies a pinned sha256 and writes a receipt", async () => {
    const modelsDir = freshDir();
    const spec = remote(server.url("tiny.gguf"));
    const progress: DownloadProgress[] = [];
    const hubAsked: string[] = [];
    const result = await downloadModel({ signal: NEVER_ABORTED,
      spec,
      modelsDir,
      sha256: modelSha.toUpperCase(),
      onProgress: (p) => progress.push(p),
      fetchHubSha256: async (url) => {
        hubAsked.push(url);
        return undefined;
      },
    });

    const target = path.join(modelsDir, "tiny.gguf");
    assert.deepEqual(result, { path: target, sha256: modelSha, verified: "pinned" });
    assert.equal(sha256(await fs.readFile(target)), modelSha);
    assert.deepEqual(hubAsked, [], "a pinned hash needs no hub look-up");

    assert.ok(progress.length > 0, "progress was reported");
    const last = progress[progress.length - 1]!;
    assert.equal(last.totalBytes, model.length);
    assert.equal(last.downloadedBytes, model.length);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.downloadedBytes >= progress[i - 1]!.downloadedBytes, "progress never goes back");

    const receipt = JSON.parse(await fs.readFile(receiptPath(target), "utf8")) as Record<string, unknown>;
    assert.equal(receipt.uri, spec.uri);
    assert.equal(receipt.sha256, modelSha);
    assert.equal(receipt.verified, "pinned");
    assert.ok(!Number.isNaN(Date.parse(String(receipt.downloadedAt))));
    assert.deepEqual((await fs.readdir(modelsDir)).sort(), ["tiny.gguf", "tiny.gguf.pincer.json"], "no partial files are left");

    // Asking again answers from the receipt without touching the network.
    const requests = server.requests.length;
    assert.deepEqual(await downloadModel({ signal: NEVER_ABORTED, spec, modelsDir, fetchHubSha256: noHubHash }), result);
    assert.equal(server.requests.length, requests);
  });

  it("uses the hub's hash when none is pinned, and says when there is none", async () => {
    const spec = remote(server.url("tiny.gguf"));
    const asked: string[] = [];
    const hub = await downloadModel({ signal: NEVER_ABORTED,
      spec,
      modelsDir: freshDir(),
      fetchHubSha256: async (url) => {
        asked.push(url);
        return modelSha;
      },
    });
    assert.equal(hub.verified, "hub");
    assert.deepEqual(asked, [server.url("tiny.gguf")]);

    const unverified = await downloadModel({ signal: NEVER_ABORTED, spec, modelsDir: freshDir(), fetchHubSha256: noHubHash });
    assert.equal(unverified.verified, "unverified");
    assert.equal(unverified.sha256, modelSha);
  });

  it("deletes the file and says so when the sha256 does not match the pinned one", async () => {
    const modelsDir = freshDir();
    const wrong = "0".repeat(64);
    await assert.rejects(
      downloadModel({ signal: NEVER_ABORTED, spec: remote(server.url("tiny.gguf")), modelsDir, sha256: wrong, fetchHubSha256: noHubHash }),
      (error: Error) => {
        assert.ok(error instanceof DownloadError, String(error));
        assert.match(error.message, /failed verification/);
        assert.ok(error.message.includes(modelSha) && error.message.includes(wrong), error.message);
        assert.match(error.message, /pinned/);
        return true;
      },
    );
    assert.deepEqual(await fs.readdir(modelsDir), [], "neither the file nor a receipt is kept");
  });

  it("rejects and removes a downloaded file that is not a GGUF model", async () => {
    const modelsDir = freshDir();
    await assert.rejects(
      downloadModel({ signal: NEVER_ABORTED, spec: remote(server.url("notes.gguf")), modelsDir, fetchHubSha256: noHubHash }),
      (error: Error) => error instanceof DownloadError && /notes\.gguf/.test(error.message) && /not a usable model/.test(error.message) && /GGUF/.test(error.message),
    );
    assert.deepEqual(await fs.readdir(modelsDir), []);
  });

  it("checks the file with the caller's inspector: a Whisper download that turns out to be a GGUF chat model is removed", async () => {
    const modelsDir = freshDir();
    await assert.rejects(
      downloadModel({ spec: remote(server.url("tiny.gguf")), modelsDir, sha256: modelSha, fetchHubSha256: noHubHash, inspect: inspectWhisperModel, signal: new AbortController().signal }),
      (error: Error) => error instanceof DownloadError && /tiny\.gguf was downloaded but is not a usable model/.test(error.message) && /GGUF file: a chat model, not a Whisper model/.test(error.message),
    );
    assert.deepEqual(await fs.readdir(modelsDir), [], "neither the file nor a receipt is kept");
  });

  it("reports a server error as a DownloadError", async () => {
    const modelsDir = freshDir();
    await assert.rejects(
      downloadModel({ signal: NEVER_ABORTED, spec: remote(server.url("missing.gguf")), modelsDir, fetchHubSha256: noHubHash }),
      (error: Error) => error instanceof DownloadError && /missing\.gguf/.test(error.message) && /failed/.test(error.message),
    );
    assert.equal(await fs.stat(path.join(modelsDir, "missing.gguf")).catch(() => undefined), undefined);
  });

  it("says it cannot reach a host that accepts the connection and never answers, within the answer timeout", async () => {
    const silent = net.createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const started = Date.now();
    try {
      await assert.rejects(
        downloadModel({ signal: NEVER_ABORTED, spec: remote(`http://127.0.0.1:${port}/m.gguf`), modelsDir: freshDir(), fetchHubSha256: noHubHash, answerTimeoutMs: 300 }),
        (error: Error) => error instanceof DownloadError && /cannot reach 127\.0\.0\.1:\d+: no answer within 0\.3 s/.test(error.message),
      );
      assert.ok(Date.now() - started < 5000, "the timeout ends it, not the OS");
    } finally {
      silent.close();
    }
  });

  it("says it cannot reach a host that refuses the connection, and why", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      downloadModel({ signal: NEVER_ABORTED, spec: remote(`http://127.0.0.1:${port}/m.gguf`), modelsDir: freshDir(), fetchHubSha256: noHubHash }),
      (error: Error) => error instanceof DownloadError && /cannot reach 127\.0\.0\.1:\d+: the connection was refused/.test(error.message),
    );
  });

  it("resumes a cancelled download from every byte it kept", async () => {
    const modelsDir = freshDir();
    const spec = remote(server.url("big.gguf"));
    const target = path.join(modelsDir, "big.gguf");
    const partial = `${target}.download`;

    // First attempt: the server sends part of the file, then stalls; cancel once that part is in.
    const held = IPULL_CHUNK + 12345;
    server.holdAfter.set("/big.gguf", held);
    const controller = new AbortController();
    const firstSeen = server.requests.length;
    await assert.rejects(
      downloadModel({
        spec,
        modelsDir,
        signal: controller.signal,
        fetchHubSha256: noHubHash,
        onProgress: ({ downloadedBytes }) => {
          if (downloadedBytes >= held) controller.abort();
        },
      }),
      (error: Error) => error instanceof DownloadError && /cancelled/.test(error.message) && error.message.includes(partial),
    );
    assert.deepEqual(server.rangedSince(firstSeen, "big.gguf"), [0], "the first attempt asked from byte 0");
    assert.equal(await fs.stat(target).catch(() => undefined), undefined, "no file under the model's name after a cancel");
    assert.equal((await fs.stat(partial)).size, held, "every byte that arrived is kept");

    // Second attempt: it asks for exactly what is missing.
    server.holdAfter.delete("/big.gguf");
    const secondSeen = server.requests.length;
    const progress: DownloadProgress[] = [];
    const result = await downloadModel({ signal: NEVER_ABORTED, spec, modelsDir, fetchHubSha256: noHubHash, onProgress: (p) => progress.push(p) });
    assert.deepEqual(server.rangedSince(secondSeen, "big.gguf"), [held]);
    assert.ok(progress.length > 0 && progress[progress.length - 1]!.downloadedBytes === big.length);
    assert.equal(result.sha256, sha256(big));
    assert.equal(sha256(await fs.readFile(target)), sha256(big));
    assert.equal(await fs.stat(partial).catch(() => undefined), undefined, "the partial file became the model");
  });

  it("resumes a download cancelled after a few kilobytes, and the result is right", async () => {
    const modelsDir = freshDir();
    const spec = remote(server.url("slow.gguf"));
    server.holdAfter.set("/slow.gguf", 64 * 1024);
    const controller = new AbortController();
    let arrived = 0;
    await assert.rejects(
      downloadModel({
        spec,
        modelsDir,
        signal: controller.signal,
        fetchHubSha256: noHubHash,
        onProgress: ({ downloadedBytes }) => {
          if (downloadedBytes > 0) {
            arrived = downloadedBytes;
            controller.abort();
          }
        },
      }),
      (error: Error) => error instanceof DownloadError && /cancelled/.test(error.message),
    );
    assert.ok(arrived > 0 && arrived < model.length, `cancelled after ${arrived} bytes`);

    server.holdAfter.delete("/slow.gguf");
    const seen = server.requests.length;
    const result = await downloadModel({ signal: NEVER_ABORTED, spec, modelsDir, fetchHubSha256: noHubHash });
    assert.deepEqual(server.rangedSince(seen, "slow.gguf"), [arrived]);
    assert.equal(result.sha256, modelSha);
    assert.equal(sha256(await fs.readFile(result.path)), modelSha);
  });

  it("checks the free space before the first byte, and says how much is needed", async () => {
    const modelsDir = freshDir();
    const requests = server.requests.length;
    await assert.rejects(
      downloadModel({ signal: NEVER_ABORTED, spec: remote(server.url("big.gguf")), modelsDir, fetchHubSha256: noHubHash, freeBytes: async () => 1_000_000 }),
      (error: Error) =>
        error instanceof DownloadError && /Not enough disk space for big\.gguf: it needs 11\.5 MB more and 1\.0 MB are free/.test(error.message),
    );
    assert.equal(server.requests.length, requests + 1, "one request, whose body was not read");
    assert.deepEqual(await listLocalModels(modelsDir), [], "nothing is listed as a model");
  });

  it("a cancel before the download starts is reported as a cancel", async () => {
    const modelsDir = freshDir();
    await assert.rejects(
      downloadModel({ spec: remote(server.url("tiny.gguf")), modelsDir, signal: AbortSignal.abort(), fetchHubSha256: noHubHash }),
      (error: Error) => error instanceof DownloadError && /cancelled/.test(error.message),
    );
    assert.equal(await fs.stat(path.join(modelsDir, "tiny.gguf")).catch(() => undefined), undefined);
  });

  it("leaves the network closed after the downloads", async () => {
    const connections = server.connections;
    await assert.rejects(
      new Promise((resolve, reject) => http.get(server.url("tiny.gguf"), resolve).on("error", reject)),
      (error: Error & { code?: string }) => error.code === "PINCER_EGRESS_BLOCKED",
    );
    await assert.rejects(fetch(server.url("tiny.gguf")), (error: Error) => (error.cause as { code?: string } | undefined)?.code === "PINCER_EGRESS_BLOCKED");
    assert.equal(server.connections, connections, "no connection reached the server");
  });
});
