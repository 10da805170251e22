import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultCacheDir, JsonMapFile, threadCalibrationStore } from "./json-store";
import { onStoreNotice, type StoreNotice } from "./store-notices";

describe("JsonMapFile", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-store-"));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("returns undefined before anything is stored", async () => {
    const store = new JsonMapFile<number>(path.join(dir, "none.json"));
    assert.equal(await store.get("a"), undefined);
  });

  it("stores values by key, in a file another instance can read", async () => {
    const file = path.join(dir, "sub", "map.json");
    const store = new JsonMapFile<{ n: number }>(file);
    await store.set("a", { n: 1 });
    await store.set("b", { n: 2 });
    await store.set("a", { n: 3 });
    assert.deepEqual(await store.get("a"), { n: 3 });
    assert.deepEqual(await store.get("b"), { n: 2 });
    assert.deepEqual(await new JsonMapFile(file).get("b"), { n: 2 });
    assert.deepEqual(JSON.parse(await fs.readFile(file, "utf8")), { a: { n: 3 }, b: { n: 2 } });
  });

  it("loses no key when many sets run at once", async () => {
    const store = new JsonMapFile<number>(path.join(dir, "many.json"));
    const keys = Array.from({ length: 25 }, (_, i) => `key-${i}`);
    await Promise.all(keys.map((key, i) => store.set(key, i)));
    for (const [i, key] of keys.entries()) assert.equal(await store.get(key), i, key);
    assert.deepEqual(await fs.readdir(dir), ["many.json"], "no temporary files are left");
  });

  it("a damaged file is read as empty, kept aside before the next write, and the person is told", async () => {
    const file = path.join(dir, "damaged.json");
    const damaged = '{ "other-workspace": ["npm test"], "third": ["ma';
    await fs.writeFile(file, damaged);
    const notices: StoreNotice[] = [];
    const stop = onStoreNotice((notice) => notices.push(notice));
    try {
      const store = new JsonMapFile<string[]>(file);
      assert.equal(await store.get("mine"), undefined);
      assert.equal(await store.get("other-workspace"), undefined);
      assert.equal(notices.length, 1, "one notice for reads of the same damage");
      assert.match(notices[0]!.message, /damaged\.json is damaged \(not valid JSON\).*left it as it is/);
      await store.set("mine", ["make"]);
      const aside = (await fs.readdir(dir)).filter((n) => n.startsWith("damaged.json.damaged-"));
      assert.equal(aside.length, 1, "the damaged file is kept beside the new one");
      assert.equal(await fs.readFile(path.join(dir, aside[0]!), "utf8"), damaged, "byte for byte");
      assert.match(notices[1]?.message ?? "", new RegExp(`kept as ${aside[0]!.replace(/\./g, "\\.")}`));
      assert.deepEqual(JSON.parse(await fs.readFile(file, "utf8")), { mine: ["make"] });
    } finally {
      stop();
    }
  });

  it("JSON that is not an object counts as damaged", async () => {
    const file = path.join(dir, "array.json");
    await fs.writeFile(file, "[1, 2]");
    const store = new JsonMapFile<number>(file);
    await store.set("a", 1);
    assert.equal((await fs.readdir(dir)).filter((n) => n.startsWith("array.json.damaged-")).length, 1);
    assert.equal(await store.get("a"), 1);
  });

  it("keeps working after a write fails", async () => {
    const blocker = path.join(dir, "blocker");
    await fs.writeFile(blocker, "a file where the store's folder should be");
    const store = new JsonMapFile<number>(path.join(blocker, "map.json"));
    await assert.rejects(store.set("a", 1));
    await fs.rm(blocker);
    await store.set("b", 2);
    assert.equal(await store.get("b"), 2);
  });
});

describe("threadCalibrationStore", () => {
  it("keeps thread choices in the cache folder", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cache-"));
    try {
      const store = threadCalibrationStore(dir);
      const choice = {
        threads: 1,
        promptThreads: 1,
        generationThreads: 1,
        source: "measured" as const,
        measurements: [{ threads: 1, tokensPerSecond: 100, promptTokensPerSecond: 300, generationTokensPerSecond: 50 }],
      };
      await store.set("model|CPU", choice);
      assert.deepEqual(await store.get("model|CPU"), choice);
      assert.deepEqual(await fs.readdir(dir), ["thread-calibration.json"]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe("defaultCacheDir", () => {
  it("honours PINCER_CACHE_DIR, then XDG_CACHE_HOME on Linux", function () {
    assert.equal(defaultCacheDir({ PINCER_CACHE_DIR: "/tmp/pincer-cache" }), "/tmp/pincer-cache");
    if (process.platform !== "linux") {
      console.warn("    skipped: the XDG cache folder is the Linux default only");
      this.skip();
    }
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: "/xdg/cache" }), path.join("/xdg/cache", "pincer"));
    assert.equal(defaultCacheDir({}), path.join(os.homedir(), ".cache", "pincer"));
  });
});
