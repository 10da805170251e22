import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_SETTINGS, type PincerSettings } from "../protocol";
import { ModelHost, NoModelError, type HostStatus } from "./model-host";

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

describe("ModelHost", () => {
  let modelPath: string;
  let dir: string;
  let modelsDir: string;
  let host: ModelHost;
  let statuses: HostStatus[];
  let logged: string[];

  const settings = (overrides: Partial<PincerSettings>): PincerSettings => ({
    ...DEFAULT_SETTINGS,
    // gpu off: the backend is "CPU" on any machine; one thread: the tiny model is fastest so.
    gpu: "off",
    threads: 1,
    contextSize: 512,
    modelsDir,
    ...overrides,
  });

  before(async function () {
    modelPath = await requireTestModel(this);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-host-"));
    modelsDir = path.join(dir, "models");
    await fs.mkdir(modelsDir);
  });

  beforeEach(() => {
    statuses = [];
    logged = [];
    host = new ModelHost({ log: (level, message) => logged.push(`${level}: ${message}`), onStatus: (status) => statuses.push(status) });
  });

  afterEach(async () => {
    await host?.dispose();
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("has no model when none is set, and says so to whoever needs one", async () => {
    await host.configure(settings({ model: "" }));
    assert.equal(host.status.state, "no-model");
    assert.match(host.status.message ?? "", /No model is selected/);
    await assert.rejects(host.requireEngine(NEVER_ABORTED), (error: Error) => error instanceof NoModelError && /No model is selected/.test(error.message));
  });

  it("reports a file that is not a model as an error naming the file", async () => {
    const notes = path.join(dir, "notes.gguf");
    await fs.writeFile(notes, "just some notes\n");
    await host.configure(settings({ model: notes }));
    assert.deepEqual(
      statuses.map((s) => s.state),
      ["loading", "error"],
    );
    assert.equal(host.status.modelPath, notes);
    assert.ok(host.status.message?.includes("notes.gguf") && /GGUF/.test(host.status.message), host.status.message);
    assert.ok(logged.some((line) => line.startsWith("error:") && line.includes("notes.gguf")), logged.join("\n"));
    await assert.rejects(host.requireEngine(NEVER_ABORTED), (error: Error) => error instanceof NoModelError && error.message.includes("notes.gguf"));
  });

  it("loads a good model: loading, then ready on the CPU", async () => {
    const progress: string[] = [];
    host = new ModelHost({ log: () => undefined, onStatus: (s) => statuses.push(s), onLoadProgress: (event) => progress.push(event.kind) });
    await host.configure(settings({ model: modelPath }));
    assert.deepEqual(
      statuses.map((s) => s.state),
      ["loading", "ready"],
    );
    assert.equal(statuses[0]!.modelPath, modelPath);
    const { memory, ...status } = host.status;
    assert.deepEqual(status, { state: "ready", model: path.basename(modelPath, ".gguf"), modelPath, backend: "CPU", message: undefined });
    // Each feature's window is sized at load and created on first use: none exists yet.
    assert.deepEqual(memory?.contexts.map((c) => [c.feature, c.live, c.sequences]), [["completion", false, 2], ["chat", false, 1], ["agent", false, 1]]);
    assert.ok(memory!.modelExpectedBytes > 0 && memory!.contexts.every((c) => c.expectedBytes > 0), "node-llama-cpp's estimates");
    assert.equal(progress[0], "begin");
    assert.equal(progress[progress.length - 1], "end");

    const engine = await host.requireEngine(NEVER_ABORTED);
    assert.equal(engine.facts.path, modelPath);
    assert.equal(engine.backend.backend, "CPU");
  });

  it("a caller waiting for a load in progress stops waiting when its signal aborts; the load goes on", async () => {
    let started!: () => void;
    const loadStarted = new Promise<void>((resolve) => (started = resolve));
    host = new ModelHost({ log: () => undefined, onStatus: (s) => s.state === "loading" && started() });
    const loading = host.configure(settings({ model: modelPath }));
    await loadStarted;
    const controller = new AbortController();
    const waiting = host.requireEngine(controller.signal);
    controller.abort();
    await assert.rejects(waiting, { name: "AbortError" });
    await assert.rejects(host.requireEngine(AbortSignal.abort()), { name: "AbortError" });
    await loading;
    assert.equal((await host.requireEngine(NEVER_ABORTED)).facts.path, modelPath, "the load finished for the others");
  });

  it("reports busy while a generation runs", async () => {
    await host.configure(settings({ model: modelPath }));
    const engine = await host.requireEngine(NEVER_ABORTED);
    statuses.length = 0;
    await engine.sequence("chat").generate("hello", { signal: NEVER_ABORTED, maxTokens: 3 });
    // The first generation creates the chat's window: a second "busy" carries the new memory figures.
    assert.deepEqual(
      statuses.map((s) => s.state),
      ["busy", "busy", "ready"],
    );
    const live = (i: number) => statuses[i]!.memory?.contexts.filter((c) => c.live).map((c) => c.feature);
    assert.deepEqual([live(0), live(1), live(2)], [[], ["chat"], ["chat"]]);
    assert.equal(typeof statuses[1]!.memory!.contexts.find((c) => c.feature === "chat")!.measuredBytes, "number", "the window's measured cost");
    statuses.length = 0;
    await engine.sequence("chat").generate("hello", { signal: NEVER_ABORTED, maxTokens: 3 });
    assert.deepEqual(
      statuses.map((s) => s.state),
      ["busy", "ready"],
      "a warm window is not created again",
    );
  });

  it("does not reload for the same settings, and reloads when one that matters changes", async () => {
    await host.configure(settings({ model: modelPath }));
    const first = await host.requireEngine(NEVER_ABORTED);
    await host.configure(settings({ model: modelPath, completion: { enabled: false, maxTokens: 5, maxLines: 1, debounceMs: 0, model: "", firstSuggestionMs: 0, contextSize: "auto" } }));
    assert.equal(await host.requireEngine(NEVER_ABORTED), first, "the same engine after a configure with the same model settings");
    assert.equal(statuses.filter((s) => s.state === "loading").length, 1);

    await host.configure(settings({ model: modelPath, contextSize: 256 }));
    const second = await host.requireEngine(NEVER_ABORTED);
    assert.notEqual(second, first);
    assert.equal(second.contextSize, 256);
    assert.throws(() => first.sequence("chat"), /unloaded/, "the old engine was disposed");
  });

  it("loads once when the same settings arrive twice while loading", async () => {
    await Promise.all([host.configure(settings({ model: modelPath })), host.configure(settings({ model: modelPath }))]);
    assert.equal(statuses.filter((s) => s.state === "loading").length, 1);
    assert.equal(host.status.state, "ready");
  });

  it("does not finish a load for a model that was cleared meanwhile", async () => {
    const loading = host.configure(settings({ model: modelPath }));
    await host.configure(settings({ model: "" }));
    await loading;
    assert.equal(host.status.state, "no-model");
    assert.deepEqual(
      statuses.map((s) => s.state),
      ["loading", "no-model"],
    );
    await assert.rejects(host.requireEngine(NEVER_ABORTED), NoModelError);
  });

  it("loads only the newest of two different settings sent together", async () => {
    await Promise.all([host.configure(settings({ model: modelPath, contextSize: 256 })), host.configure(settings({ model: modelPath, contextSize: 512 }))]);
    assert.equal(host.status.state, "ready");
    assert.equal((await host.requireEngine(NEVER_ABORTED)).contextSize, 512);
  });

  it("says an hf: model is not downloaded yet, and unloads the previous model", async () => {
    await host.configure(settings({ model: modelPath }));
    const previous = await host.requireEngine(NEVER_ABORTED);

    await host.configure(settings({ model: "hf:owner/repo/not-here-q4.gguf" }));
    assert.equal(host.status.state, "no-model");
    assert.match(host.status.message ?? "", /hf:owner\/repo\/not-here-q4\.gguf is not downloaded/);
    await assert.rejects(host.requireEngine(NEVER_ABORTED), (error: Error) => error instanceof NoModelError && /not downloaded/.test(error.message));
    assert.throws(() => previous.sequence("chat"), /unloaded/);
  });

  it("loads a downloaded hf: model from the models folder", async () => {
    const target = path.join(modelsDir, "downloaded-q4.gguf");
    await fs.copyFile(modelPath, target);
    await host.configure(settings({ model: "hf:owner/repo/sub/downloaded-q4.gguf" }));
    assert.equal(host.status.state, "ready", host.status.message);
    assert.equal(host.status.modelPath, target);
    assert.equal((await host.requireEngine(NEVER_ABORTED)).facts.path, target);
  });

  it("reports a malformed model setting as an error", async () => {
    await host.configure(settings({ model: "hf:owner/repo" }));
    assert.equal(host.status.state, "error");
    assert.match(host.status.message ?? "", /must name the file/);
  });

  it("switching models stops the check of a slow file at once", async () => {
    // A well-formed header with three million metadata strings: reading it takes seconds.
    const strings = 3_000_000;
    const key = (name: string) => Buffer.concat([u64(name.length), Buffer.from(name, "latin1")]);
    const head = Buffer.concat([
      Buffer.from("GGUF", "latin1"),
      u32(3),
      u64(0),
      u64(2),
      key("general.architecture"),
      u32(8),
      key("llama"),
      key("big.list"),
      u32(9),
      u32(8),
      u64(strings),
    ]);
    const item = Buffer.concat([u64(1), Buffer.from("x")]);
    const body = Buffer.alloc(item.length * strings);
    for (let i = 0; i < strings; i++) item.copy(body, i * item.length);
    const slow = path.join(dir, "slow.gguf");
    await fs.writeFile(slow, Buffer.concat([head, body]));

    const first = host.configure(settings({ model: slow }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const switched = performance.now();
    const second = host.configure(settings({ model: modelPath }));
    await first;
    const firstStopped = (performance.now() - switched) / 1000;
    await second;
    assert.ok(firstStopped < 1, `the check of the old file went on for ${firstStopped.toFixed(2)} s after the switch`);
    assert.equal(host.status.state, "ready", host.status.message);
    assert.equal(host.status.modelPath, modelPath);
  });
});

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

function u64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(BigInt(value));
  return buffer;
}
