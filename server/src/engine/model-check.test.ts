import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkFitsInMemory, explainLoadFailure, formatBytes, inspectModelFile, ModelFileError, quantizationName, type ModelFacts, type ModelProblem } from "./model-check";

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

function isModelFileError(filePath: string, problem: ModelProblem, message?: RegExp) {
  return (error: unknown): true => {
    assert.ok(error instanceof ModelFileError, `expected a ModelFileError, got ${String(error)}`);
    assert.equal(error.problem, problem, error.message);
    assert.equal(error.filePath, filePath);
    assert.ok(error.message.includes(path.basename(filePath)), `the message names the file: ${error.message}`);
    if (message) assert.match(error.message, message);
    return true;
  };
}

describe("inspectModelFile", () => {
  let modelPath: string;
  let dir: string;

  before(async function () {
    modelPath = await requireTestModel(this);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-model-check-"));
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("reports a missing file", async () => {
    const missing = path.join(dir, "missing.gguf");
    await assert.rejects(inspectModelFile(missing, undefined, NEVER_ABORTED), isModelFileError(missing, "not-found", /does not exist/));
  });

  it("reports a directory", async () => {
    const folder = path.join(dir, "folder.gguf");
    await fs.mkdir(folder);
    await assert.rejects(inspectModelFile(folder, undefined, NEVER_ABORTED), isModelFileError(folder, "not-a-file"));
  });

  it("reports a file that is not GGUF", async () => {
    const text = path.join(dir, "readme.gguf");
    await fs.writeFile(text, "# not a model\n".repeat(20));
    await assert.rejects(inspectModelFile(text, undefined, NEVER_ABORTED), isModelFileError(text, "not-gguf", /GGUF/));
    const tiny = path.join(dir, "tiny.gguf");
    await fs.writeFile(tiny, "GG");
    await assert.rejects(inspectModelFile(tiny, undefined, NEVER_ABORTED), isModelFileError(tiny, "not-gguf"));
  });

  it("reports a file cut to half its size as truncated", async () => {
    const original = await fs.readFile(modelPath);
    const half = path.join(dir, "half.gguf");
    await fs.writeFile(half, original.subarray(0, Math.floor(original.length / 2)));
    await assert.rejects(inspectModelFile(half, undefined, NEVER_ABORTED), isModelFileError(half, "truncated", /truncated/));
  });

  it("reports a file cut inside its header as truncated", async () => {
    const original = await fs.readFile(modelPath);
    const header = path.join(dir, "header.gguf");
    await fs.writeFile(header, original.subarray(0, 64));
    await assert.rejects(inspectModelFile(header, undefined, NEVER_ABORTED), isModelFileError(header, "truncated"));
  });

  describe("a header whose counts or lengths do not fit the file", () => {
    /** The tiny model with one header field changed. */
    async function patched(name: string, patch: (bytes: Buffer) => void): Promise<string> {
      const bytes = Buffer.from(await fs.readFile(modelPath));
      patch(bytes);
      const file = path.join(dir, name);
      await fs.writeFile(file, bytes);
      return file;
    }
    /** Offset of the value-length field of the first string after `key` in the metadata. */
    const afterKey = (bytes: Buffer, key: string) => bytes.indexOf(key, 0, "latin1") + key.length;

    const cases: [string, (bytes: Buffer) => void, ModelProblem, RegExp][] = [
      ["absurd tensor count", (b) => b.writeBigUInt64LE(10_000_000_000n, 8), "damaged", /claims 10000000000 tensors/],
      ["more tensors than the file holds", (b) => b.writeBigUInt64LE(100_000n, 8), "truncated", /incomplete: its header describes 100000 tensors/],
      ["absurd metadata count", (b) => b.writeBigUInt64LE(1n << 62n, 16), "damaged", /metadata entries/],
      ["a key longer than the file", (b) => b.writeBigUInt64LE(1n << 40n, 24), "damaged", /metadata entry 1: its key is 1099511627776 bytes long/],
      ["an unknown value type", (b) => b.writeUInt32LE(77, afterKey(b, "general.architecture")), "damaged", /"general\.architecture" has an unknown value type 77/],
      ["a string value longer than the file", (b) => b.writeBigUInt64LE(1n << 50n, afterKey(b, "general.architecture") + 4), "damaged", /"general\.architecture".*longer than the rest of the file/],
      ["GGUF version 1", (b) => b.writeUInt32LE(1, 4), "unsupported-version", /GGUF version 1/],
      ["a big-endian file", (b) => b.writeUInt32LE(0x03000000, 4), "unsupported-version", /big-endian/],
    ];
    for (const [name, patch, problem, message] of cases) {
      it(`${name}: ${problem} at once, without reading the rest`, async () => {
        const file = await patched(`${name.replace(/\W+/g, "-")}.gguf`, patch);
        const started = performance.now();
        const rssBefore = process.memoryUsage().rss;
        await assert.rejects(inspectModelFile(file, undefined, NEVER_ABORTED), isModelFileError(file, problem, message));
        const seconds = (performance.now() - started) / 1000;
        assert.ok(seconds < 2, `took ${seconds.toFixed(1)} s`);
        assert.ok(process.memoryUsage().rss - rssBefore < 200e6, "allocated no more than a few buffers");
      });
    }

    it("a tensor with more than 4 dimensions", async () => {
      const file = await patched("dims.gguf", (b) => {
        // The first tensor info follows the metadata: name (u64 length + bytes), then n_dims.
        const name = b.indexOf("token_embd.weight", 0, "latin1");
        assert.ok(name > 0);
        b.writeUInt32LE(9, name + "token_embd.weight".length);
      });
      await assert.rejects(inspectModelFile(file, undefined, NEVER_ABORTED), isModelFileError(file, "damaged", /tensor "token_embd\.weight" has 9 dimensions/));
    });
  });

  it("reads the facts of a good model", async () => {
    const stat = await fs.stat(modelPath);
    const { facts, info } = await inspectModelFile(modelPath, undefined, NEVER_ABORTED);
    assert.equal(facts.path, modelPath);
    assert.equal(facts.name, path.basename(modelPath, ".gguf"));
    assert.equal(facts.sizeBytes, stat.size);
    assert.equal(facts.architecture, "llama");
    assert.ok(facts.layers > 0, `layers: ${facts.layers}`);
    assert.equal(facts.hasChatTemplate, false);
    assert.equal(facts.hasInfillTokens, false);
    assert.ok(facts.estimatedModelBytes > 0 && facts.estimatedModelBytes <= stat.size, `estimated ${facts.estimatedModelBytes}`);
    assert.equal(info.metadata.general?.architecture, "llama");
  });

  describe("a model whose architecture llama.cpp does not know", () => {
    let unknownArch: string;

    before(async () => {
      // Overwrite the value of general.architecture ("llama") with a same-length unknown name.
      const bytes = Buffer.from(await fs.readFile(modelPath));
      const key = bytes.indexOf("general.architecture", 0, "latin1");
      assert.ok(key >= 0, "the key is in the header");
      const value = bytes.indexOf("llama", key + "general.architecture".length, "latin1");
      assert.ok(value > key && value - key < 64, "the value follows the key");
      bytes.write("zzzzz", value, "latin1");
      unknownArch = path.join(dir, "unknown-arch.gguf");
      await fs.writeFile(unknownArch, bytes);
    });

    it("passes the header check, which does not judge architectures", async () => {
      const { facts } = await inspectModelFile(unknownArch, undefined, NEVER_ABORTED);
      assert.equal(facts.architecture, "zzzzz");
    });

    it("fails to load with unsupported-architecture, naming the file and the architecture; llama.cpp's lines go to the log, not stderr", async function () {
      // In a process of its own, as the server and the CLI are: this test process holds other
      // suites' Llama instances, and llama.cpp's own error lines must not reach the test log either.
      // A header inspection without a backend (as after a download) comes first.
      const script = path.join(dir, "unknown-arch-load.mts");
      const here = path.dirname(fileURLToPath(import.meta.url));
      await fs.writeFile(
        script,
        [
          `import { Engine } from ${JSON.stringify(path.join(here, "engine.ts"))};`,
          `import { inspectModelFile, ModelFileError } from ${JSON.stringify(path.join(here, "model-check.ts"))};`,
          "const signal = new AbortController().signal;",
          `await inspectModelFile(${JSON.stringify(modelPath)}, undefined, signal);`,
          "const logged = [];",
          "let error;",
          `try { await Engine.load({ signal, modelPath: ${JSON.stringify(unknownArch)}, settings: { gpu: "auto", gpuLayers: "auto", threads: 1, contextSize: 512 }, log: (_level, message) => logged.push(message) }); }`,
          "catch (e) { error = e instanceof ModelFileError ? { problem: e.problem, filePath: e.filePath, message: e.message } : String(e); }",
          "process.stdout.write(JSON.stringify({ error, logged }));",
        ].join("\n"),
      );
      const child = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: path.resolve(here, "..", "..", ".."), encoding: "utf8", timeout: 60_000 });
      assert.equal(child.status, 0, child.stderr);
      const { error, logged } = JSON.parse(child.stdout) as { error: { problem: string; filePath: string; message: string }; logged: string[] };
      assert.equal(error.problem, "unsupported-architecture", JSON.stringify(error));
      assert.equal(error.filePath, unknownArch);
      assert.match(error.message, /"zzzzz"/);
      assert.ok(error.message.includes(path.basename(unknownArch)), error.message);
      assert.doesNotMatch(child.stderr, /llama_model_load/);
      assert.ok(logged.some((line) => line.includes("unknown model architecture")), logged.join("\n"));
    });
  });
});

