import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { backendName } from "./backend";
import { Engine } from "./engine";
import type { EngineSequence } from "./sequence";

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

// One thread: on a shared 2-vCPU machine the tiny model is ~10x slower with two.
const SETTINGS = { gpu: "auto", gpuLayers: "auto", threads: 1, contextSize: 512 } as const;

describe("Engine", () => {
  let modelPath: string;
  let engine: Engine;
  let active: number[];

  before(async function () {
    modelPath = await requireTestModel(this);
    active = [];
    const progress: number[] = [];
    engine = await Engine.load({
      signal: NEVER_ABORTED,
      modelPath,
      settings: SETTINGS,
      log: () => undefined,
      onProgress: (fraction) => progress.push(fraction),
      onActivity: (count) => active.push(count),
    });
    assert.equal(progress[0], 0);
    assert.equal(progress[progress.length - 1], 1);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, "load progress never goes back");
  });

  after(async () => {
    await engine?.dispose();
  });

  beforeEach(() => {
    active = [];
  });

  it("counts tokens exactly up to a limit, and gives up early on a text far above it", () => {
    const small = "function add(a, b) { return a + b; }\n".repeat(100);
    assert.equal(engine.tokenCountUpTo(small, 10), engine.tokenCount(small));
    const medium = "function add(a, b) { return a + b; }\n".repeat(3000); // 114 KB
    assert.equal(engine.tokenCountUpTo(medium, 1_000_000), engine.tokenCount(medium), "exact when it may fit");
    const huge = "function add(a, b) { return a + b; }\n".repeat(200_000); // 7.6 MB
    const started = performance.now();
    const counted = engine.tokenCountUpTo(huge, 1024);
    assert.ok(counted > 1024, `${counted}`);
    assert.ok(performance.now() - started < 500, `${(performance.now() - started).toFixed(0)} ms`);
  });

  it("runs on the CPU when no GPU backend is present, and says so", () => {
    assert.equal(engine.backend.backend, backendName(engine.llama.gpu));
    if (engine.llama.gpu === false) {
      assert.equal(engine.backend.backend, "CPU");
      assert.deepEqual(engine.backend.gpuDevices, []);
      assert.equal(engine.gpuLayers, 0);
    }
    assert.ok(engine.backend.cpuMathCores >= 1);
    assert.ok(engine.backend.memory.totalBytes > 0);
  });

  it("reports the model's facts, the thread choice and the context size", async () => {
    assert.equal(engine.facts.path, modelPath);
    assert.equal(engine.facts.architecture, "llama");
    assert.ok(engine.facts.layers > 0);
    assert.equal(engine.facts.sizeBytes, (await fs.stat(modelPath)).size);
    // A numeric setting is used as it is, and timed once so the completion's time budget has speeds.
    assert.deepEqual([engine.threads.threads, engine.threads.promptThreads, engine.threads.generationThreads, engine.threads.source], [1, 1, 1, "setting"]);
    assert.deepEqual(
      engine.threads.measurements.map((m) => m.threads),
      [1],
    );
    assert.ok(engine.speed.figures.promptTokensPerSecond > 0 && engine.speed.figures.generationMsPerToken > 0);
    assert.equal(engine.contextSize, 512);
    assert.equal(engine.sequence("completion").contextSize, 512);
  });

  it("keeps a distinct, independent sequence per feature", async () => {
    const completion = engine.sequence("completion");
    const chat = engine.sequence("chat");
    const agent = engine.sequence("agent");
    assert.equal(new Set([completion, chat, agent]).size, 3);
    assert.equal(engine.sequence("chat"), chat, "the same feature gets the same warm sequence");
    assert.deepEqual([completion.slot, chat.slot, agent.slot], ["completion", "chat", "agent"]);

    await completion.generate("function add(a, b) {", { signal: NEVER_ABORTED, maxTokens: 4 });
    const completionTokens = completion.cachedTokenCount;
    assert.ok(completionTokens > 0, "the completion sequence holds its prompt");
    const agentTokens = agent.cachedTokenCount;

    await chat.generate("The quick brown fox jumps over the lazy dog, again and again,", { signal: NEVER_ABORTED, maxTokens: 4 });
    assert.ok(chat.cachedTokenCount > 0);
    assert.equal(completion.cachedTokenCount, completionTokens, "work on chat leaves the completion sequence's state alone");
    assert.equal(agent.cachedTokenCount, agentTokens);
  });

  it("streams generated text through onText", async () => {
    const chunks: string[] = [];
    const result = await engine.sequence("completion").generate("Once upon a time", { signal: NEVER_ABORTED, maxTokens: 12, onText: (text) => chunks.push(text) });
    assert.ok(chunks.length > 1, `chunks: ${chunks.length}`);
    assert.equal(chunks.join(""), result.text);
    assert.ok(["maxTokens", "eos"].includes(result.stopReason));
    if (result.stopReason === "maxTokens") assert.equal(result.generatedTokens, 12);
    assert.equal(result.tokensAfterAbort, 0);
    assert.deepEqual(active, [1, 0], "the generation was reported as activity");
  });

  it("stops at a caller's stop text", async () => {
    const sequence = engine.sequence("completion");
    const free = await sequence.generate("Once upon a time", { signal: NEVER_ABORTED, maxTokens: 12 });
    // The model is deterministic at temperature 0: ask it to stop at a word it is about to write.
    const word = free.text.trim().split(/\s+/)[1] ?? free.text.trim();
    assert.ok(word.length > 0, `text: ${JSON.stringify(free.text)}`);
    const stopped = await sequence.generate("Once upon a time", { signal: NEVER_ABORTED, maxTokens: 12, stopTexts: [word] });
    assert.equal(stopped.stopReason, "stopText");
    assert.ok(!stopped.text.includes(word), `${JSON.stringify(stopped.text)} should end before ${JSON.stringify(word)}`);
  });

  it("stops promptly when the signal is aborted from inside onText", async () => {
    const controller = new AbortController();
    let chunks = 0;
    const result = await engine.sequence("completion").generate("In the beginning", {
      maxTokens: 100,
      signal: controller.signal,
      onText: () => {
        if (++chunks === 3) controller.abort();
      },
    });
    assert.equal(result.stopReason, "cancelled");
    assert.ok(result.tokensAfterAbort <= 1, `tokens after abort: ${result.tokensAfterAbort}`);
    assert.ok(chunks <= 4, `chunks: ${chunks}`);
    assert.ok(result.generatedTokens < 100);
  });

  it("runs a chat turn on the chat sequence while the completion sequence generates", async () => {
    const [chat, completion] = await Promise.all([
      engine.sequence("chat").chat("Hello, who are you?", { signal: NEVER_ABORTED, maxTokens: 8, systemPrompt: "You are terse." }),
      engine.sequence("completion").generate("const x =", { signal: NEVER_ABORTED, maxTokens: 8 }),
    ]);
    assert.equal(typeof chat.text, "string");
    assert.notEqual(chat.stopReason, "cancelled");
    assert.equal(typeof completion.text, "string");
    assert.notEqual(completion.stopReason, "cancelled");
    assert.equal(Math.max(...active), 2, "both generations were active at once");
    assert.equal(active[active.length - 1], 0);
  });

  it("runs two generations on the same sequence one after the other", async () => {
    const sequence: EngineSequence = engine.sequence("completion");
    const order: string[] = [];
    const [first, second] = await Promise.all([
      sequence.generate("alpha beta", { signal: NEVER_ABORTED, maxTokens: 6, onText: () => order.push("first") }),
      sequence.generate("gamma delta", { signal: NEVER_ABORTED, maxTokens: 6, onText: () => order.push("second") }),
    ]);
    assert.ok(first.text.length > 0 && second.text.length > 0);
    const firstEnds = order.lastIndexOf("first");
    const secondStarts = order.indexOf("second");
    assert.ok(firstEnds >= 0 && secondStarts > firstEnds, `interleaved: ${order.join(" ")}`);
    assert.equal(Math.max(...active), 1, "never two at once on one sequence");
  });

  it("drops a queued generation whose signal fires before its turn", async () => {
    const sequence = engine.sequence("completion");
    const controller = new AbortController();
    const running = sequence.generate("one two three", { signal: NEVER_ABORTED, maxTokens: 6 });
    const queued = sequence.generate("four five six", { maxTokens: 6, signal: controller.signal });
    controller.abort();
    // It is dropped at once, while the generation ahead of it still runs.
    await assert.rejects(queued, (error: Error) => error.name === "AbortError");
    await running;
  });

  it("counts and trims text by tokens", () => {
    const text = "one two three four five six seven eight nine ten";
    const count = engine.tokenCount(text);
    assert.ok(count > 5);
    assert.equal(engine.keepLastTokens(text, 1000), text);
    assert.equal(engine.keepFirstTokens(text, 1000), text);
    const last = engine.keepLastTokens(text, 3);
    const first = engine.keepFirstTokens(text, 3);
    assert.ok(text.endsWith(last.trim()) && last.length < text.length, last);
    assert.ok(text.startsWith(first.trim()) && first.length < text.length, first);
  });
});

describe("Engine.load", () => {
  let modelPath: string;

  before(async function () {
    modelPath = await requireTestModel(this);
  });

  it("keeps the model off the GPU with gpu: off", async () => {
    const engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: { ...SETTINGS, gpu: "off" }, log: () => undefined });
    try {
      assert.equal(engine.backend.backend, "CPU");
      assert.equal(engine.llama.gpu, false);
      assert.equal(engine.gpuLayers, 0);
    } finally {
      await engine.dispose();
    }
    assert.throws(() => engine.sequence("chat"), /unloaded/);
  });

  it("rejects when its signal is already aborted", async () => {
    await assert.rejects(
      Engine.load({ modelPath, settings: SETTINGS, log: () => undefined, signal: AbortSignal.abort() }),
      (error: Error) => error.name === "AbortError",
    );
  });
});
