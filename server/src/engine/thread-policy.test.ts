import assert from "node:assert/strict";
import type { LlamaModel } from "node-llama-cpp";
import { sharedBackend } from "./engine";
import {
  calibrationKey,
  choiceSpeed,
  chooseThreads,
  fastest,
  measureThreads,
  threadCandidates,
  validThreadChoice,
  type ThreadCalibrationStore,
  type ThreadChoice,
  type ThreadMeasurement,
} from "./thread-policy";

/** A measurement whose three speeds are given in that order. */
const measured = (threads: number, tokensPerSecond: number, promptTokensPerSecond = tokensPerSecond, generationTokensPerSecond = tokensPerSecond): ThreadMeasurement => ({
  threads,
  tokensPerSecond,
  promptTokensPerSecond,
  generationTokensPerSecond,
});

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

/** A store in memory that records what it was asked. */
class MemoryStore implements ThreadCalibrationStore {
  readonly values = new Map<string, ThreadChoice>();
  readonly sets: string[] = [];
  async get(key: string): Promise<ThreadChoice | undefined> {
    return this.values.get(key);
  }
  async set(key: string, choice: ThreadChoice): Promise<void> {
    this.sets.push(key);
    this.values.set(key, choice);
  }
}

/** Stands in for a model that must not be touched: any use throws. */
const untouchableModel = new Proxy(
  {},
  {
    get(_target, property) {
      throw new Error(`the model was used (${String(property)}) although no measurement should run`);
    },
  },
) as unknown as LlamaModel;

describe("threadCandidates", () => {
  it("tries 1, the powers of two below the core count, and all cores", () => {
    assert.deepEqual(threadCandidates(1), [1]);
    assert.deepEqual(threadCandidates(2), [1, 2]);
    assert.deepEqual(threadCandidates(6), [1, 2, 4, 6]);
    assert.deepEqual(threadCandidates(8), [1, 2, 4, 8]);
    assert.deepEqual(threadCandidates(16), [1, 2, 4, 8, 16]);
  });

  it("still offers one thread when the core count is unknown", () => {
    assert.deepEqual(threadCandidates(0), [1]);
  });
});

describe("fastest", () => {
  it("picks the thread count with the most tokens per second", () => {
    assert.equal(fastest([measured(1, 900), measured(2, 90), measured(4, 300)]), 1);
    assert.equal(fastest([measured(1, 10), measured(8, 40)]), 8);
  });

  it("picks prompt and generation counts separately", () => {
    const measurements = [measured(1, 200, 260, 60), measured(2, 220, 460, 45)];
    assert.equal(fastest(measurements, "promptTokensPerSecond"), 2);
    assert.equal(fastest(measurements, "generationTokensPerSecond"), 1);
  });

  it("falls back to one thread without measurements", () => {
    assert.equal(fastest([]), 1);
  });
});

describe("calibrationKey", () => {
  it("changes with the file, its size, its time stamp and the backend", () => {
    const base = { path: "/m/a.gguf", sizeBytes: 10, mtimeMs: 1000 };
    const key = calibrationKey(base, "CPU");
    assert.equal(calibrationKey({ ...base }, "CPU"), key);
    assert.notEqual(calibrationKey({ ...base, path: "/m/b.gguf" }, "CPU"), key);
    assert.notEqual(calibrationKey({ ...base, sizeBytes: 11 }, "CPU"), key);
    assert.notEqual(calibrationKey({ ...base, mtimeMs: 2000 }, "CPU"), key);
    assert.notEqual(calibrationKey(base, "CUDA"), key);
  });
});

