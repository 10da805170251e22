// Each feature's context: sized per feature at load, created on first use, released when idle,
// with the KV cache type asked for (read back from the live context).
import assert from "node:assert/strict";
import { once } from "node:events";
import { EventEmitter } from "node:events";
import { Engine, type EngineMemoryOptions } from "./engine";

const NEVER_ABORTED = new AbortController().signal;

async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

describe("Engine: a context per feature", () => {
  let modelPath: string;
  let engine: Engine | undefined;
  const changes = new EventEmitter();

  before(async function () {
    modelPath = await requireTestModel(this);
  });
  afterEach(async () => {
    await engine?.dispose();
    engine = undefined;
  });

  async function load(contextSize: number, memory: EngineMemoryOptions): Promise<Engine> {
    engine = await Engine.load({
      signal: NEVER_ABORTED,
      modelPath,
      settings: { gpu: "off", gpuLayers: 0, threads: 1, contextSize },
      log: () => undefined,
      memory,
      onMemoryChange: () => changes.emit("change"),
    });
    return engine;
  }

  const live = (e: Engine) => e.memoryReport().contexts.filter((c) => c.live).map((c) => c.feature);

  it("sizes completion's window apart (auto: 2048 at most) and creates each window on its feature's first use", async () => {
    const e = await load(4096, {});
    assert.deepEqual(
      e.memoryReport().contexts.map((c) => [c.feature, c.contextSize, c.sequences, c.live]),
      [["completion", 2048, 2, false], ["chat", 4096, 1, false], ["agent", 4096, 1, false]],
    );
    assert.equal(e.contextSize, 4096, "the main window is the chat's");
    assert.equal(e.sequence("completion").contextSize, 2048);
    await e.sequence("completion").withTokenStreams(NEVER_ABORTED, async (streams) => {
      assert.deepEqual(streams.map((s) => s.contextSize), [2048, 2048], "completion's two sequences");
    });
    assert.deepEqual(live(e), ["completion"]);
    await e.sequence("chat").generate("hello", { signal: NEVER_ABORTED, maxTokens: 2 });
    assert.deepEqual(live(e), ["completion", "chat"]);
    const chat = e.memoryReport().contexts.find((c) => c.feature === "chat")!;
    const completion = e.memoryReport().contexts.find((c) => c.feature === "completion")!;
    assert.ok(chat.expectedBytes > completion.expectedBytes / 2, "estimates follow the cells (4096 vs 2 × 2048)");
  });

  it("takes completion's size from the setting, never above the main window", async () => {
    const e = await load(1024, { completionContextSize: 768 });
    assert.equal(e.sequence("completion").contextSize, 768);
    await engine!.dispose();
    const small = await load(512, {});
    assert.equal(small.sequence("completion").contextSize, 512, "auto is at most the main window");
  });

  it("releases a window unused for idleReleaseMs and creates it again, empty, on the next use", async () => {
    const e = await load(512, { idleReleaseMs: 30 });
    const chat = e.sequence("chat");
    const created = once(changes, "change");
    await chat.generate("hello there", { signal: NEVER_ABORTED, maxTokens: 2 });
    await created;
    assert.ok(chat.cachedTokenCount > 0);
    const evaluated = chat.evaluatedInputTokens;
    await once(changes, "change"); // released once idle
    assert.deepEqual(live(e), []);
    assert.equal(chat.cachedTokenCount, 0, "nothing cached while released");
    assert.deepEqual(chat.peekStreams(), [], "no streams to read while released");
    await chat.generate("hello there", { signal: NEVER_ABORTED, maxTokens: 2 });
    assert.deepEqual(live(e), ["chat"]);
    assert.ok(chat.evaluatedInputTokens > evaluated, "the prompt was evaluated again, and the count kept across windows");
  });

  it("keeps a window while work holds it, however long it runs", async () => {
    const e = await load(512, { idleReleaseMs: 1 });
    await e.sequence("agent").withTokens(NEVER_ABORTED, async (stream) => {
      await stream.generateAfter(stream.tokenize("one two three"), { maxTokens: 2, signal: NEVER_ABORTED });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(live(e), ["agent"]);
      await stream.generateAfter(stream.tokenize("one two three four"), { maxTokens: 2, signal: NEVER_ABORTED });
    });
    await once(changes, "change");
    assert.deepEqual(live(e), []);
  });

  it("falls back to an f16 cache, and says so, where llama.cpp refuses q8_0 for the model (head size 16)", async () => {
    const warnings: string[] = [];
    engine = await Engine.load({
      signal: NEVER_ABORTED,
      modelPath,
      settings: { gpu: "off", gpuLayers: 0, threads: 1, contextSize: 512 },
      log: (level, message) => level === "warn" && warnings.push(message),
      memory: { kvCacheType: "q8_0" },
    });
    const result = await engine.sequence("chat").generate("hello", { signal: NEVER_ABORTED, maxTokens: 2 });
    assert.ok(result.generatedTokens > 0);
    assert.equal(engine.memoryReport().contexts.find((c) => c.feature === "chat")!.kvCacheType, "f16");
    assert.match(warnings.join("\n"), /chat: a q8_0 KV cache could not be created.*using f16/);
  });

  it("uses a q8_0 KV cache when asked (read back from llama.cpp), expected smaller than f16", async function () {
    this.timeout(120_000);
    const helper = "../../../test/support/synthetic-model.ts";
    const { writeSyntheticModel } = (await import(helper)) as { writeSyntheticModel(options: object): Promise<{ path: string }> };
    const os = await import("node:os");
    const path = await import("node:path");
    const fs = await import("node:fs/promises");
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-kv-"));
    try {
      // Head size 64 (128 / 2 heads): a multiple of q8_0's block, as real models have.
      const model = await writeSyntheticModel({ out: path.join(dir, "head64.gguf"), preset: "tiny", shape: { hidden: 128, heads: 2, kvHeads: 2 } });
      const loadWith = (kvCacheType: "f16" | "q8_0") =>
        Engine.load({ signal: NEVER_ABORTED, modelPath: model.path, settings: { gpu: "off", gpuLayers: 0, threads: 1, contextSize: 4096 }, log: () => undefined, memory: { kvCacheType } });
      const f16 = await loadWith("f16");
      const f16Bytes = f16.memoryReport().contexts.find((c) => c.feature === "chat")!.expectedBytes;
      await f16.dispose();
      engine = await loadWith("q8_0");
      const result = await engine.sequence("chat").generate("hello", { signal: NEVER_ABORTED, maxTokens: 3 });
      assert.ok(result.generatedTokens > 0);
      const chat = engine.memoryReport().contexts.find((c) => c.feature === "chat")!;
      assert.equal(chat.kvCacheType, "q8_0", "node-llama-cpp ignores a lower-case type name: the engine must pass the ggml type");
      // node-llama-cpp's own estimate counts q8_0 at 34 bytes an element (17× f16): corrected, it is below f16's.
      assert.ok(chat.expectedBytes < f16Bytes && chat.expectedBytes > f16Bytes / 3, `${chat.expectedBytes} vs f16 ${f16Bytes}`);
    } finally {
      await engine?.dispose();
      engine = undefined;
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
