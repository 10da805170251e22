// Bundles the extension: the client to one CommonJS file with `vscode` external (the extension
// host require()s it), the server to one ES module with node-llama-cpp external (its native
// binaries are shipped as npm packages inside the .vsix).
import { build } from "esbuild";

const production = process.argv.includes("--production");
const common = { bundle: true, platform: "node", target: "node20", sourcemap: true, minify: production, logLevel: "warning" };

await Promise.all([
  build({
    ...common,
    entryPoints: ["client/src/extension.ts"],
    outfile: "dist/client/extension.cjs",
    format: "cjs",
    external: ["vscode"],
  }),
  build({
    ...common,
    entryPoints: ["server/src/main.ts"],
    outfile: "dist/server/main.mjs",
    format: "esm",
    // OCR dependencies load worker scripts, .wasm, fonts or native addons from their own folders.
    external: ["node-llama-cpp", "tesseract.js", "pdfjs-dist", "sharp", "@napi-rs/canvas"],
    // Bundled CommonJS dependencies (vscode-languageserver) call require(); give ESM one.
    banner: { js: "import { createRequire as __pincerCreateRequire } from 'node:module'; const require = __pincerCreateRequire(import.meta.url);" },
  }),
]);
console.log(`built dist/client/extension.cjs and dist/server/main.mjs${production ? " (production)" : ""}`);
