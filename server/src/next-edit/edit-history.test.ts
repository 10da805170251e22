import assert from "node:assert/strict";
import { changedLine, EditHistory, eventHunks, unifiedDiff } from "./edit-history";

describe("next-edit edit history", () => {
  it("coalesces keystrokes at one place into one event, and starts a new one elsewhere or after a pause", () => {
    let now = 0;
    const history = new EditHistory(() => now);
    history.open("file:///a.ts", "function f(a) {\n  return a;\n}\n");
    history.change("file:///a.ts", "function f(ab) {\n  return a;\n}\n");
    now += 100;
    history.change("file:///a.ts", "function f(abc) {\n  return a;\n}\n");
    assert.equal(history.recent().length, 1);
    assert.equal(history.recent()[0]!.before, "function f(a) {\n  return a;\n}\n");
    assert.equal(history.recent()[0]!.after, "function f(abc) {\n  return a;\n}\n");
    now += 60_000;
    history.change("file:///a.ts", "function f(abc) {\n  return a;\n}\n// x\n");
    assert.equal(history.recent().length, 2);
    assert.equal(history.lastEdited()!.after.endsWith("// x\n"), true);
  });

  it("drops an event the typing undid, and forgets a closed document's events", () => {
    const history = new EditHistory(() => 0);
    history.open("file:///a.ts", "x\n");
    history.change("file:///a.ts", "xy\n");
    history.change("file:///a.ts", "x\n");
    assert.deepEqual(history.recent(), []);
    history.change("file:///a.ts", "z\n");
    history.forget("file:///a.ts");
    assert.deepEqual(history.recent(), []);
  });

  it("needs a baseline: a change to a document never opened is not an edit", () => {
    const history = new EditHistory(() => 0);
    history.change("file:///b.ts", "text");
    assert.deepEqual(history.recent(), []);
    history.change("file:///b.ts", "text 2");
    assert.equal(history.recent().length, 1);
  });

  it("writes unified diffs and original/updated hunks", () => {
    const event = { before: "a\nb\nc\n", after: "a\nB\nc\n" };
    assert.equal(unifiedDiff(event), "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c");
    const [hunk] = eventHunks(event, 0);
    assert.deepEqual({ ...hunk, lines: undefined }, { oldStart: 1, newStart: 1, oldLines: ["b"], newLines: ["B"], lines: undefined });
    assert.equal(changedLine("a\nb\nc", "a\nB\nc"), 1);
  });
});
