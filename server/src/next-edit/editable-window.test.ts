import assert from "node:assert/strict";
import { applySuggestion, editableWindow, suggestionFrom } from "./editable-window";

const TEXT = ["l0", "l1", "l2", "l3", "l4", "l5", "l6"].join("\n");

describe("next-edit editable window", () => {
  it("takes the lines around the cursor, with read-only context around them", () => {
    const window = editableWindow(TEXT, TEXT.indexOf("l3") + 1, { before: 1, after: 1, context: 1 });
    assert.equal(window.text, "l2\nl3\nl4");
    assert.equal(window.cursor, 4);
    assert.equal(window.contextBefore, "l1");
    assert.equal(window.contextAfter, "l5");
    assert.equal(window.atStartOfFile, false);
    assert.equal(TEXT.slice(window.startOffset, window.endOffset), window.text);
    const top = editableWindow(TEXT, 0, { before: 3, after: 0, context: 2 });
    assert.equal(top.text, "l0");
    assert.equal(top.contextBefore, "");
    assert.equal(top.atStartOfFile, true);
  });

  it("turns a rewritten window into one edit of the changed lines only", () => {
    const window = editableWindow(TEXT, TEXT.indexOf("l3"), { before: 2, after: 2, context: 0 });
    const replaced = suggestionFrom(window, "l1\nl2\nL3\nl4\nL5")!;
    assert.equal(TEXT.slice(replaced.start, replaced.end), "l3\nl4\nl5");
    assert.equal(replaced.text, "L3\nl4\nL5");
    assert.equal(applySuggestion(TEXT, replaced), "l0\nl1\nl2\nL3\nl4\nL5\nl6");
    assert.equal(suggestionFrom(window, window.text), undefined);
  });

  it("inserts and deletes whole lines", () => {
    const window = editableWindow(TEXT, TEXT.indexOf("l3"), { before: 1, after: 1, context: 0 });
    assert.equal(applySuggestion(TEXT, suggestionFrom(window, "l2\nnew\nl3\nl4")!), "l0\nl1\nl2\nnew\nl3\nl4\nl5\nl6");
    assert.equal(applySuggestion(TEXT, suggestionFrom(window, "l2\nl3\nl4\nnew")!), "l0\nl1\nl2\nl3\nl4\nnew\nl5\nl6");
    assert.equal(applySuggestion(TEXT, suggestionFrom(window, "l2\nl4")!), "l0\nl1\nl2\nl4\nl5\nl6");
    assert.equal(applySuggestion(TEXT, suggestionFrom(window, "l2\nl3")!), "l0\nl1\nl2\nl3\nl5\nl6");
  });
});
