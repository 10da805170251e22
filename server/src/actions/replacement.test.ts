import assert from "node:assert/strict";
import { extractCode } from "./extract-code";
import { applyReplacement, replacementFor, wholeLines } from "./replacement";

describe("action replacements", () => {
  it("takes the first fenced block, an unterminated block, or the bare answer", () => {
    assert.equal(extractCode("Here:\n```ts\nconst a = 1;\n```\nDone."), "const a = 1;");
    assert.equal(extractCode("~~~\nx\n~~~"), "x");
    assert.equal(extractCode("```python\ndef f():\n    pass\n"), "def f():\n    pass");
    assert.equal(extractCode("\n  plain answer  \n"), "  plain answer");
  });

  it("replaces exactly the range and keeps a selection's trailing newline", () => {
    const text = "a\nold line\nz\n";
    const range = { start: 2, end: 11 }; // "old line\n"
    const r = replacementFor("refactor", text, range, "```\nnew line\n```");
    assert.deepEqual(r, { start: 2, end: 11, newText: "new line\n" });
    assert.equal(applyReplacement(text, r), "a\nnew line\nz\n");
  });

  it("puts generated tests after the code, leaving the code unchanged", () => {
    const text = "function f() {}\nrest";
    const r = replacementFor("tests", text, { start: 0, end: 15 }, "```\ntest(f)\n```");
    assert.equal(applyReplacement(text, r), "function f() {}\n\ntest(f)\nrest");
  });

  it("widens a diagnostic to whole lines", () => {
    const text = "one\ntwo three\nfour";
    assert.deepEqual(wholeLines(text, 6, 9), { start: 4, end: 13 });
    assert.deepEqual(wholeLines(text, 4, 14), { start: 4, end: 13 }, "a selection ending at column 0 stops before that line");
  });
});
