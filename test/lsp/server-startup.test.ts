// What the server loads before anyone asks for it. The report, OCR, index and voice libraries are loaded on
// first use (dynamic import): imported at the top of the bundle, the report libraries alone kept ~65 MB
// resident in every server from the start (bench/memory, issue 23). Checked on the bundle a user runs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { SERVER_BUNDLE } from "../support/lsp-client";

/** Packages that cost megabytes when loaded and serve one feature. */
const ON_FIRST_USE = [
  "sharp",
  "vega",
  "vega-lite",
  "nodemailer",
  "pdfkit",
  "pg",
  "sql.js",
  "tesseract.js",
  "pdfjs-dist",
  "@napi-rs/canvas",
  "@lancedb/lancedb",
  "apache-arrow",
  "@fugood/whisper.node",
];

describe("server startup", () => {
  it("the bundle imports no feature library at load time (each is loaded on first use)", () => {
    const bundle = readFileSync(SERVER_BUNDLE, "utf8");
    // Static imports start a statement (after a line break or `;`), readable or minified (`import{a}from"x"`,
    // as `npm run package` builds it); a dynamic import() has "(" after `import` and does not match.
    const staticImports = [...bundle.matchAll(/(?:^|[;\n])\s*import\s*(?:[\w$*{}\s,]+?from\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);
    assert.ok(staticImports.includes("node-llama-cpp"), "the check reads the bundle's static imports");
    const offenders = staticImports.filter((specifier) => ON_FIRST_USE.some((pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`)));
    assert.deepEqual([...new Set(offenders)], []);
  });
});
