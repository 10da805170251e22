import assert from "node:assert/strict";
import { textEdit } from "../index/parser-pool";
import { earliestEditEnd } from "./inline-completion";

/** Every cursor position the edit from `before` to `after` can be read to end at, earliest first. */
function readings(before: string, after: string): [number, number] {
  const edit = textEdit(before, after);
  return [earliestEditEnd(before, after, edit.startIndex, edit.oldEndIndex, edit.newEndIndex), edit.newEndIndex];
}

describe("where an edit leaves the cursor", () => {
  it("has one reading when the text does not repeat around it", () => {
    assert.deepEqual(readings("return x;", "return yx;"), [8, 8]);
  });

  it("reads a character typed before the same character both ways", () => {
    // "v" typed before "value": the diff says the second "v" is new, the cursor may be after the first.
    assert.deepEqual(readings("return value;", "return vvalue;"), [8, 9]);
    assert.deepEqual(readings("aa", "aaa"), [1, 3]);
  });

  it("slides a deletion in a run of equal characters too", () => {
    assert.deepEqual(readings("hello", "helo"), [2, 3]);
  });
});
