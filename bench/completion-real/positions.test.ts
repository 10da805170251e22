import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../test/support/test-model";
import { firstLine, holdOut, isCandidateLine, samplePositions, seededRandom } from "./positions";

describe("bench/completion-real positions", () => {
  const sample = (seed: number) =>
    samplePositions({ nodeModules: path.join(repoRoot, "node_modules"), positions: 40, seed, windowTokens: 400, perFile: 8, countTokens: (text) => Math.ceil(text.length / 3) });

  it("names the same held-out lines for the same seed, and others for another seed", () => {
    const a = sample(1);
    assert.equal(a.length, 40);
    assert.deepEqual(sample(1).map((p) => [p.file, p.line]), a.map((p) => [p.file, p.line]));
    assert.notDeepEqual(sample(2).map((p) => [p.file, p.line]), a.map((p) => [p.file, p.line]));
    assert.notEqual(seededRandom(1)(), seededRandom(2)());
  });

  it("holds the line out: the document has it emptied, the cursor at its start, the prefix within the window", () => {
    for (const p of sample(3)) {
      assert.ok(isCandidateLine(p.expected));
      assert.equal(p.document.slice(p.offset).split("\n", 1)[0], "", "the held-out line is empty");
      const lines = readFileSync(p.file, "utf8").split("\n");
      assert.equal(p.expected, lines[p.line]);
      assert.equal(p.document.slice(0, p.offset), lines.slice(0, p.line).join("\n") + "\n", "the prefix is the file up to the line");
      assert.equal(p.document.slice(p.offset + 1), lines.slice(p.line + 1).join("\n"), "the rest follows the emptied line");
      assert.ok(Math.ceil(p.document.slice(0, p.offset).length / 3) <= 400);
    }
    assert.deepEqual(holdOut(["a", "b", "c"], 1), { document: "a\n\nc", offset: 2 });
    assert.deepEqual(holdOut(["a", "b"], 0), { document: "\nb", offset: 0 });
  });

  it("compares first lines as an editor shows them", () => {
    assert.equal(firstLine("  return x;  \nnext"), "  return x;");
    assert.equal(firstLine(""), "");
    assert.equal(isCandidateLine("  });"), false);
    assert.equal(isCandidateLine("    const total = a + b;"), true);
  });
});
