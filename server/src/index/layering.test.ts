// index/ is domain code (ARCHITECTURE.md, Layering): it must stay usable from the CLI and tests,
// so it imports neither the editor nor the LSP library nor the model runtime.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const FORBIDDEN = /^(vscode|vscode-languageserver.*|node-llama-cpp)$|\/lsp\//;

describe("index/ layering", () => {
  it("imports neither vscode, vscode-languageserver, node-llama-cpp nor lsp/", () => {
    const offenders = readdirSync(here)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .flatMap((name) => {
        const text = readFileSync(path.join(here, name), "utf8");
        const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]!);
        return specifiers.filter((s) => FORBIDDEN.test(s)).map((s) => `${name}: ${s}`);
      });
    assert.deepEqual(offenders, []);
  });
});
