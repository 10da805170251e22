// Agent runs as real processes: `pincer run` (the built CLI, `node bin/pincer.js`, answers from the
// PINCER_AGENT_SCRIPT seam) in one workspace at the same time as another run, and killed (with its git) in the
// middle of a snapshot, at a seeded moment (PINCER_FAULTS_SEED=<n> replays a run). Everything but the model is the
// real code: tools, gate, command runner, shadow git.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs, readdirSync, statSync, watch } from "node:fs";
import { randomInt } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { workspaceKey } from "../../server/src/agent/shadow-git";
import { repoRoot } from "../support/test-model";

const CLI = path.join(repoRoot, "bin", "pincer.js");
const BUNDLE = path.join(repoRoot, "dist", "server", "main.mjs");

const call = (tool: string, args: Record<string, unknown>) => ({ thought: "", tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });

/** The bundle the CLI runs must be built from the current sources (these tests spawn `node bin/pincer.js`). */
function buildIfStale(): void {
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) latest = Math.max(latest, entry.isDirectory() ? newest(path.join(dir, entry.name)) : statSync(path.join(dir, entry.name)).mtimeMs);
    return latest;
  };
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newest(path.join(repoRoot, "server", "src"))) return;
  execFileSync(process.execPath, [path.join(repoRoot, "scripts", "build.mjs")], { cwd: repoRoot, stdio: "ignore" });
}

interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves when stderr matches. */
  stderrMatches(pattern: RegExp): Promise<void>;
}

