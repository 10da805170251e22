// The completion service both hosts call: which model answers, the path the model sees, and the
// context read from the files a document imports (so `pincer complete` gets it as ghost text does).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { DEFAULT_SETTINGS } from "../protocol/settings";
import { completionModel, CompletionService, displayPath } from "./completion-service";
import { Engine } from "../engine/engine";

/** The test model's path, or a skip with the reason (see complete.test.ts for why this is a dynamic import). */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

describe("completion service", () => {
  it("completion.model, when set, is the completion model; else the main model", () => {
    assert.deepEqual(completionModel({ ...DEFAULT_SETTINGS, model: "main.gguf" }), { separate: false, settings: { ...DEFAULT_SETTINGS, model: "main.gguf" } });
    const separate = completionModel({ ...DEFAULT_SETTINGS, model: "main.gguf", completion: { ...DEFAULT_SETTINGS.completion, model: "small.gguf" } });
    assert.equal(separate.separate, true);
    assert.equal(separate.settings.model, "small.gguf");
  });

  it("shows the model workspace-relative paths, the file name outside, and other URIs as they are", () => {
    assert.equal(displayPath("file:///ws/src/a.ts", ["/ws"]), "src/a.ts");
    assert.equal(displayPath("/ws/src/a.ts", ["/other", "/ws"]), "src/a.ts");
    assert.equal(displayPath("/elsewhere/b.ts", ["/ws"]), "b.ts");
    assert.equal(displayPath("untitled:Untitled-1", ["/ws"]), "untitled:Untitled-1");
  });

  describe("on the tiny model", function () {
    this.timeout(60_000);
    let engine: Engine;
    let scratch: string;
    before(async function () {
      const modelPath = await requireTestModel(this);
      engine = await Engine.load({ modelPath, settings: { ...DEFAULT_SETTINGS, gpu: "off", gpuLayers: 0, threads: 1, contextSize: 2048 }, log: () => undefined, signal: new AbortController().signal });
      scratch = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-completion-service-"));
    });
    after(async () => {
      await engine?.dispose();
      if (scratch) await fs.rm(scratch, { recursive: true, force: true });
    });

    it("reads the definitions of an imported workspace file into the prompt", async () => {
      const text = 'import { helperFunction } from "./b";\n\nconst value = helperFunction(';
      const prompt = async (dir: string) => {
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, "a.ts"), text);
        const service = new CompletionService({ settings: () => DEFAULT_SETTINGS, engine: async () => engine, workspaceFolders: () => [dir], roots: () => WorkspaceRoots.create([dir]), openDocuments: () => [] });
        const result = await service.complete({ uri: pathToFileURL(path.join(dir, "a.ts")).href, languageId: "typescript", text }, text.length, new AbortController().signal);
        return result.stats!.evaluatedPromptTokens + result.stats!.reusedTokens;
      };
      const without = await prompt(path.join(scratch, "without"));
      await fs.mkdir(path.join(scratch, "with"), { recursive: true });
      await fs.writeFile(path.join(scratch, "with", "b.ts"), `export function helperFunction(count: number): number {\n${"  count += 1;\n".repeat(10)}  return count;\n}\n`);
      const withImport = await prompt(path.join(scratch, "with"));
      assert.ok(withImport > without + 20, `the imported definition is in the prompt (${withImport} vs ${without} tokens)`);
    });
  });
});
