// `pincer index` runs in a child process with a lean memory setup (bin/pincer.js): the child's output,
// exit status and cancellation must read as if there were one process.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PINCER_BIN, requireBuild } from "../support/build";

describe("pincer index: the lean child process", function () {
  this.timeout(120_000);
  let dir: string;
  const env = () => ({ ...process.env, PINCER_SETTINGS: path.join(dir, "settings.json"), PINCER_CACHE_DIR: path.join(dir, "cache") });

  before(async function () {
    requireBuild(this);
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-cli-index-")));
    await fs.mkdir(path.join(dir, "ws"));
    // Enough files that an index takes many batches, so a Ctrl-C lands in the middle of it.
    for (let i = 0; i < 1500; i++) await fs.writeFile(path.join(dir, "ws", `m${i}.ts`), `export function helper${i}(value: number): number {\n  return value * ${i};\n}\n`);
  });

  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("prints the child's JSON report and exits with its status", () => {
    const done = spawnSync(process.execPath, [PINCER_BIN, "index", "--workspace", path.join(dir, "ws"), "--json"], { encoding: "utf8", env: env(), timeout: 100_000 });
    assert.equal(done.status, 0, done.stderr);
    const report = JSON.parse(done.stdout) as { files: number; chunks: number };
    assert.equal(report.files, 1500);
    const missing = spawnSync(process.execPath, [PINCER_BIN, "index", "--workspace", path.join(dir, "missing")], { encoding: "utf8", env: env(), timeout: 50_000 });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr.trim(), /^pincer: .*missing/);
  });

  it("a SIGINT to the pincer process cancels the index in the child, once, and leaves no process behind", async () => {
    await fs.rm(path.join(dir, "cache"), { recursive: true, force: true });
    const child = spawn(process.execPath, [PINCER_BIN, "index", "--workspace", path.join(dir, "ws")], { env: env() });
    let stderr = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (data: Buffer) => {
        stderr += data.toString();
        if (/Indexing \d+%/.test(stderr)) resolve();
      });
    });
    child.kill("SIGINT");
    const code = await exited;
    assert.notEqual(code, 0, stderr);
    assert.match(stderr, /pincer: cancelled/);
    const left = spawnSync("pgrep", ["-f", `index --workspace ${path.join(dir, "ws")}`], { encoding: "utf8" });
    assert.equal(left.stdout.trim(), "", "the indexing child is gone");
  });

  it("the indexing child does not outlive a pincer process killed outright (SIGKILL)", async () => {
    await fs.rm(path.join(dir, "cache"), { recursive: true, force: true });
    const parent = spawn(process.execPath, [PINCER_BIN, "index", "--workspace", path.join(dir, "ws")], { env: env() });
    let stderr = "";
    await new Promise<void>((resolve) => {
      parent.stderr.on("data", (data: Buffer) => {
        stderr += data.toString();
        if (/Indexing \d+%/.test(stderr)) resolve();
      });
    });
    const childPid = Number(spawnSync("pgrep", ["-P", String(parent.pid)], { encoding: "utf8" }).stdout.trim().split("\n")[0]);
    assert.ok(childPid > 0, "the indexing child runs");
    const childGone = new Promise<void>((resolve) => {
      // The child's stderr is the parent's (inherited): it closes when the child has exited.
      parent.stderr.on("close", () => resolve());
    });
    parent.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    parent.kill("SIGKILL");
    await childGone;
    // Exited: gone, or a zombie until its new parent reaps it.
    const state = await fs.readFile(`/proc/${childPid}/stat`, "utf8").then((stat) => stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3), () => "gone");
    assert.ok(state === "gone" || state === "Z", `the indexing child is gone (state ${state})`);
    // Cancelled as on Ctrl-C, not left to run to the end on its own.
    assert.match(stderr, /pincer: cancelled/);
  });
});
