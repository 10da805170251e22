// Builds llama.cpp's `llama-server` from the exact llama.cpp source node-llama-cpp binds
// (node_modules/node-llama-cpp/llama/gitRelease.bundle, a git bundle): the real remote engine of the
// remote-engine LSP tests (test/lsp/remote-engines.test.ts), of bench/remote.ts and the peer of bench/completion.ts. test/e2e/setup
// builds it in CI (`node --import tsx test/support/llama-server-build.ts`).
//
// The build lives outside the repository, in ~/.cache/pincer-bench/llama-server-<commit> (or
// $PINCER_BENCH_CACHE), and is reused: a finished build is marked by a `build-ok` file that names the
// binary, so a second run returns at once. An interrupted run resumes (clone and configure are skipped when
// done, ninja/make build only what is missing). About 10+ minutes on 2 cores.
//
// Usage: node --import tsx test/support/llama-server-build.ts [--print-path]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BUNDLE = path.join(REPO_ROOT, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");

export function llamaServerCacheRoot(): string {
  return process.env.PINCER_BENCH_CACHE ?? path.join(os.homedir(), ".cache", "pincer-bench");
}

/** The llama.cpp commit the bundle holds (its HEAD). */
export function bundledLlamaCommit(): string {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm ci first`);
  const result = spawnSync("git", ["bundle", "list-heads", BUNDLE], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git bundle list-heads failed: ${result.stderr}`);
  const head = result.stdout.split("\n").find((line) => / HEAD$/.test(line)) ?? result.stdout.split("\n")[0] ?? "";
  const commit = head.split(" ")[0] ?? "";
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`no commit in the bundle's heads: ${result.stdout}`);
  return commit;
}

/** The path of a finished build, or undefined when none is cached. */
export function cachedLlamaServer(commit = bundledLlamaCommit()): string | undefined {
  const marker = path.join(llamaServerCacheRoot(), `llama-server-${commit.slice(0, 12)}`, "build-ok");
  if (!existsSync(marker)) return undefined;
  const binary = readFileSync(marker, "utf8").trim();
  return existsSync(binary) ? binary : undefined;
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
}

/** Builds llama-server once per bundled commit; returns the binary's path. */
export function ensureLlamaServer(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): string {
  const commit = bundledLlamaCommit();
  const cached = cachedLlamaServer(commit);
  if (cached) return cached;
  const dir = path.join(llamaServerCacheRoot(), `llama-server-${commit.slice(0, 12)}`);
  const source = path.join(dir, "src");
  const build = path.join(dir, "build");
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(source, "CMakeLists.txt"))) {
    log(`cloning llama.cpp ${commit.slice(0, 12)} from node-llama-cpp's bundle into ${dir}`);
    const partial = `${source}.partial`;
    rmSync(partial, { recursive: true, force: true });
    run("git", ["clone", "--quiet", BUNDLE, partial], dir);
    run("git", ["checkout", "--quiet", commit], partial);
    renameSync(partial, source);
  }
  const generator = spawnSync("ninja", ["--version"]).status === 0 ? ["-G", "Ninja"] : [];
  if (!existsSync(path.join(build, "CMakeCache.txt"))) {
    log("configuring (cmake, Release, native CPU, no curl)");
    run("cmake", [
      "-S", source, "-B", build, ...generator,
      "-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_CURL=OFF", "-DGGML_NATIVE=ON",
      "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=ON",
      "-DBUILD_SHARED_LIBS=OFF",
    ], dir);
  }
  log(`building llama-server with ${os.availableParallelism()} jobs (about 10 minutes on 2 cores)`);
  run("cmake", ["--build", build, "--target", "llama-server", "-j", String(os.availableParallelism())], dir);
  const binary = path.join(build, "bin", "llama-server");
  if (!existsSync(binary)) throw new Error(`the build finished but ${binary} is missing`);
  writeFileSync(path.join(dir, "build-ok"), `${binary}\n`);
  log(`llama-server: ${binary}`);
  return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const binary = ensureLlamaServer();
  if (process.argv.includes("--print-path")) process.stdout.write(`${binary}\n`);
}
