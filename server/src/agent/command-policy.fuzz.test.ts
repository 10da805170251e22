// Fuzz: whatever the command policy allows under the default rules, running it with the real
// shell (the runner's bash invocation) executes only commands the policy listed. Lines come from
// a seeded grammar (command-fuzz-lines.ts); only the allowed ones are run, with bash's xtrace as
// the record of what executed (command-fuzz-trace.ts). Reproduce a run with its seed:
//   PINCER_FUZZ_SEED=<seed> [PINCER_FUZZ_LINES=<n>] node --import tsx scripts/run-mocha.mjs server/src/agent/command-policy.fuzz.test.ts
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { LineGenerator, seededRandom } from "./command-fuzz-lines";
import { traceLines } from "./command-fuzz-trace";
import { decide } from "./command-policy";
import { DEFAULT_COMMAND_RULES } from "./command-rules-file";
import { commandShell } from "./command-shell";

const SEED = process.env.PINCER_FUZZ_SEED ? Number(process.env.PINCER_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const LINES = process.env.PINCER_FUZZ_LINES ? Number(process.env.PINCER_FUZZ_LINES) : 10_000;

describe("command policy fuzz: allowed lines run only the commands the policy listed", function () {
  this.timeout(600_000);
  let dir: string | undefined;
  after(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it(`${LINES} generated lines under the default rules (seed printed below)`, async function () {
    const shell = commandShell();
    if (process.platform === "win32" || "error" in shell) {
      console.log(`    skipped: needs bash and POSIX shims (${"error" in shell ? shell.error : process.platform})`);
      this.skip();
    }
    console.log(`    seed ${SEED} (PINCER_FUZZ_SEED=${SEED} reproduces this run), ${LINES} lines`);
    const started = Date.now();
    const generator = new LineGenerator(seededRandom(SEED), DEFAULT_COMMAND_RULES);
    const allowed: { line: string; listed: string[][] }[] = [];
    const decisions = { allow: 0, ask: 0, deny: 0 };
    for (let i = 0; i < LINES; i++) {
      const line = generator.line();
      const result = await decide(line, DEFAULT_COMMAND_RULES);
      decisions[result.decision]++;
      if (result.decision === "allow") allowed.push({ line, listed: result.commands.map((c) => c.argv) });
    }
    const decided = Date.now();
    dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-fuzz-")));
    const envProgram = execFileSync("/bin/sh", ["-c", "command -v env"], { encoding: "utf8" }).trim();
    const traced = await traceLines(shell, allowed.map((a) => a.line), dir, envProgram, Math.max(1, Math.min(4, os.availableParallelism())));
    const findings: string[] = [];
    traced.forEach((run, i) => {
      const listed = allowed[i]!.listed;
      for (const argv of run.executed) {
        if (!listed.some((l) => sameArgv(l, argv))) {
          findings.push(`${JSON.stringify(run.line)} ran ${JSON.stringify(argv)}; the policy listed ${JSON.stringify(listed)}`);
        }
      }
      if (run.leftovers.length > 0) findings.push(`${JSON.stringify(run.line)} left ${JSON.stringify(run.leftovers)} in its folder`);
    });
    const executed = traced.reduce((n, run) => n + run.executed.length, 0);
    console.log(
      `    ${decisions.allow} allowed, ${decisions.ask} ask, ${decisions.deny} deny; ${executed} commands executed; ` +
        `decide ${((decided - started) / 1000).toFixed(1)} s, run ${((Date.now() - decided) / 1000).toFixed(1)} s`,
    );
    assert.ok(decisions.allow >= LINES / 10, `too few allowed lines (${decisions.allow}) for the run to mean much`);
    assert.ok(executed >= decisions.allow / 2, `the trace saw too few commands (${executed}): is xtrace working?`);
    assert.deepEqual(findings.slice(0, 20), [], `seed ${SEED}: ${findings.length} findings`);
  });
});

/**
 * Whether bash's argv is the listed one. A listed word with glob characters may have expanded
 * into the paths it matches (`ls /*`): it stands for one or more words that match it, or itself.
 */
function sameArgv(listed: readonly string[], argv: readonly string[]): boolean {
  if (listed.length === 0) return argv.length === 0;
  const [word, ...rest] = listed as [string, ...string[]];
  if (argv[0] === word && sameArgv(rest, argv.slice(1))) return true;
  if (!/[*?[]/.test(word)) return false;
  const pattern = globPattern(word);
  for (let n = 1; n <= argv.length && pattern.test(argv[n - 1]!); n++) if (sameArgv(rest, argv.slice(n))) return true;
  return false;
}

/** A bash glob as a regular expression (no globstar; `*` and `?` do not cross a slash). */
function globPattern(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[" && glob.indexOf("]", i + 2) > 0) {
      const close = glob.indexOf("]", i + 2);
      const body = glob.slice(i + 1, close).replace(/^[!^]/, "^").replace(/\\/g, "\\\\");
      source += `[${body}]`;
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  try {
    return new RegExp(`^${source}$`, "s");
  } catch {
    return /^$/;
  }
}
