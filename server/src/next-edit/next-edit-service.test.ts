// The next-edit service on the tiny random model: the mechanics (a request runs on the nextEdit
// sequence with the format its names choose, cancellation, no suggestion without edits) and the KV
// cache reuse between two requests (only the new tokens are evaluated). Suggestion quality is the
// benchmark's (bench/next-edit), on real models.
import assert from "node:assert/strict";
import { Engine } from "../engine/engine";
import { DEFAULT_SETTINGS, type PincerSettings } from "../protocol/settings";
import { EditHistory } from "./edit-history";
import { formatForEngine, nextEditModel, NextEditService, separateNextEditSettings } from "./next-edit-service";

async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

const ON: PincerSettings = { ...DEFAULT_SETTINGS, nextEdit: { ...DEFAULT_SETTINGS.nextEdit, enabled: true, maxTokens: 24 } };

describe("next-edit service", () => {
  it("runs on nextEdit.model when set (its own host), else on the main model; nothing while off", () => {
    assert.deepEqual(nextEditModel({ ...ON, model: "main.gguf" }).separate, false);
    const separate = nextEditModel({ ...ON, model: "main.gguf", nextEdit: { ...ON.nextEdit, model: "zeta.gguf" } });
    assert.equal(separate.separate, true);
    assert.equal(separate.settings.model, "zeta.gguf");
    assert.equal(separateNextEditSettings({ ...DEFAULT_SETTINGS, nextEdit: { ...DEFAULT_SETTINGS.nextEdit, model: "zeta.gguf" } }).model, "");
  });

  describe("on the tiny model", function () {
    this.timeout(60_000);
    let engine: Engine;
    before(async function () {
      const modelPath = await requireTestModel(this);
      engine = await Engine.load({ modelPath, slots: ["nextEdit"], settings: { ...DEFAULT_SETTINGS, gpu: "off", gpuLayers: 0, threads: 1, contextSize: 2048 }, log: () => undefined, signal: new AbortController().signal });
    });
    after(async () => engine?.dispose());

    const uri = "file:///ws/src/area.ts";
    const v0 = "export function area(w: number, h: number) {\n  const a = w * h;\n  return a;\n}\n";
    const v1 = v0.replace("area(w:", "area(width:");
    const service = (history: EditHistory, settings: PincerSettings = ON) =>
      new NextEditService({ settings: () => settings, engine: async () => engine, workspaceFolders: () => ["/ws"], history, openDocuments: () => [] });

    it("asks nothing before an edit in the document, or while off", async () => {
      const history = new EditHistory();
      history.open(uri, v0);
      assert.equal((await service(history).suggest({ uri, languageId: "typescript", text: v0 }, 10, new AbortController().signal)).reason, "no-edits");
      history.change(uri, v1);
      assert.equal((await service(history, DEFAULT_SETTINGS).suggest({ uri, languageId: "typescript", text: v1 }, 10, new AbortController().signal)).reason, "disabled");
    });

    it("evaluates only the new tokens when the next request shares the prompt's start", async () => {
      const history = new EditHistory();
      history.open(uri, v0);
      history.change(uri, v1);
      const svc = service(history, { ...ON, nextEdit: { ...ON.nextEdit, format: "zeta" } });
      const offset = v1.indexOf("width") + 5;
      const first = await svc.suggest({ uri, languageId: "typescript", text: v1 }, offset, new AbortController().signal);
      assert.equal(first.cancelled, false);
      assert.equal(first.stats!.family, "zeta");
      assert.ok(first.stats!.promptTokens > 50, `prompt of ${first.stats!.promptTokens} tokens`);
      const second = await svc.suggest({ uri, languageId: "typescript", text: v1 }, offset, new AbortController().signal);
      assert.ok(second.stats!.reusedTokens >= first.stats!.promptTokens - 1, `reused ${second.stats!.reusedTokens} of ${first.stats!.promptTokens}`);
      assert.ok(second.stats!.evaluatedPromptTokens <= 1, `evaluated ${second.stats!.evaluatedPromptTokens}`);
    });

    it("is cancelled by its signal", async () => {
      const history = new EditHistory();
      history.open(uri, v0);
      history.change(uri, v1);
      const controller = new AbortController();
      controller.abort();
      const result = await service(history).suggest({ uri, languageId: "typescript", text: v1 }, 10, controller.signal);
      assert.equal(result.cancelled, true);
      assert.equal(result.suggestion, undefined);
    });

    it("the general format renders in the model's chat template; the random model's names choose it", async () => {
      assert.equal(formatForEngine(engine, ON).family, "generic");
      const history = new EditHistory();
      history.open(uri, v0);
      history.change(uri, v1);
      const result = await service(history).suggest({ uri, languageId: "typescript", text: v1 }, 10, new AbortController().signal);
      assert.equal(result.cancelled, false);
      assert.equal(result.stats!.family, "generic");
      assert.ok(result.stats!.generatedTokens > 0);
    });
  });
});
