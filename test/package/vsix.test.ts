// The packaged extension: built by `npm run package` (the test runner does it first). It must hold
// the bundles and node-llama-cpp with this platform's binaries, nothing from test/ or bench/, and
// its server must run from the unpacked .vsix alone.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import { renderLines } from "../support/ocr-images";
import { repoRoot, requireTestModel } from "../support/test-model";

describe("pincer .vsix", function () {
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
  const vsix = path.join(repoRoot, `pincer-${version}.vsix`);
  let entries: string[];
  let unpacked: string;

  before(function () {
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` (npm test does it first).`);
    entries = execFileSync("unzip", ["-Z1", vsix], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).split("\n").filter(Boolean);
    unpacked = mkdtempSync(path.join(os.tmpdir(), "pincer-vsix-"));
    execFileSync("unzip", ["-q", vsix, "-d", unpacked]);
  });

  after(() => {
    if (unpacked) rmSync(unpacked, { recursive: true, force: true });
  });

  it("contains the client and server bundles", () => {
    assert.ok(entries.includes("extension/dist/client/extension.cjs"));
    assert.ok(entries.includes("extension/dist/server/main.mjs"));
    // Agent commands without a pid-namespace sandbox run under it (command-launch.ts).
    assert.ok(entries.includes("extension/dist/server/command-supervisor.mjs"));
    assert.ok(entries.includes("extension/package.json"));
  });

  it("contains the display-language files package.json's %keys% and vscode.l10n need (else the UI shows %keys%)", () => {
    for (const file of ["package.nls.json", "package.nls.zh-cn.json", "l10n/bundle.l10n.zh-cn.json"]) assert.ok(entries.includes(`extension/${file}`), file);
  });

  it("contains the chat webview: script, styles and the codicon font (no source maps)", () => {
    for (const file of ["chat.js", "chat.css", "codicons/codicon.css", "codicons/codicon.ttf"]) assert.ok(entries.includes(`extension/dist/media/${file}`), file);
    assert.ok(entries.includes("extension/media/chat/pincer-activity.svg"), "activity bar icon");
    assert.ok(!entries.includes("extension/dist/media/chat.js.map"));
  });

  it("contains node-llama-cpp and its linux-x64 binaries, and no other platform's", () => {
    assert.ok(entries.includes("extension/node_modules/node-llama-cpp/package.json"));
    assert.ok(entries.some((e) => /^extension\/node_modules\/@node-llama-cpp\/linux-x64\/bins\/.*llama-addon\.node$/.test(e)), "CPU addon");
    assert.ok(entries.some((e) => /^extension\/node_modules\/@node-llama-cpp\/linux-x64-vulkan\//.test(e)), "Vulkan addon");
    assert.ok(!entries.some((e) => /@node-llama-cpp\/(linux-arm|mac-|win-)/.test(e)), "no other platform's binaries");
    assert.ok(entries.includes("extension/node_modules/@fugood/node-whisper-linux-x64/index.node"), "whisper.cpp CPU addon");
    assert.ok(entries.includes("extension/node_modules/@fugood/whisper.node/lib/index.js"), "the whisper binding's JS");
    assert.ok(!entries.some((e) => /@fugood\/(node-whisper-(wasm|linux-x64-cuda)|whisper\.node\/(whisper\.cpp|src)\/)/.test(e)), "no whisper sources, wasm or CUDA build");
  });

  it("contains the codebase index's store (LanceDB) with this platform's prebuilt binary, and no other platform's", () => {
    for (const file of ["extension/node_modules/@lancedb/lancedb/package.json", "extension/node_modules/@lancedb/lancedb-linux-x64-gnu/lancedb.linux-x64-gnu.node", "extension/node_modules/apache-arrow/package.json"]) {
      assert.ok(entries.includes(file), file);
    }
    assert.ok(!entries.some((e) => /@lancedb\/lancedb-(darwin|win32|linux-arm64|linux-x64-musl)/.test(e)), "no other platform's store binary");
  });

  it("contains the tree-sitter runtime and grammar .wasm files", () => {
    for (const file of [
      "extension/node_modules/web-tree-sitter/web-tree-sitter.wasm",
      "extension/node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-typescript.wasm",
      "extension/node_modules/tree-sitter-c/tree-sitter-c.wasm",
      "extension/node_modules/tree-sitter-json/tree-sitter-json.wasm",
    ]) {
      assert.ok(entries.includes(file), file);
    }
    assert.ok(!entries.some((e) => /tree-sitter-c\/(src|prebuilds)\//.test(e)), "no C sources or native prebuilds");
  });

  it("parses with tree-sitter from the unpacked package: pincer outline", () => {
    const output = execFileSync(process.execPath, [path.join(unpacked, "extension", "dist", "server", "main.mjs"), "outline", "--json", path.join(repoRoot, "test", "fixtures", "workspace", "hello.ts")], {
      encoding: "utf8",
    });
    const result = JSON.parse(output) as { symbols: { name: string; kind: string }[] };
    assert.deepEqual(result.symbols.map((s) => `${s.kind} ${s.name}`), ["function greet"]);
  });

  it("contains the OCR runtime trimmed to what Node loads", () => {
    for (const file of [
      "extension/node_modules/tesseract.js/src/worker-script/node/index.js",
      "extension/node_modules/tesseract.js-core/tesseract-core-simd.wasm",
      "extension/node_modules/tesseract.js-core/tesseract-core-relaxedsimd.wasm",
      "extension/node_modules/tesseract.js-core/tesseract-core.wasm",
      "extension/node_modules/@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz",
      "extension/node_modules/@tesseract.js-data/chi_sim/4.0.0_best_int/chi_sim.traineddata.gz",
      "extension/node_modules/pdfjs-dist/legacy/build/pdf.mjs",
      "extension/node_modules/pdfjs-dist/legacy/build/pdf.worker.mjs",
      "extension/node_modules/pdfjs-dist/standard_fonts/FoxitSerif.pfb",
      "extension/node_modules/sharp/package.json",
      "extension/node_modules/@napi-rs/canvas/package.json",
    ]) {
      assert.ok(entries.includes(file), file);
    }
    const unwanted = entries.filter(
      (e) =>
        /tesseract\.js-core\/.*\.wasm\.js$/.test(e) ||
        /tesseract\.js-core\/.*-lstm\.(js|wasm)$/.test(e) ||
        /@tesseract\.js-data\/[^/]+\/4\.0\.0\//.test(e) ||
        /tesseract\.js\/dist\//.test(e) ||
        /pdfjs-dist\/(build|web|types|image_decoders)\//.test(e) ||
        /pdfjs-dist\/legacy\/build\/.*\.min\.mjs$/.test(e) ||
        /sharp\/src\//.test(e),
    );
    assert.deepEqual(unwanted, []);
  });

  it("OCRs an image from the unpacked package: pincer ocr", () => {
    const image = path.join(unpacked, "hello.png");
    writeFileSync(image, renderLines(["Packaged OCR works"]));
    const output = execFileSync(process.execPath, [path.join(unpacked, "extension", "dist", "server", "main.mjs"), "ocr", "--json", image], {
      encoding: "utf8",
      cwd: unpacked,
      env: { ...process.env, PINCER_CACHE_DIR: unpacked },
    });
    const result = JSON.parse(output) as { kind: string; markdown: string; pages: unknown[] };
    assert.equal(result.kind, "png");
    assert.match(result.markdown, /Packaged OCR works/);
  });

  it("indexes and searches a folder from the unpacked package: pincer index / search (LanceDB loads)", () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "pincer-vsix-index-"));
    const cache = mkdtempSync(path.join(os.tmpdir(), "pincer-vsix-index-cache-"));
    try {
      writeFileSync(path.join(folder, "ledger.ts"), "export function reconcileLedgerEntries() {}\n");
      const run = (...args: string[]) =>
        execFileSync(process.execPath, [path.join(unpacked, "extension", "dist", "server", "main.mjs"), ...args, "--workspace", folder, "--json"], {
          encoding: "utf8",
          cwd: unpacked,
          env: { ...process.env, PINCER_CACHE_DIR: cache },
        });
      assert.equal((JSON.parse(run("index")) as { files: number }).files, 1);
      const found = JSON.parse(run("search", "reconcile ledger")) as { hits: { path: string }[] };
      assert.equal(found.hits[0]?.path, "ledger.ts");
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("contains what the report tools load at run time: sql.js's wasm, vega, pdfkit's fonts, nodemailer, pg", () => {
    for (const file of [
      "extension/node_modules/sql.js/dist/sql-wasm.wasm",
      "extension/node_modules/sql.js/dist/sql-wasm.js",
      "extension/node_modules/vega/package.json",
      "extension/node_modules/vega-lite/package.json",
      "extension/node_modules/pdfkit/js/data/Helvetica.afm",
      "extension/node_modules/markdown-it/package.json",
      "extension/node_modules/nodemailer/package.json",
      "extension/node_modules/pg/package.json",
    ]) {
      assert.ok(entries.includes(file), file);
    }
    assert.ok(!entries.some((e) => /node_modules\/(smtp-server|mailparser|happy-dom)\//.test(e)), "no test-only packages");
  });

  it("runs the report tools from the unpacked package: SQLite query, Vega-Lite chart, Markdown PDF (pincer run, scripted model)", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "pincer-vsix-report-"));
    const cache = mkdtempSync(path.join(os.tmpdir(), "pincer-vsix-report-cache-"));
    try {
      const SQL = await initSqlJs();
      const db = new SQL.Database();
      db.run("CREATE TABLE sales (region TEXT, revenue INTEGER); INSERT INTO sales VALUES ('North', 15200), ('South', 9800)");
      writeFileSync(path.join(folder, "sales.sqlite"), db.export());
      db.close();
      const spec = { data: { values: [{ region: "North", revenue: 15200 }, { region: "South", revenue: 9800 }] }, mark: "bar", encoding: { x: { field: "region", type: "nominal" }, y: { field: "revenue", type: "quantitative" } } };
      const call = (tool: string, args: Record<string, unknown>) => ({ thought: tool, tool, args });
      const script = path.join(cache, "script.json");
      writeFileSync(
        script,
        JSON.stringify([
          { plan: ["query", "chart", "document"] },
          call("query_database", { file: "sales.sqlite", sql: "SELECT region, revenue FROM sales ORDER BY region" }),
          call("render_chart", { spec: JSON.stringify(spec), output: "revenue.png" }),
          call("render_document", { source: "# Sales\n\n| Region | Revenue |\n|---|---|\n| North | 15200 |\n| South | 9800 |\n\n![chart](revenue.png)\n", format: "markdown", output: "report.pdf", files: ["revenue.png"] }),
          call("finish", { summary: "done", verified: "files written" }),
        ]),
      );
      const output = execFileSync(process.execPath, [path.join(unpacked, "extension", "dist", "server", "main.mjs"), "run", "--workspace", folder, "--profile", "edit", "--approve", "never", "--json", "sales report"], {
        encoding: "utf8",
        cwd: unpacked,
        env: { ...process.env, PINCER_CACHE_DIR: cache, PINCER_AGENT_SCRIPT: script },
      });
      const transcript = JSON.parse(output) as { status: string; steps: { tool: string; result?: { ok: boolean; observation: string } }[] };
      assert.equal(transcript.status, "finished", output);
      const results = transcript.steps.filter((s) => s.tool !== "finish").map((s) => `${s.tool}: ${s.result?.ok} ${s.result?.observation.split("\n")[0]}`);
      assert.ok(transcript.steps.filter((s) => s.tool !== "finish").every((s) => s.result?.ok), results.join("\n"));
      assert.match(transcript.steps[0]!.result!.observation, /North \| 15200/);
      assert.deepEqual([...readFileSync(path.join(folder, "revenue.png")).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
      assert.equal(readFileSync(path.join(folder, "report.pdf")).subarray(0, 5).toString(), "%PDF-");
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("contains nothing from test/, bench/, sources or tooling", () => {
    const leaked = entries.filter((e) => /^extension\/(test|bench|server|client|scripts|\.ci|\.e2e|out)\//.test(e) || /\.ts$/.test(e) && !/\.d\.ts$/.test(e));
    assert.deepEqual(leaked, []);
  });

  it("runs its server from the unpacked package: pincer doctor on the test model", function () {
    const model = requireTestModel(this);
    const output = execFileSync(process.execPath, [path.join(unpacked, "extension", "dist", "server", "main.mjs"), "doctor", "--json", "--model", model], {
      encoding: "utf8",
      env: { ...process.env, PINCER_CACHE_DIR: unpacked },
    });
    const report = JSON.parse(output) as { backend: string; egressGuard: boolean; model: { architecture: string } | null };
    assert.equal(report.egressGuard, true);
    assert.equal(report.model?.architecture, "llama");
    assert.ok(["CPU", "CUDA", "Vulkan", "Metal"].includes(report.backend));
  });
});
