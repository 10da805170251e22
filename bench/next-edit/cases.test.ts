import assert from "node:assert/strict";
import { nextEditCases } from "./cases";

describe("bench/next-edit cases", () => {
  it("each case has a real first edit and a different expected file, with the cursor inside the edited file", () => {
    const cases = nextEditCases();
    assert.equal(cases.length, 15);
    for (const c of cases) {
      assert.notEqual(c.original, c.edited, c.name);
      assert.notEqual(c.edited, c.expected, c.name);
      assert.ok(c.cursor > 0 && c.cursor <= c.edited.length, c.name);
    }
    assert.deepEqual([...new Set(cases.map((c) => c.kind))].sort(), ["add-field", "change-type", "rename-parameter"]);
  });
});