describe("checkpoints across processes (pincer run)", function () {
  this.timeout(120_000);
  let scratch: string;
  let ws: string;
  let cache: string;

  before(buildIfStale);

  beforeEach(async () => {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-ckpt-proc-")));
    ws = path.join(scratch, "ws");
    cache = path.join(scratch, "cache");
    await fs.mkdir(path.join(ws, "src"), { recursive: true });
    await fs.writeFile(path.join(ws, "src", "a.ts"), "export const a = 1;\n");
  });

  afterEach(async () => {
    await fs.rm(scratch, { recursive: true, force: true });
  });

  async function cli(args: string[], script: unknown[] = [], options: { detached?: boolean } = {}): Promise<CliProcess> {
    const scriptFile = path.join(scratch, `script-${Math.random().toString(16).slice(2)}.json`);
    await fs.writeFile(scriptFile, JSON.stringify(script));
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: scratch,
      env: { ...process.env, PINCER_CACHE_DIR: cache, PINCER_AGENT_SCRIPT: scriptFile },
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detached ?? false,
    });
    let out = "";
    let err = "";
    const waiters = new Set<() => void>();
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      for (const wake of [...waiters]) wake();
    });
    const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    return {
      child,
      stdout: () => out,
      stderr: () => err,
      exited,
      stderrMatches: (pattern) =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (pattern.test(err)) {
              waiters.delete(check);
              resolve();
            }
          };
          waiters.add(check);
          check();
          void exited.then(() => (pattern.test(err) ? resolve() : reject(new Error(`exited without ${pattern}: ${err}`))));
        }),
    };
  }

  const run = (script: unknown[], options: { detached?: boolean } = {}) => cli(["run", "--workspace", ws, "--approve", "auto", "--json", "task"], [{ plan: ["p"] }, ...script, finish], options);

  /** Resolves once `name` exists in `dir` (watching the folder; checked once first). */
  function appears(dir: string, name: string): Promise<void> {
    return new Promise((resolve) => {
      const watcher = watch(dir, () => {
        if (existsSync(path.join(dir, name))) {
          watcher.close();
          resolve();
        }
      });
      if (existsSync(path.join(dir, name))) {
        watcher.close();
        resolve();
      }
    });
  }

  it("two runs in one workspace at once: undoing one leaves the other's file, and the second one says it waits", async () => {
    // Run A's command holds its step until the test lets it go (the file `go`, which the command removes itself).
    const a = await run([call("run_command", { command: "echo $$ > a-running.txt; while [ ! -f go ]; do sleep 0.02; done; rm go; echo a > a.txt" })]);
    await appears(ws, "a-running.txt");
    const b = await run([call("create_file", { path: "b.txt", content: "b\n" })]);
    // Either B waits for A's step (and says so), or, without a workspace lock, B is done already.
    await Promise.race([b.stderrMatches(/another agent run is using this workspace/), b.exited]);
    await fs.writeFile(path.join(ws, "go"), "");
    assert.equal(await a.exited, 0, a.stderr());
    assert.equal(await b.exited, 0, b.stderr());
    assert.match(b.stderr(), /another agent run is using this workspace \(pid \d+, pincer run: step 1 of run \S+/);
    const runA = (JSON.parse(a.stdout()) as { runId: string }).runId;
    const runB = (JSON.parse(b.stdout()) as { runId: string }).runId;

    const undoA = await cli(["undo", "--workspace", ws, "--json", runA]);
    assert.equal(await undoA.exited, 0, undoA.stderr());
    const reportA = JSON.parse(undoA.stdout()) as { restored: string[]; conflicts: unknown[] };
    assert.deepEqual(reportA.restored.sort(), ["a-running.txt", "a.txt"]);
    assert.equal(await fs.readFile(path.join(ws, "b.txt"), "utf8"), "b\n", "run B's file survives undoing run A");

    const undoB = await cli(["undo", "--workspace", ws, "--json", runB]);
    assert.equal(await undoB.exited, 0, undoB.stderr());
    assert.deepEqual((JSON.parse(undoB.stdout()) as { restored: string[] }).restored, ["b.txt"]);
    assert.equal(existsSync(path.join(ws, "b.txt")), false);
  });

  it("a run killed with its git in the middle of a snapshot (at a seeded moment) does not stop later runs or undo", async () => {
    const seed = Number(process.env.PINCER_FAULTS_SEED ?? randomInt(2 ** 31));
    // index.lock appears in the before snapshot's `git add` (about a second here) and `write-tree`, then in the
    // after snapshot's `git add`, after the tool wrote x.txt.
    const appearance = 1 + (seed % 3);
    console.log(`      seed ${seed}: killed at index.lock appearance ${appearance} (PINCER_FAULTS_SEED=${seed} replays it)`);
    // Enough files that `git add` holds index.lock for a while.
    for (let i = 0; i < 1500; i++) {
      const dir = path.join(ws, "gen", `d${i % 30}`);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, `f${i}.txt`), `file ${i}\n`.repeat(20));
    }
    const gitDir = path.join(cache, "checkpoints", `${workspaceKey(ws)}.git`);
    await fs.mkdir(gitDir, { recursive: true, mode: 0o700 });
    let seen = 0;
    let killed = false;
    const victim = await run([call("create_file", { path: "x.txt", content: "x\n" })], { detached: true });
    const watcher = watch(gitDir, (_event, name) => {
      if (killed || name !== "index.lock" || !existsSync(path.join(gitDir, "index.lock"))) return;
      if (++seen === appearance) {
        killed = true;
        // The whole process group: the CLI and the git it is running (as a Ctrl-C or a killed terminal does).
        process.kill(-victim.child.pid!, "SIGKILL");
      }
    });
    await victim.exited;
    watcher.close();
    assert.ok(killed, `killed at the index.lock appearance ${appearance}`);
    assert.ok(existsSync(path.join(gitDir, "index.lock")), "git was stopped while it held index.lock");

    const next = await run([call("create_file", { path: "y.txt", content: "y\n" })]);
    assert.equal(await next.exited, 0, next.stderr());
    const transcript = JSON.parse(next.stdout()) as { status: string; changedPaths: string[]; runId: string };
    assert.equal(transcript.status, "finished");
    assert.deepEqual(transcript.changedPaths, ["y.txt"]);

    const undo = await cli(["undo", "--workspace", ws, transcript.runId]);
    assert.equal(await undo.exited, 0, undo.stderr());
    assert.doesNotMatch(undo.stderr(), /\n\s+at /, "no stack trace");
    assert.match(undo.stdout(), /restored y\.txt/);
    assert.equal(existsSync(path.join(ws, "y.txt")), false);
  });
});
