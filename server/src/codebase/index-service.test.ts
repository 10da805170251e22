// The index end to end on a temporary workspace: real LanceDB, real tree-sitter, the tiny random
// model for the embedding mechanics (its vectors mean nothing, so only modes and counts are checked).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireTestModel } from "../../../test/support/test-model";
import { EmbeddingModel } from "../engine/embedding";
import { CodebaseService } from "./codebase-service";
import { embedderFor } from "./embedding-prompts";
import { CodebaseIndex, CodebaseStorageError } from "./index-service";

/** These calls are never cancelled. */
const signal = new AbortController().signal;

async function tempDir(name: string): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `pincer-${name}-`)));
}

async function workspace(): Promise<{ ws: string; outside: string; storage: string }> {
  const ws = await tempDir("cb-ws");
  const outside = await tempDir("cb-outside");
  const storage = await tempDir("cb-store");
  await fs.mkdir(path.join(ws, "src"));
  await fs.writeFile(path.join(ws, "src", "settings.ts"), "/** Reads the settings file from disk. */\nexport function loadSettingsFile(file: string) {\n  return JSON.parse(readText(file));\n}\n");
  await fs.writeFile(path.join(ws, "src", "math.ts"), "export function addNumbers(a: number, b: number) {\n  return a + b;\n}\n");
  await fs.writeFile(path.join(ws, ".gitignore"), "ignored/\n");
  await fs.mkdir(path.join(ws, "ignored"));
  await fs.writeFile(path.join(ws, "ignored", "secret.ts"), "export const zorbquux = 1;\n");
  await fs.mkdir(path.join(ws, "generated"));
  await fs.writeFile(path.join(ws, "generated", "excluded.ts"), "export const flimflamwidget = 1;\n");
  await fs.writeFile(path.join(ws, "blob.ts"), Buffer.from([0x20, 0x20, 0, 1, 2, 0x20, 0x73, 0x6e, 0x6f, 0x72, 0x6b, 0x65, 0x6c, 0x64, 0x6f, 0x72, 0x66]));
  await fs.writeFile(path.join(ws, "huge.ts"), `export const grumblewump = "${"x".repeat(40 * 1024)}";\n`);
  await fs.writeFile(path.join(outside, "outside.ts"), "export const blorptastic = 1;\n");
  await fs.symlink(path.join(outside, "outside.ts"), path.join(ws, "src", "link.ts"));
  await fs.symlink(outside, path.join(ws, "linked-folder"));
  return { ws, outside, storage };
}

