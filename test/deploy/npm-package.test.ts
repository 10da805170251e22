// `npm pack` makes a working CLI package: installed with `npm install -g <tarball>` (here into a
// temporary prefix), `pincer` is on that prefix's PATH and runs outside the checkout.
// Slow (it builds and installs the dependencies from the registry or npm's cache): test/deploy.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../support/test-model";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("the npm package (npm pack, npm install -g)", function () {
  this.timeout(600_000);
  let dir: string;
  let pincer: string;

  before(async function () {
    if (process.env.PINCER_TEST_NO_BUILD === "1") {
      console.warn("  skipped: PINCER_TEST_NO_BUILD=1 asks for no build, and npm pack builds (its prepack script)");
      this.skip();
    }
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-npm-package-")));
    execFileSync(npm, ["pack", "--pack-destination", dir], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
    const tarball = (await fs.readdir(dir)).find((name) => name.endsWith(".tgz"));
    assert.ok(tarball, "npm pack wrote a tarball");
    const prefix = path.join(dir, "prefix");
    // Install scripts stay off, as npm 11 does for dependencies: node-llama-cpp's prebuilt binaries are packages.
    execFileSync(npm, ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--ignore-scripts", path.join(dir, tarball)], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
    pincer = path.join(prefix, process.platform === "win32" ? "pincer.cmd" : path.join("bin", "pincer"));
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("pincer --version prints the package's version, run from outside the checkout", () => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    const result = spawnSync(pincer, ["--version"], { cwd: dir, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `${version}\n`);
  });

  it("pincer doctor --json loads the inference backend from the installed package", () => {
    const result = spawnSync(pincer, ["doctor", "--json"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PINCER_SETTINGS: path.join(dir, "none.json"), PINCER_CACHE_DIR: path.join(dir, "cache") },
    });
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { backend: string; model: unknown };
    assert.ok(["CPU", "CUDA", "Vulkan", "Metal"].includes(report.backend), report.backend);
    assert.equal(report.model, null);
  });
});
