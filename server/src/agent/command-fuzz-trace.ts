// Runs command lines exactly as ProcessCommandRunner does (command-shell.ts: the same bash, the
// same arguments, the same environment cleaning) and records what bash executed, for the
// command-policy fuzz test. Test support only: nothing in the server imports it.
//
// The trace is bash's own xtrace, switched on through the environment (SHELLOPTS=xtrace,
// BASH_XTRACEFD=8 to a file per line). bash writes one record per simple command it executes,
// after expansion and before redirections, whether the command is a program, a builtin (eval,
// source, exec, set …), a function call, or runs in a subshell, substitution, trap or eval'd
// string, so a command the policy did not list cannot run without a record. PATH holds only
// shims (scripts that do nothing), so programs named by the lines are harmless; each line runs
// in an empty folder of its own, which must stay empty.
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { CommandShell } from "./command-shell";
import { FUZZ_PROGRAMS, singleQuote } from "./command-fuzz-lines";

export interface TracedLine {
  line: string;
  /** The argv of every simple command bash executed (`case WORD in` records left out). */
  executed: string[][];
  /** Files left in the line's working folder. */
  leftovers: string[];
}

/** Runs every line in `dir` (empty), `jobs` bash loops at a time, and returns their traces. */
export async function traceLines(shell: CommandShell, lines: string[], dir: string, envProgram: string, jobs = 2): Promise<TracedLine[]> {
  const shims = path.join(dir, "bin");
  const traces = path.join(dir, "trace");
  const work = path.join(dir, "work");
  await Promise.all([fs.mkdir(shims), fs.mkdir(traces), fs.mkdir(work)]);
  for (const name of new Set(FUZZ_PROGRAMS)) await fs.writeFile(path.join(shims, name), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  await Promise.all(lines.map((_, i) => fs.mkdir(path.join(work, String(i)))));
  // FUNCNEST: `ls() { ls; }; ls` is allowed (it runs only ls) and would recurse until bash gives up.
  const env = { ...shell.env({ PATH: shims, HOME: path.join(dir, "home"), LANG: "C.UTF-8", LC_ALL: "C.UTF-8" }, ""), FUNCNEST: "3" };
  const scripts: string[][] = Array.from({ length: jobs }, () => []);
  lines.forEach((line, i) => {
    const argv = [envProgram, "SHELLOPTS=xtrace", "BASH_XTRACEFD=8", shell.file, ...shell.args(line)].map(singleQuote).join(" ");
    scripts[i % jobs]!.push(`cd ${singleQuote(path.join(work, String(i)))} && ${argv} 8>${singleQuote(path.join(traces, String(i)))} </dev/null >/dev/null 2>&1`);
  });
  // The lines' own exit codes and output do not matter; anything the driver itself says does.
  await Promise.all(scripts.map((script, k) => runScript(`${script.join("\n")}\nexit 0\n`, path.join(dir, `driver-${k}.sh`), env)));
  return Promise.all(
    lines.map(async (line, i) => ({
      line,
      executed: parseXtrace(await fs.readFile(path.join(traces, String(i)), "utf8").catch(() => "")).filter((argv) => !(argv.length === 3 && argv[0] === "case" && argv[2] === "in")),
      leftovers: await fs.readdir(path.join(work, String(i))),
    })),
  );
}

/**
 * Runs a driver script with /bin/sh. Every process it starts inherits descriptor 3, a pipe to
 * here that no generated line touches, so its end means every line and every background job it
 * left behind has finished writing its trace.
 */
async function runScript(script: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  await fs.writeFile(file, script);
  const child = spawn("/bin/sh", [file], { env, stdio: ["ignore", "ignore", "pipe", "pipe"] });
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const sync = child.stdio[3] as NodeJS.ReadableStream;
  sync.resume();
  const [code] = await Promise.all([new Promise<number | null>((resolve) => child.once("exit", resolve)), new Promise<void>((resolve) => sync.once("end", () => resolve()))]);
  if (code !== 0 || errors !== "") throw new Error(`fuzz driver failed (${code}): ${errors.slice(0, 400)}`);
}

/**
 * bash's xtrace records: "+" (repeated per nesting level) and a blank, then the words separated
 * by single blanks, each printed plainly, in '…' (with '\'' for a quote) or in $'…'.
 */
export function parseXtrace(text: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "+") throw new Error(`unexpected trace text at ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
    while (text[i] === "+") i++;
    if (text[i] === " ") i++;
    const words: string[] = [];
    let word: string | undefined;
    for (; i < text.length && text[i] !== "\n"; i++) {
      const c = text[i]!;
      if (c === " ") {
        if (word !== undefined) words.push(word);
        word = undefined;
      } else if (c === "'") {
        const close = text.indexOf("'", i + 1);
        word = (word ?? "") + text.slice(i + 1, close);
        i = close;
      } else if (c === "\\") {
        word = (word ?? "") + text[++i];
      } else if (c === "$" && text[i + 1] === "'") {
        const [value, end] = ansiC(text, i + 2);
        word = (word ?? "") + value;
        i = end;
      } else {
        word = (word ?? "") + c;
      }
    }
    if (word !== undefined) words.push(word);
    records.push(words);
    i++;
  }
  return records;
}

const ANSI: Record<string, string> = { a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };

/** The value of $'…' starting at `from` (after the quote) and the index of its closing quote. */
function ansiC(text: string, from: number): [string, number] {
  let out = "";
  let i = from;
  for (; i < text.length && text[i] !== "'"; i++) {
    if (text[i] !== "\\") {
      out += text[i];
      continue;
    }
    const next = text[++i]!;
    const octal = /^[0-7]{1,3}/.exec(text.slice(i, i + 3));
    if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length - 1;
    } else {
      out += ANSI[next] ?? `\\${next}`;
    }
  }
  return [out, i];
}
