// bench/command-sandbox: what starting an agent command costs, per command (`true`, N runs each):
//  - direct: /bin/sh -c in a process group, as the runner did before the sandbox and the supervisor;
//  - sandbox off: ProcessCommandRunner without a sandbox: its own process group, the command
//    supervisor told first (started once, on the warm-up run), leftovers looked up by marker;
//  - bubblewrap: ProcessCommandRunner in the sandbox (protected-entry walk, mount points, bwrap),
//    on a copy of this repository's committed files and on a workspace of 2,000 folders.
// Usage: node --import tsx bench/command-sandbox.ts [RUNS (default 50)]
import { execFileSync, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ProcessCommandRunner } from "../server/src/agent/command-runner";
import { detectCommandSandbox } from "../server/src/agent/sandbox/command-sandbox";

const runs = Number(process.argv[2] ?? 50);
const repo = path.resolve(import.meta.dirname, "..");
const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-bench-sandbox-")));
const repoCopy = path.join(base, "repo");
await fs.mkdir(repoCopy);
execFileSync("sh", ["-c", `git archive HEAD | tar -x -C "${repoCopy}"`], { cwd: repo });
const wide = path.join(base, "wide");
for (let i = 0; i < 2_000; i++) await fs.mkdir(path.join(wide, `d${Math.floor(i / 40)}`, `e${i}`), { recursive: true });

async function time(label: string, once: () => Promise<void>): Promise<void> {
  await once(); // warm-up (page cache, first detection)
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((sum, x) => sum + x, 0) / ms.length;
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  console.log(`${label.padEnd(40)} mean ${mean.toFixed(1).padStart(6)} ms   median ${at(0.5).toFixed(1).padStart(6)} ms   p95 ${at(0.95).toFixed(1).padStart(6)} ms`);
}

const exited = (child: ReturnType<typeof spawn>) => new Promise<void>((resolve) => child.once("exit", () => resolve()));

console.log(`${runs} runs of \`true\` each, ${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? ""}`);
await time("direct /bin/sh (before)", () => exited(spawn("/bin/sh", ["-c", "true"], { cwd: repoCopy, detached: true, stdio: "ignore" })));
const off = new ProcessCommandRunner({});
await time("sandbox off (group + supervisor)", async () => {
  const run = await off.run("true", { cwd: repoCopy, timeoutMs: 30_000, signal: new AbortController().signal });
  if (run.exitCode !== 0) throw new Error(`exit ${run.exitCode}: ${run.output}`);
});
const sandbox = await detectCommandSandbox({ setting: "auto" });
if (sandbox.info.kind === "bubblewrap") {
  for (const [label, ws] of [["bubblewrap, this repository", repoCopy], ["bubblewrap, 2,000 folders", wide]] as const) {
    const runner = new ProcessCommandRunner({ sandbox, roots: [ws] });
    await time(label, async () => {
      const run = await runner.run("true", { cwd: ws, timeoutMs: 30_000, signal: new AbortController().signal });
      if (run.exitCode !== 0) throw new Error(`exit ${run.exitCode}: ${run.output}`);
    });
  }
} else console.log(`bubblewrap: skipped (${sandbox.info.reason})`);
await fs.rm(base, { recursive: true, force: true });
