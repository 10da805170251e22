// Bundles the extension: the client to one CommonJS file with `vscode` external (the extension
// host require()s it), the server to one ES module with node-llama-cpp external (its native
// binaries are shipped as npm packages inside the .vsix).
// `--watch` (npm run dev) rebuilds each bundle on every save, for the debug loop in .vscode/launch.json.
import { copyFileSync, mkdirSync } from "node:fs";
import { build, context } from "esbuild";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");
const common = { bundle: true, platform: "node", target: "node20", sourcemap: true, minify: production, logLevel: "warning" };

const bundles = [
  {
    ...common,
    entryPoints: ["client/src/extension.ts"],
    outfile: "dist/client/extension.cjs",
    format: "cjs",
    external: ["vscode"],
  },
  {
    ...common,
    // The OCR worker entry is its own bundle: tesseract.js starts it in each worker thread. So is
    // the command supervisor, a process of its own between the server and an agent command.
    entryPoints: { main: "server/src/main.ts", "ocr-worker": "server/src/ocr/ocr-worker.ts", "command-supervisor": "server/src/agent/command-supervisor-main.ts" },
    outdir: "dist/server",
    outExtension: { ".js": ".mjs" },
    format: "esm",
    // OCR dependencies load worker scripts, .wasm, fonts or native addons from their own folders.
    external: ["node-llama-cpp", "tesseract.js", "pdfjs-dist", "sharp", "@napi-rs/canvas", "@lancedb/lancedb", "apache-arrow", "sql.js", "pdfkit", "vega", "vega-lite", "nodemailer", "pg", "@fugood/whisper.node"],
    // Bundled CommonJS dependencies (vscode-languageserver) call require(); give ESM one.
    banner: { js: "import { createRequire as __pincerCreateRequire } from 'node:module'; const require = __pincerCreateRequire(import.meta.url);" },
  },
  // The chat webview runs in a browser sandbox: one IIFE script, no Node APIs.
  {
    bundle: true,
    sourcemap: true,
    minify: production,
    logLevel: "warning",
    entryPoints: ["client/src/chat/webview/main.ts"],
    outfile: "dist/media/chat.js",
    format: "iife",
    platform: "browser",
    target: "es2022",
  },
];

// Webview styles and the codicon font, served from dist/media (the webview's only resource root).
mkdirSync("dist/media/codicons", { recursive: true });
copyFileSync("media/chat/chat.css", "dist/media/chat.css");
// The gRPC API reads its service definition at start-up (api/grpc-server.ts); on a fresh clone
// dist/server does not exist before esbuild's first write.
mkdirSync("dist/server", { recursive: true });
copyFileSync("proto/pincer.proto", "dist/server/pincer.proto");
for (const file of ["codicon.css", "codicon.ttf"]) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/media/codicons/${file}`);

if (watch) {
  // Each save rebuilds what it touched; esbuild logs errors, and a "rebuilt" line says the bundle is current.
  const rebuilt = (name) => ({ name: "rebuilt", setup: (b) => b.onEnd((result) => result.errors.length === 0 && console.log(`[dev] rebuilt ${name}`)) });
  const names = ["client", "server", "webview"];
  const contexts = await Promise.all(bundles.map((options, i) => context({ ...options, plugins: [rebuilt(names[i])] })));
  await Promise.all(contexts.map((ctx) => ctx.rebuild().catch(() => undefined)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log("[dev] watching client/src, server/src and the webview; media/chat/chat.css is copied at start (restart npm run dev after changing it)");
} else {
  await Promise.all(bundles.map((options) => build(options)));
  console.log(`built dist/client/extension.cjs, dist/server/{main,ocr-worker,command-supervisor}.mjs and dist/media/chat.js${production ? " (production)" : ""}`);
}
