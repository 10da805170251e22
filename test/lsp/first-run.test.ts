// First run over a real LSP connection: the recommended models for this machine, and an offline install
// (a .gguf dropped into the models folder) that shows up and loads without a restart.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ModelsChangedNotification, RecommendedModelsRequest, type ListModelsResult, type RecommendedModelsResult } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireTestModel } from "../support/test-model";

describe("first run (real connection)", function () {
  let model: string;
  let server: TestServer;
  let tempDir: string;
  let modelsDir: string;
  const changes: ListModelsResult[] = [];
  const waiters: Array<() => void> = [];

  before(async function () {
    model = requireTestModel(this);
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-first-run-"));
    modelsDir = path.join(tempDir, "models");
    // The setting names a file that is not there yet: the person will copy it in.
    server = await startTestServer({
      settings: { model: path.join(modelsDir, "dropped.gguf"), threads: 1, contextSize: 512, modelsDir },
      env: { PINCER_CACHE_DIR: tempDir },
    });
    server.connection.onNotification(ModelsChangedNotification, (result: ListModelsResult) => {
      changes.push(result);
      for (const wake of waiters.splice(0)) wake();
    });
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  const waitForChange = (predicate: (r: ListModelsResult) => boolean) =>
    new Promise<ListModelsResult>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`no pincer/models/changed matched; got ${JSON.stringify(changes)}`)), 15_000);
      const check = () => {
        const hit = changes.find(predicate);
        if (hit) {
          clearTimeout(timeout);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });

  it("answers pincer/models/recommended with this machine's RAM and a judged, pinned list", async () => {
    const result: RecommendedModelsResult = await server.connection.sendRequest(RecommendedModelsRequest, {});
    assert.equal(result.modelsDir, modelsDir);
    assert.equal(result.machine.ramTotalBytes, os.totalmem());
    assert.equal(result.machine.cpus, os.cpus().length);
    assert.ok(result.machine.ramFreeBytes > 0 && result.machine.ramFreeBytes <= os.totalmem());
    const ids = result.models.map((m) => m.id);
    assert.deepEqual(ids, ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-7b", "qwen2.5-coder-0.5b-base", "nomic-embed-text-v1.5"]);
    for (const m of result.models) {
      assert.match(m.uri, /^hf:[^/]+\/[^/]+\/.+\.gguf$/);
      assert.ok(m.expectedMemoryBytes > m.sizeBytes, m.id);
      assert.match(m.fitReason, /needs about/);
      if (m.fit !== "too-large" && m.role !== "embedding") assert.ok((m.tokensPerSecond ?? 0) > 0, `${m.id} has a speed estimate`);
    }
    assert.equal(result.models.filter((m) => m.role === "model" && m.recommended).length <= 1, true);
  });

  it("reports a model file dropped into the models folder and loads it without a restart", async () => {
    await server.waitForStatus((s) => s.state === "error" || s.state === "no-model", "the configured model is missing");
    // A copy arrives as many writes: the partial name first (not a model), then the rename, as a person's
    // file manager or `cp` then `mv` does.
    await fs.mkdir(modelsDir, { recursive: true });
    await fs.copyFile(model, path.join(modelsDir, "dropped.gguf.download"));
    await fs.rename(path.join(modelsDir, "dropped.gguf.download"), path.join(modelsDir, "dropped.gguf"));
    const changed = await waitForChange((r) => r.models.some((m) => m.name === "dropped"));
    assert.equal(changed.modelsDir, modelsDir);
    const ready = await server.waitForStatus((s) => s.state === "ready", "the dropped model loaded");
    assert.equal(ready.model, "dropped");
  });

  it("reports a removed model too", async () => {
    await fs.rm(path.join(modelsDir, "dropped.gguf"));
    await waitForChange((r) => r.models.length === 0);
  });
});
