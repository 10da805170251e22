// The PINCER_NEXT_EDIT_SCRIPT seam: the next-edit service answers from a script instead of a model,
// and everything else is real (the edit history, the editable window, each format's prompt, its
// parser, the edit computed from the rewritten region), so tests know which edit must come out.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_SETTINGS, type PincerSettings } from "../protocol/settings";
import { EditHistory } from "./edit-history";
import { applySuggestion } from "./editable-window";
import { NextEditService } from "./next-edit-service";
import { NEXT_EDIT_SCRIPT_ENV, ScriptedNextEdits, scriptedNextEditsFromEnv } from "./scripted-next-edit";

const uri = "file:///ws/src/area.ts";
const v0 = "export function area(w: number, h: number) {\n  const a = w * h;\n  return a;\n}\n";
const v1 = v0.replace("area(w:", "area(width:");
const renamed = v1.replace("w * h", "width * h");

function service(scripted: ScriptedNextEdits, format: PincerSettings["nextEdit"]["format"] = "auto", model = "") {
  const history = new EditHistory();
  history.open(uri, v0);
  history.change(uri, v1);
  const settings: PincerSettings = { ...DEFAULT_SETTINGS, model, nextEdit: { ...DEFAULT_SETTINGS.nextEdit, enabled: true, format } };
  const engine = async () => {
    throw new Error("the scripted seam must not load a model");
  };
  return new NextEditService({ settings: () => settings, engine, workspaceFolders: () => ["/ws"], history, openDocuments: () => [], scripted: async () => scripted });
}

describe("scripted next edits (PINCER_NEXT_EDIT_SCRIPT)", () => {
  for (const format of ["zeta", "sweep", "generic"] as const) {
    it(`${format}: the scripted rewrite goes through the ${format} prompt and parser to the edit at the parameter's use`, async () => {
      const scripted = new ScriptedNextEdits([{ search: "w * h", replace: "width * h" }]);
      const result = await service(scripted, format).suggest({ uri, languageId: "typescript", text: v1 }, v1.indexOf("width") + 5, new AbortController().signal);
      assert.equal(result.cancelled, false);
      assert.equal(result.stats?.family, format);
      assert.ok(result.suggestion, JSON.stringify(result));
      assert.equal(applySuggestion(v1, result.suggestion), renamed);
      // Only the changed line is replaced.
      assert.equal(v1.slice(result.suggestion.start, result.suggestion.end), "  const a = w * h;");
      // The model would have seen the rename as the last edit, in this format's prompt.
      assert.equal(scripted.prompts.length, 1);
      assert.match(scripted.prompts[0]!, format === "sweep" ? /original:\n.*area\(w: number[\s\S]*updated:\n.*area\(width: number/ : /-export function area\(w: number[\s\S]*\+export function area\(width: number/);
    });
  }

  it("a whole rewritten region is taken as it is; auto picks the format from the model's name", async () => {
    // The window here is the whole file, its last empty line included.
    const result = await service(new ScriptedNextEdits([renamed]), "auto", "/models/zeta-q8_0.gguf").suggest({ uri, languageId: "typescript", text: v1 }, 20, new AbortController().signal);
    assert.equal(result.stats?.family, "zeta");
    assert.equal(applySuggestion(v1, result.suggestion!), renamed);
  });

  it("answers in order, the last answer repeating; an answer that changes nothing is no-change", async () => {
    const scripted = new ScriptedNextEdits(["nothing like the window", { search: "w * h", replace: "width * h" }]);
    const svc = service(scripted, "zeta");
    const first = await svc.suggest({ uri, languageId: "typescript", text: v1 }, 20, new AbortController().signal);
    assert.ok(first.suggestion, "the first answer rewrites the whole region");
    assert.ok((await svc.suggest({ uri, languageId: "typescript", text: v1 }, 20, new AbortController().signal)).suggestion);
    // The search text is gone once the edit is in: the region comes back unchanged.
    const after = await svc.suggest({ uri, languageId: "typescript", text: renamed }, 20, new AbortController().signal);
    assert.equal(after.suggestion, undefined);
    assert.equal(after.reason, "no-change");
    assert.equal(scripted.prompts.length, 3);
  });

  it("is cancelled by its signal before it answers", async () => {
    const scripted = new ScriptedNextEdits([{ search: "w * h", replace: "width * h" }]);
    const controller = new AbortController();
    controller.abort();
    const result = await service(scripted, "zeta").suggest({ uri, languageId: "typescript", text: v1 }, 20, controller.signal);
    assert.equal(result.cancelled, true);
    assert.equal(scripted.prompts.length, 0);
  });

  it("reads the script named by the environment variable, and refuses a malformed one clearly", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-nes-script-"));
    try {
      assert.equal(await scriptedNextEditsFromEnv({}), undefined);
      const good = path.join(dir, "good.json");
      await fs.writeFile(good, JSON.stringify(["a", { search: "b", replace: "c" }]));
      assert.ok((await scriptedNextEditsFromEnv({ [NEXT_EDIT_SCRIPT_ENV]: good })) instanceof ScriptedNextEdits);
      for (const bad of [{}, [], [1], [{ search: "b" }]]) {
        const file = path.join(dir, "bad.json");
        await fs.writeFile(file, JSON.stringify(bad));
        await assert.rejects(scriptedNextEditsFromEnv({ [NEXT_EDIT_SCRIPT_ENV]: file }), /PINCER_NEXT_EDIT_SCRIPT must name a JSON array/);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
