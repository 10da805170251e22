import assert from "node:assert/strict";
import { applyBlock, closestCandidates, diffHunk, lineSimilarity } from "./edit-match";

const FILE = ["function add(a, b) {", "  return a + b;", "}", "", "function sub(a, b) {", "  return a - b;", "}", ""].join("\n");

describe("search/replace blocks", () => {
  it("replaces an exact unique match", () => {
    const result = applyBlock(FILE, "return a + b;", "return b + a;");
    assert.ok(result.ok);
    assert.equal(result.how, "exact");
    assert.equal(result.startLine, 2);
    assert.match(result.content, /return b \+ a;/);
  });

  it("a search copied from an observation with <U+XXXX> escapes matches the invisible characters in the file", () => {
    const file = "\uFEFFconst a = 1;\nconst b\u200B = 2;\n";
    const result = applyBlock(file, "<U+FEFF>const a = 1;", "<U+FEFF>const a = 10;");
    assert.ok(result.ok);
    assert.equal(result.content, "\uFEFFconst a = 10;\nconst b\u200B = 2;\n", "the BOM the file had stays; nothing else changes");
    const literal = applyBlock("say <U+200B> here\n", "<U+200B>", "ZWSP");
    assert.ok(literal.ok && literal.content === "say ZWSP here\n", "a file that holds the escape as text still matches as written");
  });

  it("refuses an ambiguous block and names the lines", () => {
    const result = applyBlock(FILE, "(a, b) {", "(x) {");
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : "", /matches 2 places \(lines 1, 5\)/);
  });

  it("tolerates trailing whitespace differences", () => {
    const result = applyBlock(FILE, "function add(a, b) {   \n  return a + b;  ", "function add(a, b) {\n  return a + b + 0;");
    assert.ok(result.ok);
    assert.equal(result.how, "trailing-whitespace");
    assert.match(result.content, /^function add\(a, b\) \{\n {2}return a \+ b \+ 0;\n\}/);
  });

  it("tolerates different indentation and re-indents the replacement", () => {
    const result = applyBlock(FILE, "function sub(a, b) {\n    return a - b;\n}", "function sub(a, b) {\n    // subtract\n    return a - b;\n}");
    assert.ok(result.ok);
    // Only the first line's indentation is mapped; the search block's inner 4-space indent maps to the file's 2.
    assert.equal(result.how, "indentation");
    assert.match(result.content, /function sub\(a, b\) \{\n {4}\/\/ subtract/);
  });

  it("lists the closest candidates when nothing matches", () => {
    const result = applyBlock(FILE, "function sub(a, b) {\n  return a * b;\n}", "x");
    assert.equal(result.ok, false);
    const error = !result.ok ? result.error : "";
    assert.match(error, /does not match/);
    assert.match(error, /lines 5-7 \(\d+% similar\)/);
    assert.match(error, /return a - b;/);
  });

  it("says so when nothing is even similar", () => {
    const result = applyBlock(FILE, "zzzz qqqq", "x");
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : "", /nothing in it looks similar/);
  });

  it("refuses an empty search", () => {
    assert.equal(applyBlock(FILE, "  \n", "x").ok, false);
  });

  it("scores line similarity and ranks windows", () => {
    assert.equal(lineSimilarity("abc", "abc"), 1);
    assert.ok(lineSimilarity("return a - b;", "return a * b;") > 0.6);
    assert.equal(closestCandidates(FILE.split("\n"), ["return a - b;"])[0]!.startLine, 6);
  });

  it("makes a unified diff hunk", () => {
    const hunk = diffHunk("f.js", "a\nb\nc\n", "a\nB\nc\n");
    assert.equal(hunk, "--- a/f.js\n+++ b/f.js\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n ");
  });
});
