import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { Query } from "web-tree-sitter";
import { GRAMMAR_FILES, type GrammarId, grammarForLanguageId, grammarForPath, grammarWasmPath, languageIdForPath, runtimeWasmPath, supportedLanguageIds } from "./grammars";
import { ParserPool } from "./parser-pool";
import { QUERIES } from "./queries";

const REQUIRED_LANGUAGE_IDS = [
  "typescript", "typescriptreact", "javascript", "javascriptreact", "python", "go", "rust", "java",
  "c", "cpp", "csharp", "ruby", "php", "shellscript", "json",
];

describe("grammars", () => {
  const pool = new ParserPool();
  after(() => pool.dispose());

  it("maps the VS Code languageIds Pincer needs, and file extensions", () => {
    for (const id of REQUIRED_LANGUAGE_IDS) assert.ok(grammarForLanguageId(id), id);
    assert.ok(supportedLanguageIds().length >= REQUIRED_LANGUAGE_IDS.length);
    assert.equal(grammarForLanguageId("typescriptreact"), "tsx");
    assert.equal(grammarForLanguageId("javascriptreact"), "javascript");
    assert.equal(grammarForLanguageId("shellscript"), "bash");
    assert.equal(grammarForLanguageId("plaintext"), undefined);
    assert.equal(grammarForLanguageId("constructor"), undefined, "no prototype keys");
    assert.equal(grammarForPath("src/App.TSX"), "tsx");
    assert.equal(grammarForPath("lib/util.hpp"), "cpp");
    assert.equal(grammarForPath("main.rs"), "rust");
    assert.equal(grammarForPath("README"), undefined);
  });

  it("names a path's editor language id for hosts that have only the path", () => {
    assert.equal(languageIdForPath("hello.ts"), "typescript");
    assert.equal(languageIdForPath("App.tsx"), "typescriptreact");
    assert.equal(languageIdForPath("Program.cs"), "csharp");
    assert.equal(languageIdForPath("README"), "plaintext");
  });

  it("finds every .wasm in node_modules", () => {
    assert.ok(existsSync(runtimeWasmPath()), runtimeWasmPath());
    for (const grammar of Object.keys(GRAMMAR_FILES) as GrammarId[]) assert.ok(existsSync(grammarWasmPath(grammar)), grammarWasmPath(grammar));
  });

  it("loads every grammar in this web-tree-sitter (ABI compatible) and compiles its queries", async () => {
    for (const grammar of Object.keys(GRAMMAR_FILES) as GrammarId[]) {
      const language = await pool.language(grammar);
      assert.ok(language, `${grammar} did not load`);
      for (const [kind, source] of Object.entries(QUERIES[grammar] ?? {})) {
        assert.doesNotThrow(() => new Query(language, source!).delete(), `${grammar} ${kind} query`);
      }
    }
  });

  it("parses JSON with comments (jsonc)", async () => {
    const hasError = await pool.withTree('{\n  // a comment\n  "a": 1\n}', "jsonc", (tree) => tree.rootNode.hasError);
    assert.equal(hasError, false);
  });
});
