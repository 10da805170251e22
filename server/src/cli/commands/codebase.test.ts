// pincer index / pincer search from the built CLI on a temporary workspace (no model needed).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const bin = path.join(root, "bin", "pincer.js");

describe("pincer index / search (CLI)", function () {
  this.timeout(120_000);
  let ws: string;
  let cache: string;
  const pincer = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: ws, encoding: "utf8", env: { ...process.env, PINCER_CACHE_DIR: cache, PINCER_SETTINGS: path.join(cache, "none.json") } });

  before(async function () {
    if (!existsSync(path.join(root, "dist", "server", "main.mjs"))) {
      console.warn("  skipped: dist/server/main.mjs is not built (npm run build); the CLI tests run the built bundle");
      this.skip();
    }
    ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cli-index-")));
    cache = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cli-cache-")));
    await fs.writeFile(path.join(ws, "parser.py"), "def tokenize_source(text):\n    \"\"\"Split source text into tokens.\"\"\"\n    return text.split()\n");
  });

  it("index --json prints the counts; search --json prints the documented shape; exit codes", () => {
    const indexed = pincer("index", "--json");
    assert.equal(indexed.status, 0, indexed.stderr);
    const report = JSON.parse(indexed.stdout) as { files: number; chunks: number; vectors: number; embeddingModel: string | null };
    assert.deepEqual([report.files, report.embeddingModel], [1, null]);
    assert.ok(report.chunks >= 1);

    const found = pincer("search", "split text into tokens", "--json", "--limit", "3");
    assert.equal(found.status, 0, found.stderr);
    const result = JSON.parse(found.stdout) as { query: string; mode: string; hits: { path: string; startLine: number; endLine: number; symbols: string[]; matchedBy: string[]; text: string }[] };
    assert.equal(result.mode, "lexical");
    assert.deepEqual([result.hits[0]?.path, result.hits[0]?.symbols, result.hits[0]?.startLine], ["parser.py", ["tokenize_source"], 1]);

    const text = pincer("search", "tokenize");
    assert.match(text.stdout, /^parser\.py:1-3 \(tokenize_source\)$/m);
    assert.equal(pincer("search").status, 2, "the query is required");
    assert.equal(pincer("search", "x", "--limit", "99").status, 2);
    assert.equal(pincer("index", "--workspace", path.join(ws, "missing")).status, 1);
  });
});