describe("codebase index", function () {
  this.timeout(120_000);

  it("indexes only workspace files the rules allow and finds a definition by the words of its purpose", async () => {
    const { ws, storage } = await workspace();
    const index = await CodebaseIndex.open({ folders: [ws], storageDir: storage, excludes: ["generated/**"], limits: { maxFileBytes: 32 * 1024 } });
    try {
      const report = await index.update({ signal });
      assert.equal(report.scanned, 4, "src/settings.ts, src/math.ts, .gitignore, blob.ts (read, then skipped as binary)");
      const found = await index.search("read the settings file", { signal });
      assert.equal(found.mode, "lexical");
      assert.equal(found.hits[0]?.path, "src/settings.ts");
      assert.deepEqual(found.hits[0]?.symbols, ["loadSettingsFile"]);
      for (const marker of ["zorbquux", "flimflamwidget", "blorptastic", "grumblewump", "snorkeldorf"]) {
        const result = await index.search(marker, { signal });
        assert.deepEqual(result.hits.map((h) => h.path), [], `${marker} must not be indexed`);
      }
    } finally {
      await index.close();
    }
  });

  it("re-indexes only changed files, forgets deleted ones, and a changed path outside the workspace is ignored", async () => {
    const { ws, outside, storage } = await workspace();
    const index = await CodebaseIndex.open({ folders: [ws], storageDir: storage });
    try {
      await index.update({ signal });
      assert.equal((await index.update({ signal })).changed, 0, "nothing changed");
      await fs.appendFile(path.join(ws, "src", "math.ts"), "export function multiplyNumbers(a: number, b: number) {\n  return a * b;\n}\n");
      const one = await index.update({ signal, paths: [path.join(ws, "src", "math.ts"), path.join(outside, "outside.ts"), path.join(ws, "src", "link.ts")] });
      assert.deepEqual([one.scanned, one.changed], [1, 1], "only math.ts; the outside file and the link to it are not workspace files");
      // A word the index had never seen must be found right after the update (LanceDB misses such words in rows its index does not cover yet).
      assert.equal((await index.search("multiply", { signal })).hits[0]?.symbols[0], "multiplyNumbers");
      await fs.writeFile(path.join(ws, "src", "shipping.ts"), "export function scheduleParcelPickup() {}\n");
      await index.update({ signal, paths: [path.join(ws, "src", "shipping.ts")] });
      assert.equal((await index.search("parcel pickup", { signal })).hits[0]?.path, "src/shipping.ts", "a new file's words are found at once");
      await fs.rm(path.join(ws, "src", "math.ts"));
      assert.equal((await index.update({ signal, paths: [path.join(ws, "src", "math.ts")] })).removed, 1);
      assert.deepEqual((await index.search("multiply numbers", { signal })).hits.filter((h) => h.path === "src/math.ts"), []);
    } finally {
      await index.close();
    }
  });

  it("keeps its files private and refuses a storage folder inside the workspace", async () => {
    const { ws, storage } = await workspace();
    const index = await CodebaseIndex.open({ folders: [ws], storageDir: storage });
    await index.update({ signal });
    await index.close();
    for (const entry of await fs.readdir(path.join(storage, "codebase"), { recursive: true, withFileTypes: true })) {
      const mode = (await fs.stat(path.join(entry.parentPath, entry.name))).mode & 0o777;
      assert.equal(mode, entry.isDirectory() ? 0o700 : 0o600, `${entry.name} is ${mode.toString(8)}`);
    }
    await assert.rejects(CodebaseIndex.open({ folders: [ws], storageDir: path.join(ws, ".cache") }), CodebaseStorageError);
    await assert.rejects(CodebaseIndex.open({ folders: [ws], storageDir: path.join(ws, "linked-folder", "..", "src") }), CodebaseStorageError);
  });

  it("with an embedding model: fuses both rankings and re-embeds only chunks whose text changed", async function () {
    const modelPath = requireTestModel(this);
    const { ws, storage } = await workspace();
    const model = await EmbeddingModel.load({ signal, modelPath, gpu: "off", log: () => undefined, contextSize: 128 });
    const index = await CodebaseIndex.open({ folders: [ws], storageDir: storage });
    try {
      await index.setEmbedder(embedderFor(model, path.basename(modelPath)));
      const first = await index.update({ signal });
      assert.equal(first.embedded, index.status.chunks);
      const result = await index.search("settings", { signal });
      assert.equal(result.mode, "fused");
      assert.equal(result.pendingEmbeddings, 0);
      assert.ok(result.hits.some((h) => h.matchedBy.includes("semantic")));
      await fs.appendFile(path.join(ws, "src", "math.ts"), "export const extra = 1;\n");
      const second = await index.update({ signal, paths: [path.join(ws, "src", "math.ts")] });
      assert.ok(second.embedded >= 1 && second.embedded < first.embedded, `only the changed chunks are embedded again (${second.embedded})`);
    } finally {
      await index.close();
      await model.dispose();
    }
  });

  it("the service pauses background work on battery and resumes on mains", async () => {
    const { ws, storage } = await workspace();
    let power: "battery" | "mains" = "battery";
    const service = new CodebaseService({ storageDir: storage, log: () => undefined, powerState: async () => power });
    try {
      const states: string[] = [];
      service.onStatus((s) => states.push(s.state));
      const paused = new Promise<void>((resolve) => service.onStatus((s) => s.state === "paused" && resolve()));
      await service.configure({ folders: [ws], excludes: [], settings: { index: { enabled: true, embeddingModel: "", pauseOnBattery: true, maxFileKb: 1024 }, gpu: "off", modelsDir: "" }, background: true });
      await paused;
      assert.equal(service.status.files, 0, "nothing was indexed on battery");
      power = "mains";
      const report = await service.reindex({ signal });
      assert.ok(report.changed >= 2);
    } finally {
      await service.dispose();
    }
  });
});

describe("codebase service", function () {
  this.timeout(120_000);

  it("keeps the embedding model when the folders change, and answers searches in fused mode there", async function () {
    const modelPath = requireTestModel(this);
    const first = await workspace();
    const second = await workspace();
    const service = new CodebaseService({ storageDir: first.storage, log: () => undefined });
    const settings = { index: { enabled: true, embeddingModel: modelPath, pauseOnBattery: false, maxFileKb: 1024 }, gpu: "off" as const, modelsDir: "" };
    try {
      await service.configure({ folders: [first.ws], excludes: [], settings, background: false });
      await service.reindex({ signal });
      assert.equal((await service.search("settings", { signal })).mode, "fused");
      await service.configure({ folders: [second.ws], excludes: [], settings, background: false });
      await service.reindex({ signal });
      assert.equal(service.status.embeddingModel, "llama-2-tiny-random");
      assert.equal((await service.search("settings", { signal })).mode, "fused");
    } finally {
      await service.dispose();
    }
  });
});
