import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { OcrCache } from "./ocr-cache";
import type { OcrResult } from "./types";

const result = (sha256: string): OcrResult => ({
  sha256,
  kind: "png",
  languages: ["eng"],
  pages: [{ page: 1, source: "ocr", width: 10, height: 10, lines: [{ text: "hi", confidence: 90, box: { x0: 0, y0: 0, x1: 5, y1: 5 }, words: [] }], markdown: "hi" }],
  pageCount: 1,
  markdown: "hi",
  confidence: 90,
  notes: [],
  cached: false,
  elapsedMs: 5,
});

describe("OcrCache", () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-ocr-cache-"))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it("keeps results on disk for the next process", async () => {
    const key = OcrCache.key("a".repeat(64), ["eng"]);
    await new OcrCache(dir).set(key, result("a".repeat(64)));
    assert.deepEqual(await new OcrCache(dir).get(key), result("a".repeat(64)));
  });

  it("drops an entry of the wrong shape and computes again, instead of failing every run", async () => {
    const sha = "b".repeat(64);
    const key = OcrCache.key(sha, ["eng"]);
    const file = path.join(dir, "ocr", `${key}.json`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const wrong: unknown[] = [
      { ...result(sha), pages: "none" },
      { ...result(sha), pages: [{ page: 1, lines: null }] },
      { ...result(sha), markdown: 5 },
      { ...result(sha), sha256: "c".repeat(64) },
      [],
      "text",
    ];
    for (const entry of wrong) {
      await fs.writeFile(file, JSON.stringify(entry));
      assert.equal(await new OcrCache(dir).get(key), undefined, JSON.stringify(entry));
      await assert.rejects(fs.stat(file), { code: "ENOENT" }, "the bad entry is removed");
    }
    await fs.writeFile(file, "{ not json");
    assert.equal(await new OcrCache(dir).get(key), undefined);
  });
});
