// Desktop VS Code tier for machines that can download VS Code (@vscode/test-electron through
// @vscode/test-cli): `npm run test:electron`. Offline machines use the code-server tier instead
// (test/e2e), which npm test runs. Both use the same fixture workspace and test model.
import { defineConfig } from "@vscode/test-cli";
import path from "node:path";

const testModel = process.env.PINCER_TEST_MODEL ?? path.resolve("..", "shared", "models", "llama-2-tiny-random.gguf");

export default defineConfig({
  label: "desktop",
  files: "test/electron/**/*.test.cjs",
  workspaceFolder: "test/fixtures/workspace",
  extensionDevelopmentPath: ".",
  launchArgs: ["--disable-workspace-trust"],
  env: { PINCER_TEST_MODEL: testModel, PINCER_MODEL: testModel },
  mocha: { timeout: 60_000, ui: "bdd" },
});
