// `pincer doctor` from the bundled CLI shows the model's and each feature's window memory (issue 23):
// node-llama-cpp's estimate and the measured growth of resident memory, in text and in --json.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { EngineMemoryReport } from "../../server/src/protocol";
import { SERVER_BUNDLE } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

describe("pincer doctor: memory", function () {
  this.timeout(120_000);
  let model: string;
  let dir: string;
  const run = (args: string[]) =>
    spawnSync(process.execPath, [SERVER_BUNDLE, "doctor", "--model", model, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PINCER_CACHE_DIR: dir, PINCER_SETTINGS: path.join(dir, "settings.json") },
    });

  before(async function () {
    model = requireTestModel(this);
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-doctor-cli-")));
    await fs.writeFile(path.join(dir, "settings.json"), JSON.stringify({ "pincer.threads": 1, "pincer.contextSize": 1024 }));
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("--json has the expected and measured memory of the model and of every feature's window", () => {
    const result = run(["--json"]);
    assert.equal(result.status, 0, result.stderr);
    const memory = (JSON.parse(result.stdout) as { memory: EngineMemoryReport }).memory;
    assert.ok(memory.modelExpectedBytes > 0 && memory.processRssBytes > 0);
    assert.equal(typeof memory.modelMeasuredBytes, "number");
    assert.deepEqual(
      memory.contexts.map((c) => [c.feature, c.contextSize, c.sequences, c.kvCacheType, c.live, typeof c.measuredBytes]),
      [
        ["completion", 1024, 2, "f16", true, "number"],
        ["chat", 1024, 1, "f16", true, "number"],
        ["agent", 1024, 1, "f16", true, "number"],
      ],
    );
  });

  it("prints one line per part", () => {
    const result = run([]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Memory: \d+ MB resident now$/m);
    assert.match(result.stdout, /^ {2}model: expected \d+ MB, measured \d+ MB$/m);
    assert.match(result.stdout, /^ {2}chat window \(\d+ tokens, f16 KV cache\): expected \d+ MB, measured \d+ MB$/m);
  });
});
