// `pincer chat --context FILE` from the bundled CLI: files are attached, confined to the current
// folder, and what did not fit the window is named on stderr.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SERVER_BUNDLE } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

describe("pincer chat --context", function () {
  this.timeout(120_000);
  let model: string;
  let dir: string;
  const run = (args: string[]) =>
    spawnSync(process.execPath, [SERVER_BUNDLE, "chat", "--model", model, "--max-tokens", "4", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PINCER_CACHE_DIR: dir, PINCER_SETTINGS: path.join(dir, "none.json") },
    });

  before(async function () {
    model = requireTestModel(this);
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-chat-cli-")));
    await fs.writeFile(path.join(dir, "small.ts"), "export const a = 1;\n");
    await fs.writeFile(path.join(dir, "huge.txt"), "word ".repeat(12_000));
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("attaches the files and names the one that did not fit", () => {
    const result = run(["--context", "small.ts", "--context", "huge.txt", "explain"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /left out \(did not fit the \d+-token window\): huge\.txt/);
    assert.doesNotMatch(result.stderr, /small\.ts/);
  });

  it("refuses a file outside the current folder with exit code 1", () => {
    const result = run(["--context", "/etc/hostname", "explain"]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /--context \/etc\/hostname: outside the workspace/);
  });
});
