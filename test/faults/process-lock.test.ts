// The process lock with real processes (lock-child.ts): a live holder makes others wait and then
// names itself; a killed holder's lock is taken over at once; a killed holder's child that still runs is waited
// for; a reused pid is not mistaken for the owner; and many processes taking over one stale lock at the same time
// never hold it together.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { acquireProcessLock, LockBusyError, processAlive, processStartTime, type LockHolder } from "../../server/src/platform/process-lock";
import { repoRoot } from "../support/test-model";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const CHILD = path.join(repoRoot, "test", "faults", "lock-child.ts");

function child(args: string[]): { process: ChildProcess; line: Promise<string>; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("close", resolve));
  const line = new Promise<string>((resolve, reject) => {
    proc.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
    void exited.then((code) => reject(new Error(`lock child exited (${code}) before a line: ${err}`)));
  });
  return { process: proc, line, exited };
}

describe("process lock (real processes)", function () {
  this.timeout(60_000);
  let dir: string;
  let lockFile: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-lock-"));
    lockFile = path.join(dir, "ws.lock");
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("a live holder makes the next one wait, says who it is, and is named when the wait runs out", async () => {
    const holder = child(["hold", lockFile, "pincer run: step 2 of run r1"]);
    assert.equal(await holder.line, "held");
    const waitedFor: LockHolder[] = [];
    const error = await acquireProcessLock(lockFile, { signal: NEVER_ABORTED, what: "me", waitMs: 200, onWait: (h) => waitedFor.push(h) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof LockBusyError, String(error));
    assert.equal(error.holder?.pid, holder.process.pid);
    assert.match(error.message, new RegExp(`pid ${holder.process.pid}, pincer run: step 2 of run r1, since `));
    assert.deepEqual(waitedFor.map((h) => h.pid), [holder.process.pid], "told once that it waits, and for whom");
    // When the holder lets go, the waiter gets it.
    const waiting = acquireProcessLock(lockFile, { signal: NEVER_ABORTED, what: "me", waitMs: 30_000 });
    holder.process.stdin!.end();
    const lock = await waiting;
    assert.equal(lock.holder.pid, process.pid);
    await lock.release();
    await assert.rejects(fs.stat(lockFile), /ENOENT/, "released");
  });

  it("a holder killed with SIGKILL leaves a lock that is taken over at once", async () => {
    const holder = child(["hold", lockFile, "doomed"]);
    await holder.line;
    holder.process.kill("SIGKILL");
    await holder.exited;
    const lock = await acquireProcessLock(lockFile, { signal: NEVER_ABORTED, what: "next", waitMs: 0 });
    assert.equal(JSON.parse(await fs.readFile(lockFile, "utf8")).pid, process.pid);
    await lock.release();
  });

  it("waits for a killed holder's child that still runs (its git) before taking over", async () => {
    const holder = child(["hold-child", lockFile]);
    const orphan = Number((await holder.line).split(" ")[1]);
    holder.process.kill("SIGKILL");
    await holder.exited;
    try {
      assert.ok(processAlive(orphan), "the child outlived its holder");
      await assert.rejects(acquireProcessLock(lockFile, { signal: NEVER_ABORTED, what: "next", waitMs: 300 }), (e: unknown) => e instanceof LockBusyError && /child \(pid \d+\) is still running/.test(e.message));
    } finally {
      process.kill(orphan, "SIGKILL");
    }
    const lock = await acquireProcessLock(lockFile, { signal: NEVER_ABORTED, what: "next", waitMs: 30_000 });
    await lock.release();
  });

  it("a live pid with another start time (a reused pid) is not the owner", async function () {
    if (processStartTime(process.pid) === undefined) {
      console.warn("  skipped: this platform does not report a process start time, so a reused pid cannot be told apart");
      this.skip();
    }
    const reused: LockHolder = { pid: process.pid, start: "1", host: os.hostname(), since: new Date().toISOString(), what: "old", nonce: "0123456789abcdef" };
    await fs.writeFile(lockFile, JSON.stringify(reused));
    const lock = await acquireProcessLock(lockFile, { signal: NEVER_ABORTED, what: "new", waitMs: 0 });
    await lock.release();
  });

  for (const mode of ["loop", "loop-abandon"]) {
    const what = mode === "loop" ? "taking turns on a lock left stale at first" : "each leaving the lock stale as a killed holder would";
    it(`four processes, 40 times each, ${what}, never hold it together`, async () => {
      const log = path.join(dir, "log");
      await fs.writeFile(log, "");
      const dead: LockHolder = { pid: 2 ** 22 + 17, host: os.hostname(), since: new Date().toISOString(), what: "killed", nonce: "fedcba9876543210" };
      assert.equal(processAlive(dead.pid), false);
      await fs.writeFile(lockFile, JSON.stringify(dead));
      const children = Array.from({ length: 4 }, () => child([mode, lockFile, "40", log]));
      assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0, 0, 0]);
      const lines = (await fs.readFile(log, "utf8")).trim().split("\n");
      assert.equal(lines.length, 320);
      for (let i = 0; i < lines.length; i += 2) {
        const [pid, kind] = lines[i]!.split(" ");
        assert.equal(kind, "in", `line ${i}: ${lines[i]}`);
        assert.equal(lines[i + 1], `${pid} out`, `line ${i + 1}: nobody else entered while ${pid} held the lock`);
      }
      const left = (await fs.readdir(dir)).sort();
      assert.deepEqual(left, mode === "loop" ? ["log"] : ["log", "ws.lock"], "no guard or temporary file is left");
    });
  }
});
