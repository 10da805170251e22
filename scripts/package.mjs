// Builds pincer-<version>.vsix for one platform (default: this one). The server bundle keeps
// node-llama-cpp external, so its JS and the platform's prebuilt binaries ship in the .vsix:
// CPU and Vulkan by default; CUDA only with --with-cuda (its libraries add about 500 MB).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const targetArg = args.find((a) => a.startsWith("--target="));
const target = targetArg ? targetArg.slice("--target=".length) : `${process.platform === "win32" ? "win32" : process.platform}-${process.arch}`;
const withCuda = args.includes("--with-cuda");
const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const llamaPlatform = target.replace(/^win32-/, "win-").replace(/^darwin-/, "mac-");

const binaryPackages = [llamaPlatform, `${llamaPlatform}-vulkan`, `${llamaPlatform}-metal`];
if (withCuda) binaryPackages.push(`${llamaPlatform}-cuda`, `${llamaPlatform}-cuda-ext`);

// vsce applies every "!" pattern after all others, so the list names what to leave out, never
// what to keep: every top-level entry that is not part of the extension, then runtime trimming.
const shipped = new Set(["package.json", "README.md", "CHANGELOG.md", "LICENSE", "dist", "media", "syntaxes", "node_modules"]);
const installedBinaries = readdirSync(path.join("node_modules", "@node-llama-cpp"));
const ignore = [
  // package.nls*.json: the manifest's %key% strings, per display language.
  ...readdirSync(".").filter((entry) => !shipped.has(entry) && !/^package\.nls(\.[a-z-]+)?\.json$/.test(entry)).map((entry) => (statSync(entry).isDirectory() ? `${entry}/**` : entry)),
  "dist/**/*.map",
  // Binaries for other platforms and backends, and llama.cpp's build sources (never built at run time).
  ...installedBinaries.filter((name) => !binaryPackages.includes(name)).map((name) => `node_modules/@node-llama-cpp/${name}/**`),
  "node_modules/node-llama-cpp/llama/gitRelease.bundle",
  "node_modules/node-llama-cpp/llama/addon/**",
  "node_modules/node-llama-cpp/templates/**",
  "node_modules/typescript/**",
  // tree-sitter: only the runtime and grammar .wasm files are loaded; never the JS loaders,
  // native prebuilds, C sources or the grammars Pincer does not map.
  "node_modules/web-tree-sitter/debug/**",
  "node_modules/web-tree-sitter/*.js",
  "node_modules/web-tree-sitter/*.cjs",
  "node_modules/web-tree-sitter/*.d.cts",
  "node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter.js",
  "node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter.wasm",
  "node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-regex.wasm",
  "node_modules/tree-sitter-{c,json}/{src,prebuilds,bindings,queries,node_modules}/**",
  "node_modules/tree-sitter-{c,json}/{binding.gyp,grammar.js,tree-sitter.json}",
  "node_modules/node-gyp-build/**",
  // The codebase index's store: LanceDB's platform package (an N-API binary, no install script) ships
  // through npm's optional dependencies, so only this platform's is installed; its licence files and
  // the Rust licence report stay, its other documentation goes.
  "node_modules/@lancedb/lancedb/{AGENTS,CONTRIBUTING}.md",
  // OCR: tesseract.js runs its Node worker script from src/ (never the browser dist/). Its Node
  // getCore() passes a boolean where it compares OEM numbers, so Node always loads the full cores
  // (tesseract-core{,-simd,-relaxedsimd}), never the *-lstm ones; it reads their .wasm files, never
  // the base64 .wasm.js copies meant for browsers. One traineddata flavour per language (best_int).
  "node_modules/tesseract.js/{dist,docs,examples,scripts}/**",
  "node_modules/tesseract.js/karma.conf.js",
  "node_modules/tesseract.js-core/*.wasm.js",
  "node_modules/tesseract.js-core/tesseract-core*-lstm.{js,wasm}",
  "node_modules/@tesseract.js-data/*/4.0.0/**",
  "node_modules/tesseract.js/src/worker-script/browser/**",
  "node_modules/tesseract.js/src/worker/browser/**",
  // Browser-only dependencies of tesseract.js (Node gunzips with node:zlib, caches on disk).
  "node_modules/{idb-keyval,zlibjs}/**",
  "node_modules/bmp-js/{test,bmp-js.iml}/**",
  "node_modules/bmp-js/bmp-js.iml",
  // pdfjs-dist: only the legacy build's pdf.mjs + pdf.worker.mjs run in Node; fonts, CMaps and the
  // image-decoder wasm are loaded from disk for rendering scanned pages.
  "node_modules/pdfjs-dist/{build,web,types,image_decoders}/**",
  "node_modules/pdfjs-dist/legacy/{web,image_decoders}/**",
  "node_modules/pdfjs-dist/legacy/build/{pdf.min.mjs,pdf.worker.min.mjs,pdf.sandbox.mjs,pdf.sandbox.min.mjs,pdf.d.mts}",
  // sharp: prebuilt binaries come from @img/*; never its C++ sources or the build-from-source installer.
  "node_modules/sharp/{src,install}/**",
  "node_modules/**/*.d.ts",
  "node_modules/**/*.d.mts",
  "node_modules/**/*.d.cts",
  "node_modules/**/*.map",
  "node_modules/**/*.ts",
  "node_modules/**/*.md",
];

const dir = mkdtempSync(path.join(os.tmpdir(), "pincer-package-"));
const ignoreFile = path.join(dir, "vscodeignore");
writeFileSync(ignoreFile, `${ignore.join("\n")}\n`);
const out = `pincer-${version}.vsix`;
try {
  execFileSync(process.execPath, ["scripts/build.mjs", "--production"], { stdio: "inherit" });
  execFileSync(
    process.execPath,
    [path.join("node_modules", "@vscode", "vsce", "vsce"), "package", "--target", target, "--ignoreFile", ignoreFile, "--out", out, "--allow-missing-repository", "--no-rewrite-relative-links", "--skip-license"],
    { stdio: "inherit" },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`packaged ${out} for ${target}${withCuda ? " with CUDA" : ""}`);
