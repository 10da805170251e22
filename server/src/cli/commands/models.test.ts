// pincer models --recommended, as a person runs it: the stable JSON shape and the table.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RecommendedModelsResult } from "../../protocol";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const cli = path.join(repo, "server", "src", "main.ts");

describe("pincer models --recommended", function () {
  this.timeout(120_000);
  let scratch: string;

  before(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-models-cli-"));
    await fs.writeFile(path.join(scratch, "settings.json"), JSON.stringify({ "pincer.gpu": "off", "pincer.modelsDir": path.join(scratch, "models") }));
    // A real-size calibration of this machine, as the thread policy stores it: 10 generated tokens/s on 500 MB.
    const cpu = os.cpus()[0]?.model ?? "cpu";
    const key = ["/m/real.gguf", 500_000_000, 1, "CPU", cpu, os.cpus().length].join("|");
    const measurements = [{ threads: 1, tokensPerSecond: 30, promptTokensPerSecond: 60, generationTokensPerSecond: 10 }];
    await fs.mkdir(path.join(scratch, "cache"));
    await fs.writeFile(path.join(scratch, "cache", "thread-calibration.json"), JSON.stringify({ [key]: { threads: 1, promptThreads: 1, generationThreads: 1, source: "measured", measurements } }));
  });
  after(() => fs.rm(scratch, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", cli, "models", "--recommended", ...args], {
      env: { ...process.env, PINCER_SETTINGS: path.join(scratch, "settings.json"), PINCER_CACHE_DIR: path.join(scratch, "cache") },
      encoding: "utf8",
      timeout: 60_000,
    });

  it("prints the machine and every catalog model as JSON, speeds scaled from this machine's calibration", () => {
    const result = run("--json");
    assert.equal(result.status, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as RecommendedModelsResult;
    assert.deepEqual(Object.keys(parsed), ["machine", "modelsDir", "models"]);
    assert.equal(parsed.machine.backend, "CPU");
    assert.equal(parsed.machine.ramTotalBytes, os.totalmem());
    assert.equal(parsed.modelsDir, path.join(scratch, "models"));
    const byId = new Map(parsed.models.map((m) => [m.id, m]));
    // 10 tok/s × 500 MB = 5 GB/s; the 1.5B (1.12 GB) then makes about 4.5 tok/s.
    assert.equal(byId.get("qwen2.5-coder-1.5b")!.tokensPerSecond, 4.5);
    assert.equal(byId.get("qwen2.5-coder-1.5b")!.speedSource, "calibration");
    for (const m of parsed.models) {
      for (const field of ["id", "label", "role", "uri", "purpose", "sizeBytes", "expectedMemoryBytes", "fit", "fitReason", "recommended"]) assert.ok(field in m, `${m.id}.${field}`);
    }
  });

  it("prints a table with the recommended choice starred", () => {
    const result = run();
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^This machine: \d+ CPUs, .* RAM available, no GPU backend/);
    assert.match(result.stdout, /^\* \S+ +model /m);
    assert.match(result.stdout, /hf:Qwen\/Qwen2\.5-Coder-1\.5B-Instruct-GGUF\/qwen2\.5-coder-1\.5b-instruct-q4_k_m\.gguf/);
  });
});
