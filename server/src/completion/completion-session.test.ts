// Cache reuse on the real engine: after the first request in a file, a keystroke evaluates only
// the new tokens; typing what the suggestion predicted needs no model call; a cursor jump lays the
// prompt out again but keeps the extra context that comes first.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeSyntheticModel } from "../../../test/support/synthetic-model";
import { requireTestModel } from "../../../test/support/test-model";
import { Engine } from "../engine/engine";
import { stderrLogger } from "../platform/log";
import { completeAt, completionSession } from "./complete";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const SETTINGS = { gpu: "off" as const, gpuLayers: 0, threads: 1, contextSize: 2048 };
const SOURCE = Array.from({ length: 120 }, (_, i) => `function helper${i}(value: number): number {\n  return value * ${i};\n}\n`).join("\n");

function typingSteps(text: string, cursor: number, typed: string): { text: string; offset: number }[] {
  return [...typed].map((_, i) => ({ text: text.slice(0, cursor) + typed.slice(0, i + 1) + text.slice(cursor), offset: cursor + i + 1 }));
}

for (const variant of ["fim", "prefix-only"] as const) {
  describe(`completion session cache reuse (${variant} model)`, function () {
    let engine: Engine;
    let tempDir: string;

    before(async function () {
      const source = requireTestModel(this);
      tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-session-"));
      const modelPath =
        variant === "fim"
          ? (await writeSyntheticModel({ tokenizerModel: source, preset: "tiny", fim: true, out: path.join(tempDir, "fim.gguf") })).path
          : source;
      engine = await Engine.load({ signal: NEVER_ABORTED, modelPath, settings: SETTINGS, log: stderrLogger("error") });
    });

    after(async () => {
      await engine?.dispose();
      if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
    });

    it(`uses the ${variant === "fim" ? "model's FIM tokens" : "prefix-only fallback"}`, async () => {
      const result = await completeAt(engine, { signal: NEVER_ABORTED, uri: "a.ts", text: SOURCE, offset: 10, maxTokens: 4, maxLines: 1 });
      assert.equal(result.usedInfill, variant === "fim");
      assert.equal(result.stats?.format === "none", variant !== "fim");
    });

    it("evaluates only the newly typed tokens on each keystroke after the first request", async () => {
      const cursor = SOURCE.indexOf("return value * 60;") + "return ".length;
      const base = SOURCE.slice(0, cursor) + SOURCE.slice(cursor);
      const first = await completeAt(engine, { signal: NEVER_ABORTED, uri: "b.ts", text: base, offset: cursor, maxTokens: 8, maxLines: 1 });
      assert.ok((first.stats?.evaluatedPromptTokens ?? 0) > 100, `the first request evaluates the layout (${first.stats?.evaluatedPromptTokens})`);
      const perKeystroke: number[] = [];
      for (const step of typingSteps(base, cursor, "valu")) {
        const result = await completeAt(engine, { signal: NEVER_ABORTED, uri: "b.ts", text: step.text, offset: step.offset, maxTokens: 8, maxLines: 1 });
        if (result.stats?.source === "model") {
          perKeystroke.push(result.stats.evaluatedPromptTokens);
          assert.equal(result.stats.relayout, false);
        }
      }
      assert.ok(perKeystroke.length > 0);
      assert.ok(Math.max(...perKeystroke) <= 4, `each keystroke evaluated at most 4 tokens: ${perKeystroke.join(", ")}`);
    });

    it("answers from the last suggestion when the user types what it predicted", async () => {
      const cursor = SOURCE.indexOf("return value * 70;") + "return ".length;
      const first = await completeAt(engine, { signal: NEVER_ABORTED, uri: "c.ts", text: SOURCE, offset: cursor, maxTokens: 8, maxLines: 1 });
      const suggestion = first.insertText;
      if (suggestion.length < 2) return; // the random model offered nothing to type along with
      const typed = suggestion[0]!;
      const text = SOURCE.slice(0, cursor) + typed + SOURCE.slice(cursor);
      const next = await completeAt(engine, { signal: NEVER_ABORTED, uri: "c.ts", text, offset: cursor + 1, maxTokens: 8, maxLines: 1 });
      assert.equal(next.stats?.source, "last-suggestion");
      assert.equal(next.stats?.evaluatedPromptTokens, 0);
      assert.ok(suggestion.startsWith(typed + next.insertText) || next.insertText === "", "the rest of the suggestion");
    });

    it("lays out again when the cursor jumps back, reusing what comes before the change", async () => {
      // Jumping forward in a prefix-only layout is just more prefix, so jump backwards.
      const a = SOURCE.indexOf("return value * 90;");
      const b = SOURCE.indexOf("return value * 80;");
      await completeAt(engine, { signal: NEVER_ABORTED, uri: "d.ts", text: SOURCE, offset: a, maxTokens: 4, maxLines: 1 });
      const jumped = await completeAt(engine, { signal: NEVER_ABORTED, uri: "d.ts", text: SOURCE, offset: b, maxTokens: 4, maxLines: 1 });
      assert.equal(jumped.stats?.relayout, true);
      assert.ok((jumped.stats?.reusedTokens ?? 0) > 0, "the unchanged start of the prompt stayed cached");
    });

    it("reports what the windows left out instead of cutting silently", async () => {
      const huge = SOURCE.repeat(8);
      const result = await completeAt(engine, { signal: NEVER_ABORTED, uri: "e.ts", text: huge, offset: huge.length / 2, maxTokens: 4, maxLines: 1 });
      assert.ok((result.stats?.truncated.prefixChars ?? 0) > 0);
    });
  });
}

describe("completionSession", () => {
  it("is one per engine", () => {
    const fake = {} as Engine;
    assert.equal(completionSession(fake), completionSession(fake));
  });
});