describe("chooseThreads", () => {
  it("uses a numeric setting's cached speeds without measuring", async () => {
    const store = new MemoryStore();
    const measurements = [measured(3, 100, 300, 40)];
    store.values.set("k|threads=3", { threads: 3, promptThreads: 3, generationThreads: 3, source: "setting", measurements });
    const choice = await chooseThreads({ signal: NEVER_ABORTED, setting: 3, model: untouchableModel, cores: 8, cacheKey: "k", store });
    assert.deepEqual(choice, { threads: 3, promptThreads: 3, generationThreads: 3, source: "setting", measurements });
    assert.deepEqual(store.sets, []);
  });

  it("uses a cached measurement without measuring again", async () => {
    const store = new MemoryStore();
    const measurements = [measured(1, 500, 600, 90), measured(2, 50, 700, 20)];
    store.values.set("key", { threads: 2, promptThreads: 2, generationThreads: 1, source: "measured", measurements });
    const choice = await chooseThreads({ signal: NEVER_ABORTED, setting: "auto", model: untouchableModel, cores: 2, cacheKey: "key", store });
    assert.deepEqual(choice, { threads: 2, promptThreads: 2, generationThreads: 1, source: "cached", measurements });
    assert.deepEqual(choiceSpeed(choice), { promptTokensPerSecond: 700, generationMsPerToken: 1000 / 90 });
    assert.deepEqual(store.sets, []);
  });

  it("measures again over an entry from before prompt and generation were timed apart", () => {
    assert.equal(validThreadChoice({ threads: 1, source: "measured", measurements: [{ threads: 1, tokensPerSecond: 500 }] }, 2), undefined);
  });

  it("ignores a cached entry that is out of range or of the wrong shape, and measures again", async () => {
    const ok = measured(1, 10);
    const bad: unknown[] = [
      { threads: 100000, promptThreads: 1, generationThreads: 100000, source: "measured", measurements: [ok] },
      { threads: 0, promptThreads: 0, generationThreads: 0, source: "measured", measurements: [ok] },
      { threads: 1.5, promptThreads: 1.5, generationThreads: 1, source: "measured", measurements: [ok] },
      { threads: "2", promptThreads: 1, generationThreads: 1, source: "measured", measurements: [ok] },
      { threads: 2, promptThreads: 1, generationThreads: 1, source: "measured", measurements: [ok] },
      { threads: 1, promptThreads: 1, generationThreads: 1, source: "measured", measurements: "fast" },
      { threads: 1, promptThreads: 1, generationThreads: 1, source: "measured", measurements: [{ ...ok, threads: "x" }] },
      { threads: 1, promptThreads: 1, generationThreads: 1, source: "measured", measurements: [{ ...ok, promptTokensPerSecond: -1 }] },
      { threads: 1, promptThreads: 1, generationThreads: 1, source: "measured", measurements: [] },
      "1",
      null,
    ];
    for (const entry of bad) {
      const store = new MemoryStore();
      store.values.set("key", entry as ThreadChoice);
      const measured = Object.assign(new Error("measured"), { name: "Measured" });
      const model = new Proxy({}, { get: () => { throw measured; } }) as unknown as LlamaModel;
      // A model that throws on use shows the entry was not trusted: measuring began.
      await assert.rejects(chooseThreads({ signal: NEVER_ABORTED, setting: "auto", model, cores: 2, cacheKey: "key", store }), measured, JSON.stringify(entry));
    }
  });

  it("clamps a numeric setting to the machine's cores", async () => {
    const store = new MemoryStore();
    store.values.set("k|threads=4", { threads: 4, promptThreads: 4, generationThreads: 4, source: "setting", measurements: [measured(4, 10)] });
    const choice = await chooseThreads({ signal: NEVER_ABORTED, setting: 100000, model: untouchableModel, cores: 4, cacheKey: "k", store });
    assert.equal(choice.threads, 4);
  });

  describe("measuring the tiny model", () => {
    let model: LlamaModel;

    before(async function () {
      const modelPath = await requireTestModel(this);
      const { llama } = await sharedBackend("auto", () => undefined);
      model = await llama.loadModel({ modelPath, gpuLayers: 0 });
    });

    after(async () => {
      await model?.dispose();
    });

    it("measures each candidate, keeps the fastest and stores it", async () => {
      const store = new MemoryStore();
      const choice = await chooseThreads({ signal: NEVER_ABORTED, setting: "auto", model, cores: 2, cacheKey: "tiny", store });
      assert.equal(choice.source, "measured");
      assert.deepEqual(
        choice.measurements.map((m) => m.threads),
        [1, 2],
      );
      for (const m of choice.measurements) {
        for (const speed of [m.tokensPerSecond, m.promptTokensPerSecond, m.generationTokensPerSecond]) assert.ok(Number.isFinite(speed) && speed > 0, `${m.threads}: ${speed}`);
      }
      assert.equal(choice.promptThreads, fastest(choice.measurements, "promptTokensPerSecond"));
      assert.equal(choice.generationThreads, fastest(choice.measurements, "generationTokensPerSecond"));
      assert.equal(choice.threads, Math.max(choice.promptThreads, choice.generationThreads));
      assert.deepEqual(store.sets, ["tiny"]);
      assert.deepEqual(store.values.get("tiny"), choice);

      // The next load finds it.
      const again = await chooseThreads({ signal: NEVER_ABORTED, setting: "auto", model: untouchableModel, cores: 2, cacheKey: "tiny", store });
      assert.deepEqual(again, { ...choice, source: "cached" });
    });

    it("measures when the store cannot be read, and survives a store that cannot be written", async () => {
      const broken: ThreadCalibrationStore = {
        get: () => Promise.reject(new Error("unreadable")),
        set: () => Promise.reject(new Error("read-only")),
      };
      const choice = await chooseThreads({ signal: NEVER_ABORTED, setting: "auto", model, cores: 1, cacheKey: "tiny", store: broken });
      assert.equal(choice.source, "measured");
      assert.equal(choice.threads, 1);
      assert.equal(choice.measurements.length, 1);
    });

    it("times a numeric setting once at that count and remembers it under its own key", async () => {
      const store = new MemoryStore();
      const choice = await chooseThreads({ signal: NEVER_ABORTED, setting: 1, model, cores: 2, cacheKey: "tiny", store });
      assert.equal(choice.source, "setting");
      assert.deepEqual(
        choice.measurements.map((m) => m.threads),
        [1],
      );
      assert.deepEqual([choice.threads, choice.promptThreads, choice.generationThreads], [1, 1, 1]);
      assert.deepEqual(store.sets, ["tiny|threads=1"]);
    });

    it("stops when the signal is aborted", async () => {
      await assert.rejects(measureThreads(model, [1, 2], AbortSignal.abort()), (error: Error) => error.name === "AbortError");
    });
  });
});
