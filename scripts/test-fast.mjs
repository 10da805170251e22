// npm run test:fast: the tests a change should pass first, with no build and no model, in about a
// minute on a busy 2-core machine: every unit test beside the source (server/src/**/*.test.ts), the
// webview's and the fixtures' (test/webview, test/support), and the LSP handler tests that run the
// server's source in this process (test/lsp/*.inprocess.test.ts). Tests that need the tiny model or
// dist/ skip and say so. Left to npm run test:unit (after a build): the suites below that exist to
// start many processes or workers, and the tests that need the model or the bundle.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const SLOW = [
  /\.fuzz\.test\.ts$/, // 10,000 command lines traced through bash
  /ocr\/ocr-service\.test\.ts$/, // tesseract workers on every image format
  /agent\/tools\/ocr-tool\.test\.ts$/,
  /agent\/command-runner\.test\.ts$/, // process trees killed on timeouts
  /agent\/sandbox\.security\.test\.ts$/, // one bubblewrap sandbox per attack row
];

function collect(entry, out) {
  if (statSync(entry).isDirectory()) for (const child of readdirSync(entry).sort()) collect(path.join(entry, child), out);
  else if (/\.test\.ts$/.test(entry) && !SLOW.some((pattern) => pattern.test(entry.split(path.sep).join("/")))) out.push(entry);
  return out;
}

const files = [...["server/src", "test/webview", "test/support"].flatMap((root) => collect(root, [])), ...collect("test/lsp", []).filter((file) => file.endsWith(".inprocess.test.ts"))];
const env = { ...process.env, PINCER_TEST_MODEL: path.resolve("test", "no-model-in-the-fast-tier.gguf"), PINCER_TEST_NO_BUILD: "1" };
const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/run-mocha.mjs", ...process.argv.slice(2), ...files], { stdio: "inherit", env });
process.exitCode = result.status ?? 1;