describe("quantizationName", () => {
  it("names GGUF file types as llama.cpp's quantize tool does, and keeps an unknown number as it is", () => {
    const table: [number | undefined, string | undefined][] = [
      [0, "F32"],
      [1, "F16"],
      [2, "Q4_0"],
      [7, "Q8_0"],
      [15, "Q4_K_M"],
      [18, "Q6_K"],
      [30, "IQ4_XS"],
      [32, "BF16"],
      [999, "file type 999"],
      [undefined, undefined],
    ];
    for (const [fileType, name] of table) assert.equal(quantizationName(fileType), name, String(fileType));
  });

  it("is what inspectModelFile reports for the test model (F16), not the raw number", async function () {
    const { facts } = await inspectModelFile(await requireTestModel(this), undefined, NEVER_ABORTED);
    assert.equal(facts.quantization, "F16");
  });
});

describe("explainLoadFailure", () => {
  const filePath = path.join(os.tmpdir(), "big-model.gguf");
  const facts = { architecture: "llama" } as ModelFacts;

  it("maps an out-of-memory failure to too-big", () => {
    for (const text of ["ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer", "CUDA error: out of memory", "Not enough VRAM"]) {
      const error = explainLoadFailure(filePath, facts, new Error(text));
      assert.ok(error instanceof ModelFileError);
      assert.equal(error.problem, "too-big", text);
      assert.ok(error.message.includes("big-model.gguf") && error.message.includes(text), error.message);
    }
  });

  it("maps a load failure of a known file to unsupported-architecture, and anything else to unreadable", () => {
    assert.equal(explainLoadFailure(filePath, facts, new Error("unknown model architecture: 'x'")).problem, "unsupported-architecture");
    assert.equal(explainLoadFailure(filePath, undefined, new Error("failed to load model")).problem, "unreadable");
    assert.equal(explainLoadFailure(filePath, facts, "something odd").problem, "unreadable");
  });
});

describe("checkFitsInMemory", () => {
  const facts = { path: "/m/huge.gguf", estimatedModelBytes: 8e9 } as ModelFacts;

  it("refuses a model larger than RAM and VRAM together", () => {
    assert.throws(() => checkFitsInMemory(facts, { ramBytes: 4e9, vramBytes: 2e9 }), isModelFileError("/m/huge.gguf", "too-big", /8\.0 GB/));
  });

  it("accepts a model that fits", () => {
    checkFitsInMemory(facts, { ramBytes: 6e9, vramBytes: 4e9 });
  });
});

describe("formatBytes", () => {
  it("uses decimal units", () => {
    assert.equal(formatBytes(999), "999 B");
    assert.equal(formatBytes(1_750_560), "1.8 MB");
    assert.equal(formatBytes(1.12e9), "1.1 GB");
  });
});
