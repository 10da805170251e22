// The completion hook (related chunks from the index) and the battery check, on real files.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { selectContext } from "../completion/context-select";
import { CodebaseService } from "./codebase-service";
import { relatedChunksProvider } from "./completion-context";
import { powerState } from "./power-source";

/** These calls are never cancelled. */
const signal = new AbortController().signal;

describe("completion context from the codebase index", function () {
  this.timeout(60_000);

  it("adds chunks from other files that define the names near the cursor, last", async () => {
    const ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cc-")));
    const storage = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cc-store-")));
    await fs.writeFile(path.join(ws, "pricing.ts"), "export function applyDiscount(total: number, rate: number) {\n  return total * (1 - rate);\n}\n");
    await fs.writeFile(path.join(ws, "cart.ts"), "const sum = applyDiscount(total, 0.1);\n");
    const service = new CodebaseService({ storageDir: storage, log: () => undefined });
    await service.configure({ folders: [ws], excludes: [], settings: { index: { enabled: true, embeddingModel: "", pauseOnBattery: false, maxFileKb: 1024 }, gpu: "off", modelsDir: "" }, background: false });
    try {
      await service.reindex({ signal });
      const related = relatedChunksProvider(() => service, { budgetMs: 5_000 });
      const text = "const sum = applyDiscount(total, 0.1);\n";
      const chunks = await selectContext({ uri: "file:///cart.ts", path: "cart.ts", languageId: "typescript", text, offset: text.length - 2, prefixWindowChars: 10_000 }, [], undefined, undefined, (names, current) => related(names, current, signal));
      assert.equal(chunks.at(-1)?.path, "pricing.ts");
      assert.match(chunks.at(-1)!.text, /function applyDiscount/);
      assert.ok(!chunks.some((c) => c.path === "cart.ts" && /applyDiscount\(total, 0\.1\)/.test(c.text)), "not the current file");
    } finally {
      await service.dispose();
    }
  });

  it("gives up after its time budget and without an index", async () => {
    const slow = { available: true, search: () => new Promise<never>(() => undefined) } as unknown as CodebaseService;
    const started = performance.now();
    assert.deepEqual(await relatedChunksProvider(() => slow, { budgetMs: 20 })(["x"], "a.ts", signal), []);
    assert.ok(performance.now() - started < 1_000);
    assert.deepEqual(await relatedChunksProvider(() => undefined)(["x"], "a.ts", signal), []);
  });
});

describe("power source", () => {
  async function supplies(entries: Record<string, Record<string, string>>): Promise<string> {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-power-"));
    for (const [name, files] of Object.entries(entries)) {
      await fs.mkdir(path.join(root, name));
      for (const [file, value] of Object.entries(files)) await fs.writeFile(path.join(root, name, file), `${value}\n`);
    }
    return root;
  }

  it("reads Linux /sys/class/power_supply: battery discharging, mains online, nothing known", async function () {
    if (process.platform !== "linux") {
      console.warn(`  skipped: /sys/class/power_supply exists only on Linux (this is ${process.platform})`);
      this.skip();
    }
    assert.equal(await powerState(await supplies({ BAT0: { type: "Battery", status: "Discharging" }, AC: { type: "Mains", online: "0" } })), "battery");
    assert.equal(await powerState(await supplies({ BAT0: { type: "Battery", status: "Charging" }, AC: { type: "Mains", online: "1" } })), "mains");
    assert.equal(await powerState(await supplies({ BAT0: { type: "Battery", status: "Discharging" }, usb: { type: "USB", online: "1" } })), "mains");
    assert.equal(await powerState(path.join(os.tmpdir(), "pincer-no-such-power-root")), "unknown");
  });
});
