// Where tests find a GGUF model: $PINCER_TEST_MODEL, else the shared tiny random llama-2 model
// beside the checkout. Tests that need it skip with the reason when neither exists (it cannot be
// downloaded here: the machine has no route to Hugging Face).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const TEST_MODEL_PATH = process.env.PINCER_TEST_MODEL ?? path.resolve(repoRoot, "..", "shared", "models", "llama-2-tiny-random.gguf");

export function testModelAvailable(): boolean {
  return existsSync(TEST_MODEL_PATH);
}

/** Call at the top of a suite (`before`) that needs the model; skips the suite with the reason. */
export function requireTestModel(context: Mocha.Context): string {
  if (!testModelAvailable()) {
    console.warn(
      `  skipped: no test model at ${TEST_MODEL_PATH}. Set PINCER_TEST_MODEL to a GGUF file, or download ` +
        "llama-2-tiny-random.gguf from the Hugging Face repo aladar/llama-2-tiny-random-GGUF.",
    );
    context.skip();
  }
  return TEST_MODEL_PATH;
}

export { repoRoot };
