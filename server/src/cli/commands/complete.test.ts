// pincer complete on the tiny model: it picks the completion model as the editor does
// (pincer.completion.model over pincer.model), and reads the definitions a file imports as context.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { requireBuild } from "../../../../test/support/build";

/** The test model's path, or a skip with the reason (see engine.test.ts for why this is a dynamic import). */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

/** This process's environment without the variables that would choose the model or the log level. */
function env(): NodeJS.ProcessEnv {
  const { PINCER_MODEL: _model, PINCER_LOG: _log, ...rest } = process.env;
  return rest;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const bin = path.join(root, "bin", "pincer.js");

describe("pincer complete (CLI)", function () {
  this.timeout(120_000);
  let scratch: string;

  before(function () {
    requireBuild(this);
  });

  beforeEach(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-complete-"));
    await fs.writeFile(path.join(scratch, "a.ts"), 'import { helper } from "./b";\nconst x = helper(');
    await fs.writeFile(path.join(scratch, "b.ts"), "export function helper(n: number): number {\n  return n + 1;\n}\n");
  });
  afterEach(() => fs.rm(scratch, { recursive: true, force: true }));

  const complete = (...extra: string[]) =>
    spawnSync(process.execPath, [bin, "complete", "--file", "a.ts", "--line", "1", "--character", "17", "--json", ...extra], {
      cwd: scratch,
      env: { ...env(), PINCER_SETTINGS: path.join(scratch, "settings.json") },
      encoding: "utf8",
      timeout: 110_000,
    });

  it("uses pincer.completion.model when it is set, as the editor does", async function () {
    const model = await requireTestModel(this);
    await fs.writeFile(path.join(scratch, "settings.json"), JSON.stringify({ "pincer.model": path.join(scratch, "missing.gguf"), "pincer.completion.model": model, "pincer.threads": 1, "pincer.contextSize": 512 }));
    const result = complete();
    assert.equal(result.status, 0, result.stderr);
    const answer = JSON.parse(result.stdout) as { model: string; insertText: string };
    assert.equal(answer.model, path.basename(model).replace(/\.gguf$/i, ""));
  });

  it("PINCER_LOG=info shows the info lines on stderr (the model load), stdout stays the answer", async function () {
    const model = await requireTestModel(this);
    await fs.writeFile(path.join(scratch, "settings.json"), JSON.stringify({ "pincer.model": model, "pincer.threads": 1, "pincer.contextSize": 512 }));
    const quiet = complete();
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /\[pincer info\]/);
    const told = spawnSync(process.execPath, [bin, "complete", "--file", "a.ts", "--line", "1", "--character", "17", "--json"], {
      cwd: scratch,
      env: { ...env(), PINCER_SETTINGS: path.join(scratch, "settings.json"), PINCER_LOG: "info" },
      encoding: "utf8",
      timeout: 110_000,
    });
    assert.equal(told.status, 0, told.stderr);
    assert.match(told.stderr, /\[pincer info\] Loaded /);
    assert.equal(typeof (JSON.parse(told.stdout) as { insertText: string }).insertText, "string");
  });

  it("--model overrides both", async function () {
    const model = await requireTestModel(this);
    await fs.writeFile(path.join(scratch, "settings.json"), JSON.stringify({ "pincer.completion.model": path.join(scratch, "missing.gguf"), "pincer.threads": 1, "pincer.contextSize": 512 }));
    const result = complete("--model", model);
    assert.equal(result.status, 0, result.stderr);
  });
});
