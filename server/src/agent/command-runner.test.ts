import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BoundedOutput, ProcessCommandRunner } from "./command-runner";
import { supervisorPid } from "./command-supervisor";

const posix = process.platform !== "win32";
/** These tests drive /bin/sh and POSIX process groups; say so when they cannot run. */
function requirePosix(context: Mocha.Context): void {
  if (posix) return;
  console.log(`    skipped: needs /bin/sh and POSIX process groups (this is ${process.platform})`);
  context.skip();
}

/** Whether a process still runs (a zombie waiting for init to reap it counts as gone). */
async function alive(pid: number): Promise<boolean> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat !== undefined) return !/^\d+ \(.*\) Z/.test(stat);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ProcessCommandRunner", function () {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-run-")));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("runs in the workspace folder and reports the exit code and output", async function () {
    requirePosix(this);
    const chunks: string[] = [];
    const run = await new ProcessCommandRunner().run("pwd; echo err >&2; exit 3", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal, onOutput: (c) => chunks.push(c) });
    assert.equal(run.exitCode, 3);
    assert.equal(run.timedOut, false);
    assert.match(run.output, new RegExp(`${dir}\\n`));
    assert.match(run.output, /err/);
    assert.ok(chunks.join("").includes("err"));
  });

  it("kills the whole process tree on timeout", async function () {
    requirePosix(this);
    const pidFile = path.join(dir, "pid");
    const run = await new ProcessCommandRunner({ killGraceMs: 200 }).run(`sh -c 'echo $$ > ${pidFile}; sleep 30' & wait`, {
      cwd: dir,
      // Long enough for the command (behind its supervisor) to start and write its pid on a busy machine.
      timeoutMs: 3_000,
      signal: new AbortController().signal,
    });
    assert.equal(run.timedOut, true);
    assert.ok(run.killedBy);
    const grandchild = Number(await fs.readFile(pidFile, "utf8"));
    assert.equal(await alive(grandchild), false, "the grandchild must be gone");
  });

  it("kills the tree on cancel", async function () {
    requirePosix(this);
    const controller = new AbortController();
    const started = Date.now();
    const pending = new ProcessCommandRunner({ killGraceMs: 2_000 }).run("sleep 30", { cwd: dir, timeoutMs: 60_000, signal: controller.signal, onOutput: () => undefined });
    setImmediate(() => controller.abort());
    const run = await pending;
    assert.equal(run.timedOut, false);
    assert.equal(run.killedBy, "SIGTERM");
    assert.ok(Date.now() - started < 5_000);
  });

  // Issue 11 item 12: `setsid` leaves the process group, and once its shell exits it is re-parented
  // to init; the runner must still find and end it (the supervisor's marker scan).
  it("ends a setsid child the command left behind when it exits", async function () {
    requirePosix(this);
    const pidFile = path.join(dir, "pid");
    const run = await new ProcessCommandRunner({ killGraceMs: 200 }).run(`setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & while [ ! -s ${pidFile} ]; do sleep 0.05; done`, {
      cwd: dir,
      timeoutMs: 30_000,
      signal: new AbortController().signal,
    });
    assert.equal(run.exitCode, 0);
    const detached = Number(await fs.readFile(pidFile, "utf8"));
    assert.equal(await alive(detached), false, "the setsid child must be gone");
  });

  it("ends a setsid child on timeout and on cancel", async function () {
    requirePosix(this);
    this.timeout(90_000);
    for (const ending of ["timeout", "cancel"] as const) {
      const pidFile = path.join(dir, `pid-${ending}`);
      const controller = new AbortController();
      const pending = new ProcessCommandRunner({ killGraceMs: 200 }).run(`setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & sleep 30`, {
        cwd: dir,
        // Long enough for the child to start on a loaded machine: the test is about what happens after.
        timeoutMs: ending === "timeout" ? 10_000 : 60_000,
        signal: controller.signal,
        onOutput: () => undefined,
      });
      while (!(await fs.stat(pidFile).then((s) => s.size > 0, () => false))) await new Promise((resolve) => setTimeout(resolve, 25));
      if (ending === "cancel") controller.abort();
      const run = await pending;
      assert.equal(run.timedOut, ending === "timeout");
      const detached = Number(await fs.readFile(pidFile, "utf8"));
      assert.ok(detached > 0, `the setsid child wrote its pid (${detached})`);
      assert.equal(await alive(detached), false, `the setsid child must be gone after the ${ending}`);
    }
  });

  it("starts a new command supervisor when the last one was killed, and still ends what a command leaves", async function () {
    requirePosix(this);
    const runner = new ProcessCommandRunner({ killGraceMs: 200 });
    await runner.run("true", { cwd: dir, timeoutMs: 30_000, signal: new AbortController().signal });
    const first = supervisorPid();
    assert.ok(first, "commands without a pid-namespace sandbox run under the supervisor");
    process.kill(first, "SIGKILL");
    while (await alive(first)) await new Promise((resolve) => setTimeout(resolve, 25));
    const pidFile = path.join(dir, "pid");
    const run = await runner.run(`setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & while [ ! -s ${pidFile} ]; do sleep 0.05; done`, { cwd: dir, timeoutMs: 30_000, signal: new AbortController().signal });
    assert.equal(run.exitCode, 0);
    assert.ok(supervisorPid() !== undefined && supervisorPid() !== first, "a new supervisor");
    assert.equal(await alive(Number(await fs.readFile(pidFile, "utf8"))), false, "the setsid child must be gone");
  });

  it("a process that ran a command still exits by itself (the supervisor never holds a CLI run open)", async function () {
    requirePosix(this);
    const script = path.join(dir, "one-command.mts");
    const runner = path.resolve(import.meta.dirname, "command-runner.ts");
    await fs.writeFile(script, `import { ProcessCommandRunner } from ${JSON.stringify(runner)};\nconst run = await new ProcessCommandRunner().run("echo ran", { cwd: ${JSON.stringify(dir)}, timeoutMs: 30_000, signal: new AbortController().signal });\nprocess.stdout.write(run.output);\n`);
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: path.resolve(import.meta.dirname, "../../.."), stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 0);
    assert.equal(output, "ran\n");
  });

  it("bounds the output and says what it dropped", async function () {
    requirePosix(this);
    const run = await new ProcessCommandRunner({ maxOutputChars: 100 }).run("seq 1 10000", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal });
    assert.equal(run.truncated, true);
    assert.match(run.output, /^1\n2\n/);
    assert.match(run.output, /10000\n$/);
    assert.match(run.output, /characters of output omitted/);
    assert.ok(run.output.length < 200);
  });

  it("runs commands with bash, the language the policy parses (not /bin/sh, which is dash on Debian)", async function () {
    requirePosix(this);
    const runner = new ProcessCommandRunner();
    const signal = new AbortController().signal;
    const version = await runner.run('echo "${BASH_VERSION:-not bash}"', { cwd: dir, timeoutMs: 10_000, signal });
    assert.match(version.output, /^\d+\.\d+/, version.output);
    // dash reads `&>` as "background, then >"; bash as one redirect: ls gets `touch made-by-dash` as arguments.
    await runner.run("ls &>/dev/null touch made-by-dash", { cwd: dir, timeoutMs: 10_000, signal });
    // dash has no $'…': the quote ends early and `touch` runs on the next line.
    await runner.run("ls $'\\'\ntouch made-by-dash-2\necho \\''", { cwd: dir, timeoutMs: 10_000, signal });
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it("refuses with a clear message where there is no bash, and never falls back to another shell", async () => {
    const runner = new ProcessCommandRunner({ shell: { error: "run_command needs bash: none was found" } });
    await assert.rejects(runner.run("ls", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal }), /run_command needs bash/);
  });

  it("passes the line as the command string even when it starts with - or +", async function () {
    requirePosix(this);
    const run = await new ProcessCommandRunner().run("--version", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal });
    assert.match(run.output, /--version: command not found/);
  });

  it("runs no startup file, imports no shell functions or options from the environment", async function () {
    requirePosix(this);
    const startup = path.join(dir, "startup.sh");
    await fs.writeFile(startup, `touch ${path.join(dir, "startup-ran")}\n`);
    const env = {
      PATH: process.env.PATH,
      BASH_ENV: startup,
      ENV: startup,
      "BASH_FUNC_ls%%": `() { touch ${path.join(dir, "function-ran")}; }`,
      SHELLOPTS: "xtrace",
      BASHOPTS: "extglob",
      PS4: `$(touch ${path.join(dir, "ps4-ran")})+ `,
    };
    const run = await new ProcessCommandRunner({ env }).run("ls >/dev/null; echo done", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal });
    assert.equal(run.output, "done\n");
    assert.deepEqual(await fs.readdir(dir), ["startup.sh"]);
  });

  it("drops relative and empty PATH entries: a workspace file named ls is not the ls the rules allowed", async function () {
    requirePosix(this);
    await fs.writeFile(path.join(dir, "ls"), `#!/bin/sh\ntouch ${path.join(dir, "planted-ran")}\n`, { mode: 0o755 });
    const env = { PATH: `:.:${process.env.PATH}` };
    await new ProcessCommandRunner({ env }).run("ls >/dev/null", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal });
    assert.deepEqual(await fs.readdir(dir), ["ls"]);
  });

  it("does not pass secret-looking variables unless allowed", async function () {
    requirePosix(this);
    // Values no temp folder name or system variable can contain by chance (a folder named pincer-run-…t1… did).
    const env = { PATH: process.env.PATH, GITHUB_TOKEN: "secret-token-value", MY_API_KEY: "secret-key-value", AWS_REGION: "secret-region-value", DB_PASSWORD: "p1", NODE_ENV: "test", KEYBOARD: "us" };
    const run = await new ProcessCommandRunner({ env, allowEnv: ["DB_PASSWORD"] }).run("env", { cwd: dir, timeoutMs: 10_000, signal: new AbortController().signal });
    assert.doesNotMatch(run.output, /secret-(token|key|region)-value/);
    assert.match(run.output, /DB_PASSWORD=p1/);
    assert.match(run.output, /NODE_ENV=test/);
    assert.match(run.output, /KEYBOARD=us/);
  });
});

describe("BoundedOutput", () => {
  it("keeps short output whole", () => {
    const out = new BoundedOutput(10);
    out.push("abc");
    assert.deepEqual(out.result(), { output: "abc", truncated: false });
  });
});
