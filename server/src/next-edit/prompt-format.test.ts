import assert from "node:assert/strict";
import { editableWindow } from "./editable-window";
import { genericFormat } from "./generic-format";
import { familyOfModel, type NextEditInput } from "./prompt-format";
import { FILE_SEP, sweepFormat } from "./sweep-format";
import { ZETA_CURSOR, ZETA_REGION_END, ZETA_REGION_START, zetaFormat } from "./zeta-format";

const BEFORE = "function area(w, h) {\n  return w * h;\n}\n";
const AFTER = "function area(width, h) {\n  return w * h;\n}\n";

function input(shape = zetaFormat.shape): NextEditInput {
  return {
    path: "src/area.ts",
    languageId: "typescript",
    edits: [{ path: "src/area.ts", before: BEFORE, after: AFTER }],
    window: editableWindow(AFTER, AFTER.indexOf("width") + 5, shape),
    originalWindow: BEFORE.replace(/\n$/, ""),
    definitions: [{ path: "src/shape.ts", text: "interface Shape { w: number }" }],
  };
}

describe("next-edit prompt formats", () => {
  it("reads the family from the model's names, or the setting", () => {
    assert.equal(familyOfModel(["zeta", undefined, "zeta-Q8_0"], "auto"), "zeta");
    assert.equal(familyOfModel([undefined, undefined, "sweep-next-edit-1.5b.q8_0.v2"], "auto"), "sweep");
    assert.equal(familyOfModel(["Qwen2.5 Coder 0.5B Instruct", "qwen2.5-coder", "qwen2.5-coder-0.5b-instruct-q4_k_m"], "auto"), "generic");
    assert.equal(familyOfModel(["Qwen2.5 Coder"], "zeta"), "zeta");
  });

  it("Zeta: edits as 'User edited' diffs, the excerpt with region markers and the cursor, the answer opened at the region", () => {
    const prompt = zetaFormat.prompt(input());
    const text = prompt.parts.join("");
    assert.equal(prompt.kind, "plain");
    assert.match(text, /### User Edits:\n\nUser edited "src\/area\.ts":\n```diff\n@@ -1,3 \+1,3 @@\n-function area\(w, h\) \{\n\+function area\(width, h\) \{/);
    assert.ok(text.includes(`${ZETA_REGION_START}\nfunction area(width${ZETA_CURSOR}, h) {`));
    assert.ok(text.includes("<|start_of_file|>"));
    assert.ok(text.endsWith(`### Response:\n\`\`\`src/area.ts\n<|start_of_file|>\n${ZETA_REGION_START}\n`));
    const answer = `function area(width, h) {\n  return width * h;\n}\n\n${ZETA_REGION_END}\n\`\`\``;
    assert.equal(zetaFormat.done(answer), true);
    assert.equal(zetaFormat.parse(answer, true), "function area(width, h) {\n  return width * h;\n}\n");
    assert.equal(zetaFormat.parse("function area(width, h) {\n  return wid", false), undefined);
  });

  it("Sweep: file separators as special tokens, original/updated blocks, original/current/updated windows", () => {
    const prompt = sweepFormat.prompt(input(sweepFormat.shape));
    assert.equal(prompt.kind, "plain");
    const text = prompt.parts.map((part) => (typeof part === "string" ? part : `[${part.special}]`)).join("");
    assert.ok(text.startsWith(`[${FILE_SEP}]src/shape.ts\ninterface Shape { w: number }\n`));
    assert.ok(text.includes(`[${FILE_SEP}]src/area.ts.diff\noriginal:\nfunction area(w, h) {\n  return w * h;\nupdated:\nfunction area(width, h) {\n  return w * h;\n`));
    assert.ok(text.includes(`[${FILE_SEP}]original/src/area.ts\nfunction area(w, h) {\n  return w * h;\n}\n`));
    assert.ok(text.includes(`[${FILE_SEP}]current/src/area.ts\nfunction area(width, h) {\n  return w * h;\n}\n\n`));
    assert.ok(text.endsWith(`[${FILE_SEP}]updated/src/area.ts\n`));
    assert.equal(sweepFormat.parse("a\nb\n", true), "a\nb");
    assert.equal(sweepFormat.parse(`a\nb\n${FILE_SEP}x`, true), "a\nb");
    assert.equal(sweepFormat.parse("a\nb", false), undefined);
  });

  it("the general fallback: an instruction in the chat template, the answer opened at the region marker", () => {
    const prompt = genericFormat.prompt(input(genericFormat.shape));
    assert.equal(prompt.kind, "chat");
    assert.ok(prompt.system!.includes(ZETA_REGION_END));
    assert.ok(prompt.user!.includes("-function area(w, h) {"));
    assert.ok(prompt.user!.includes(`${ZETA_REGION_START}\nfunction area(width${ZETA_CURSOR}, h) {`));
    assert.ok(prompt.user!.includes("interface Shape"));
    assert.deepEqual(prompt.parts, [`${ZETA_REGION_START}\n`]);
    assert.equal(genericFormat.parse(`x = 1\n\`\`\`\n${ZETA_REGION_END}`, true), "x = 1");
    // Small general models invent marker-like tokens (seen from Qwen2.5-Coder 0.5B); they are not code.
    assert.equal(genericFormat.parse(`  email: string;<|editable_region_is_here|>\n${ZETA_REGION_END}`, true), "  email: string;");
  });
});
