import assert from "node:assert/strict";
import { ParserPool, pointAt, textEdit } from "./parser-pool";

/** About `lines` lines of ordinary TypeScript. */
function typescriptSample(lines: number): string {
  const chunk = (i: number) => `
/** Item ${i}. */
export interface Item${i} {
  id: number;
  name: string;
}

export class Store${i} {
  private readonly items = new Map<number, Item${i}>();

  add(item: Item${i}): void {
    if (this.items.has(item.id)) throw new Error(\`duplicate \${item.id}\`);
    this.items.set(item.id, item);
  }

  find(name: string): Item${i} | undefined {
    for (const item of this.items.values()) if (item.name === name) return item;
    return undefined;
  }
}

export const total${i} = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
`;
  let text = "";
  for (let i = 0; text.split("\n").length < lines; i++) text += chunk(i);
  return text.split("\n").slice(0, lines).join("\n");
}

const ms = (start: number) => `${(performance.now() - start).toFixed(1)} ms`;

describe("parser pool", () => {
  const pool = new ParserPool();
  after(() => pool.dispose());

  it("returns undefined for a language without a grammar, and never throws", async () => {
    assert.equal(await pool.parse("whatever", "plaintext"), undefined);
    assert.equal(await pool.withTree("whatever", "cobol", () => 1), undefined);
    assert.equal(await pool.parseDocument("k", "whatever", "markdown"), undefined);
    assert.equal(await pool.language("__proto__"), undefined);
  });

  it("parses, and withTree frees the tree after use", async () => {
    const tree = await pool.parse("const x = 1;\n", "typescript");
    assert.ok(tree);
    assert.equal(tree.rootNode.type, "program");
    tree.delete();
    const type = await pool.withTree("x = 1\n", "python", (t) => t.rootNode.firstChild?.type);
    assert.equal(type, "expression_statement");
  });

  it("re-parses a document incrementally and gets the same tree as a fresh parse", async () => {
    let text = typescriptSample(200);
    const first = await pool.parseDocument("doc", text, "typescript");
    assert.ok(first);
    assert.equal(await pool.parseDocument("doc", text, "typescript"), first, "same text: the kept tree");
    for (const [index, insert] of [[500, "\n  // note é😀\n"], [40, "x"], [text.length - 10, "};\n"]] as const) {
      text = text.slice(0, index) + insert + text.slice(index);
      const incremental = await pool.parseDocument("doc", text, "typescript");
      const fresh = await pool.withTree(text, "typescript", (t) => t.rootNode.toString());
      assert.equal(incremental?.rootNode.toString(), fresh);
    }
    pool.forget("doc");
  });

  it("gives up on a parse that runs past its time limit, and parses normally afterwards", async () => {
    const huge = `const a = [${"1, ".repeat(300_000)}];\n`;
    assert.equal(await pool.parse(huge, "typescript", { timeoutMs: 5 }), undefined);
    assert.equal(await pool.withTree("const x = 1;", "typescript", (t) => t.rootNode.hasError), false);
  });

  it("computes edits and points in UTF-16 units", () => {
    const edit = textEdit("ab\ncd😀ef", "ab\ncd😀XXef");
    assert.equal(edit.startIndex, 7);
    assert.equal(edit.oldEndIndex, 7);
    assert.equal(edit.newEndIndex, 9);
    assert.deepEqual(edit.startPosition, { row: 1, column: 4 });
    assert.deepEqual(edit.newEndPosition, { row: 1, column: 6 });
    assert.deepEqual(pointAt("a\nbc\n", 5), { row: 2, column: 0 });
  });

  it("parses a 5,000-line file quickly (timings printed, not asserted)", async () => {
    const fresh = new ParserPool();
    const small = typescriptSample(500);
    const big = typescriptSample(5000);
    let start = performance.now();
    await fresh.language("typescript");
    const load = ms(start);
    start = performance.now();
    (await fresh.parse(small, "typescript"))?.delete();
    const first500 = ms(start);
    start = performance.now();
    (await fresh.parse(small, "typescript"))?.delete();
    const again500 = ms(start);
    await fresh.parseDocument("big", big, "typescript");
    start = performance.now();
    const tree = await fresh.parse(big, "typescript");
    const full5000 = ms(start);
    assert.ok(tree && !tree.rootNode.hasError);
    tree.delete();
    const edited = `${big.slice(0, 20_000)}\n  const y = 2;\n${big.slice(20_000)}`;
    start = performance.now();
    await fresh.parseDocument("big", edited, "typescript");
    const incremental5000 = ms(start);
    console.log(`      grammar load ${load}; 500 lines: first parse ${first500}, re-parse ${again500}; 5,000 lines: full ${full5000}, incremental after an edit ${incremental5000}`);
    fresh.dispose();
  });
});
