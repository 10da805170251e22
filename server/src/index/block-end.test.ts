import assert from "node:assert/strict";
import { cutByIndentation, truncateAtBlockEnd } from "./block-end";
import { ParserPool } from "./parser-pool";

/** A document with the cursor marked by "█". */
function at(marked: string): { document: string; offset: number } {
  const offset = marked.indexOf("█");
  assert.ok(offset >= 0, "cursor marker missing");
  return { document: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

async function cut(marked: string, completion: string, languageId: string, pool?: ParserPool) {
  const { document, offset } = at(marked);
  return truncateAtBlockEnd(document, offset, completion, languageId, { pool });
}

describe("block end", () => {
  describe("TypeScript", () => {
    it("stops after the closing brace of the function being written when the model starts a new one", async () => {
      const result = await cut(
        "export function add(a: number, b: number): number {█",
        "\n  return a + b;\n}\n\nexport function sub(a: number, b: number): number {\n  return a - b;\n}\n",
        "typescript",
      );
      assert.deepEqual(result, { completion: "\n  return a + b;\n}", cutBy: "syntax" });
    });

    it("does not repeat a closing brace the document already has", async () => {
      const result = await cut("function a() {\n  const x = 1;\n  █\n}\n", "return x;\n}\n\nfunction b() {\n  return 2;\n}", "typescript");
      assert.deepEqual(result, { completion: "return x;", cutBy: "syntax" });
    });

    it("does not repeat a closing `});` either", async () => {
      const result = await cut('describe("x", () => {\n  █\n});\n', 'it("a", () => {});\n});\n\ndescribe("y", () => {});', "typescript");
      assert.deepEqual(result, { completion: 'it("a", () => {});', cutBy: "syntax" });
    });

    it("keeps an else branch: the statement, not its first block, is the unit", async () => {
      const completion = "\n  run();\n} else {\n  stop();\n}";
      const result = await cut("function f(x: boolean) {\n  if (x) {█\n}\n", `${completion}\nconsole.log("after");`, "typescript");
      assert.equal(result.completion, completion);
    });

    it("keeps several statements that stay inside the block", async () => {
      const completion = "const y = 2;\n  const z = 3;\n  return y + z;";
      const result = await cut("function f() {\n  █\n}\n", completion, "typescript");
      assert.deepEqual(result, { completion });
    });

    it("ends a statement being completed mid-line", async () => {
      const result = await cut("const total = █", "items.reduce((a, b) => a + b, 0);\nconsole.log(total);", "typescript");
      assert.deepEqual(result, { completion: "items.reduce((a, b) => a + b, 0);", cutBy: "syntax" });
    });
  });

  it("Python: stops where the function body dedents", async () => {
    const result = await cut("def area(w, h):\n    █", "return w * h\n\n\nprint(area(2, 3))\n", "python");
    assert.deepEqual(result, { completion: "return w * h", cutBy: "syntax" });
  });

  it("Python: keeps a multi-line body", async () => {
    const completion = "\n    total = 0\n    for x in xs:\n        total += x\n    return total";
    const result = await cut("def total(xs):█\n", `${completion}\n\nclass Other:\n    pass\n`, "python");
    assert.equal(result.completion, completion);
  });

  it("Go: stops after the function's closing brace", async () => {
    const result = await cut(
      "package main\n\nfunc add(a, b int) int {█\n",
      "\n\treturn a + b\n}\n\nfunc main() {\n\tprintln(add(1, 2))\n}\n",
      "go",
    );
    assert.deepEqual(result, { completion: "\n\treturn a + b\n}", cutBy: "syntax" });
  });

  it("Go: inside a body already closed, stops before the repeated brace", async () => {
    const result = await cut("package main\n\nfunc f() int {\n\tx := 1\n\t█\n}\n", "return x\n}\n\nfunc g() {}\n", "go");
    assert.deepEqual(result, { completion: "return x", cutBy: "syntax" });
  });

  it("Rust and Ruby use the same rules", async () => {
    const rust = await cut("fn double(x: i32) -> i32 {█", "\n    x * 2\n}\n\nfn main() {}\n", "rust");
    assert.equal(rust.completion, "\n    x * 2\n}");
    const ruby = await cut("class A\n  def hi█\nend\n", "\n    puts 'hi'\n  end\n\n  def bye\n  end", "ruby");
    assert.equal(ruby.completion, "\n    puts 'hi'\n  end");
  });

  it("at the top level falls back to indentation: one block, then stop", async () => {
    const result = await cut("import os\n\n█", "def f():\n    return 1\n\n\ndef g():\n    return 2\n", "python");
    assert.deepEqual(result, { completion: "def f():\n    return 1", cutBy: "indentation" });
  });

  it("unknown languages use the indentation rules", async () => {
    const result = await cut("proc main =\n  let x = 1█\n", "\n  echo x\n\nproc other =\n  discard\n", "nim");
    assert.deepEqual(result, { completion: "\n  echo x", cutBy: "indentation" });
    const untouched = await cut("x = 1\n█", "y = 2\nz = 3", "nim");
    assert.deepEqual(untouched, { completion: "y = 2\nz = 3" });
  });

  describe("indentation rules", () => {
    const run = (marked: string, completion: string) => {
      const { document, offset } = at(marked);
      return cutByIndentation(document, offset, completion);
    };

    it("a. stops before a line indented less than the cursor line", () => {
      assert.equal(run("  loop\n    step█", "\n    step2\n  after\n"), "\n    step2");
    });

    it("b. stops at a blank line followed by a line back at the base, after deeper lines", () => {
      assert.equal(run("block█", ":\n  inner\n\nnext:\n  x"), ":\n  inner");
      assert.equal(run("block█", ":\n  inner\n\n  still inner"), ":\n  inner\n\n  still inner");
    });

    it("c. stops after a closing line at the base, unless it opens a new block", () => {
      assert.equal(run("fn x() {█", "\n  a();\n}\nfn y() {\n}"), "\n  a();\n}");
      assert.equal(run("if (x) {█", "\n  a();\n} else {\n  b();\n}\nnext();"), "\n  a();\n} else {\n  b();\n}");
    });

    it("counts tabs as four columns and keeps a completion with no block", () => {
      assert.equal(run("\tx█", "\n    y\nz"), "\n    y");
      assert.equal(run("a█", " = 1"), " = 1");
    });
  });

  it("a separate pool keeps its own trees (no leak between documents)", async () => {
    const pool = new ParserPool();
    const { document, offset } = at("function a() {█");
    const first = await truncateAtBlockEnd(document, offset, "\n}\nfunction b() {}", "typescript", { pool, documentKey: "file:///a.ts" });
    const second = await truncateAtBlockEnd(document, offset, "\n  return 1;\n}\nx();", "typescript", { pool, documentKey: "file:///a.ts" });
    assert.equal(first.completion, "\n}");
    assert.equal(second.completion, "\n  return 1;\n}");
    pool.dispose();
  });
});
