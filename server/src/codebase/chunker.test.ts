import assert from "node:assert/strict";
import { chunkText, MAX_CHUNK_LINES, WINDOW_LINES } from "./chunker";
import { reciprocalRankFusion } from "./fusion";
import { chunkTerms, lexicalTerms, splitIdentifier } from "./terms";

describe("codebase chunker", () => {
  it("makes one chunk per small definition, with its name, kind and the comment above it", async () => {
    const text = ['import { a } from "./a";', "", "/** Adds two numbers. */", "export function addNumbers(x: number, y: number) {", "  return x + y;", "}", "", "class Greeter {", "  greet() { return 'hi'; }", "}"].join("\n");
    const chunks = await chunkText("src/math.ts", text);
    const add = chunks.find((c) => c.symbols[0] === "addNumbers")!;
    assert.equal(add.kind, "function");
    assert.equal(add.startLine, 3, "the doc comment belongs to the function");
    assert.equal(add.endLine, 6);
    assert.match(add.text, /Adds two numbers/);
    const greeter = chunks.find((c) => c.symbols[0] === "Greeter")!;
    assert.deepEqual(greeter.symbols, ["Greeter", "Greeter.greet"]);
    assert.ok(chunks.some((c) => c.kind === "lines" && /import/.test(c.text)), "top-level lines outside definitions are kept as a window");
  });

  it("splits a large class into its head and one chunk per method", async () => {
    const methods = Array.from({ length: 12 }, (_, i) => [`  method${i}() {`, ...Array.from({ length: 8 }, (_, j) => `    const v${j} = ${i} + ${j};`), "  }"].join("\n"));
    const text = ["export class Big {", "  field = 1;", ...methods, "}"].join("\n");
    assert.ok(text.split("\n").length > MAX_CHUNK_LINES);
    const chunks = await chunkText("big.ts", text);
    const methodChunks = chunks.filter((c) => c.symbols[0]?.startsWith("Big.method"));
    assert.equal(methodChunks.length, 12);
    assert.ok(chunks.some((c) => c.symbols[0] === "Big" && /field = 1/.test(c.text)), "the class head is a chunk named after the class");
  });

  it("cuts files without a grammar into windows, dropping blank ones", async () => {
    const text = [...Array.from({ length: WINDOW_LINES + 10 }, (_, i) => `line ${i}`), "", "", ""].join("\n");
    const chunks = await chunkText("notes.txt", text);
    assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine, c.kind]), [[1, WINDOW_LINES, "lines"], [WINDOW_LINES + 1, text.split("\n").length, "lines"]]);
  });
});

describe("codebase terms and fusion", () => {
  it("splits code names the way people search for them", () => {
    assert.deepEqual(splitIdentifier("parseHTTPResponse2"), ["parse", "http", "response", "2"]);
    assert.deepEqual(splitIdentifier("MAX_PARSE_CHARS"), ["max", "parse", "chars"]);
    assert.deepEqual(lexicalTerms("createSourceFile(x)"), ["createsourcefile", "create", "source", "file"]);
    assert.match(chunkTerms("src/fileScanner.ts", ["FileScanner.scan"], "x"), /\bscanner\b.*\bscan\b/);
  });

  it("reciprocal rank fusion rewards items both rankers found and counts an item once per ranker", () => {
    const fused = reciprocalRankFusion([["a", "b", "c", "a"], ["c", "d"]], (x) => x);
    assert.equal(fused[0]!.item, "c");
    assert.deepEqual(fused[0]!.rankers, [0, 1]);
    assert.ok(Math.abs(fused.find((f) => f.item === "a")!.score - 1 / 61) < 1e-12);
  });

  it("reciprocal rank fusion scales each ranker's votes by its weight; a weight of 0 leaves the ranker out", () => {
    const halved = reciprocalRankFusion([["a", "b"], ["b", "c"]], (x) => x, 60, [1, 0.5]);
    assert.equal(halved[0]!.item, "b");
    assert.ok(Math.abs(halved.find((f) => f.item === "c")!.score - 0.5 / 62) < 1e-12);
    const lexicalOnly = reciprocalRankFusion([["a"], ["c"]], (x) => x, 60, [1, 0]);
    assert.deepEqual(lexicalOnly.map((f) => f.item), ["a"]);
  });
});
