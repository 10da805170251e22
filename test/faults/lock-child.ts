// A process that takes Pincer's process lock, for tests that need a real second process:
//   hold LOCK WHAT            take it, print "held", keep it until stdin closes (or the process is killed)
//   hold-child LOCK           take it, start a child that outlives it, record it as the holder's child, print "held <child pid>"
//   loop LOCK N LOG           N times: take it, append "<pid> in" and "<pid> out" to LOG, release
//   loop-abandon LOCK N LOG   the same, but leave the lock as a killed holder would (a dead owner's record)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, renameSync, writeFileSync } from "node:fs";
import { acquireProcessLock } from "../../server/src/platform/process-lock";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const [mode, file, ...rest] = process.argv.slice(2);
if (!file) throw new Error("usage: lock-child.ts hold|hold-child|loop LOCK ...");

if (mode === "hold") {
  const lock = await acquireProcessLock(file, { signal: NEVER_ABORTED, what: rest[0] ?? "test holder" });
  process.stdout.write("held\n");
  process.stdin.resume();
  process.stdin.once("end", () => void lock.release().then(() => process.exit(0)));
} else if (mode === "hold-child") {
  const lock = await acquireProcessLock(file, { signal: NEVER_ABORTED, what: "holder with a child" });
  // Like a git the holder runs: it keeps running when the holder is killed (the test ends it).
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore", detached: true });
  child.unref();
  lock.recordChild(child.pid);
  process.stdout.write(`held ${child.pid}\n`);
  process.stdin.resume();
} else if (mode === "loop" || mode === "loop-abandon") {
  const [count, log] = rest;
  for (let i = 0; i < Number(count); i++) {
    const lock = await acquireProcessLock(file, { signal: NEVER_ABORTED, what: `loop ${i}`, waitMs: 60_000, maxPauseMs: 1 });
    appendFileSync(log!, `${process.pid} in\n`);
    // Hold it a moment, so that a second holder (a broken lock) would be seen inside.
    await new Promise((resolve) => setTimeout(resolve, 2));
    appendFileSync(log!, `${process.pid} out\n`);
    if (mode === "loop") {
      await lock.release();
    } else {
      // Pid 2^22 + 17 is above Linux's pid_max default and macOS's pid range: nobody owns it.
      const dead = { ...lock.holder, pid: 2 ** 22 + 17, nonce: randomBytes(8).toString("hex") };
      writeFileSync(`${file}.abandon.${process.pid}`, JSON.stringify(dead));
      renameSync(`${file}.abandon.${process.pid}`, file);
    }
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
