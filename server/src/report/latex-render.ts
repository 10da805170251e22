// LaTeX → PDF with the TeX engine on this machine (pdflatex from TeX Live), treated as a hostile input's
// interpreter: -no-shell-escape (no \write18), kpathsea's paranoid open rules (openin_any=p, openout_any=p:
// no absolute paths, no "..", no dot files, so \input{/etc/passwd} fails), a private temporary folder as its
// only working folder and HOME, a timeout that kills it, and no workspace folder on its search path: the
// files it may read (charts, images) are copied in by the caller after confinement.
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

export class DocumentError extends Error {
  override name = "DocumentError";
}

export interface TexAsset {
  /** Name inside the build folder, forward slashes, no "..". */
  name: string;
  bytes: Uint8Array;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_LOG_LINES = 12;

/** `pdflatex` when installed (PINCER_PDFLATEX overrides the program, for tests of a missing engine). */
export function texEngine(): string {
  return process.env.PINCER_PDFLATEX ?? "pdflatex";
}

export async function texAvailable(signal: AbortSignal): Promise<boolean> {
  return run(texEngine(), ["-version"], os.tmpdir(), 10_000, signal).then((r) => r.code === 0, () => false);
}

/** Escapes text for LaTeX's body (the template's {{value}} placeholders). */
export function escapeLatex(text: string): string {
  return text.replace(/[\\{}$&#^_%~]/g, (c) => ({ "\\": "\\textbackslash{}", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}" })[c] ?? `\\${c}`);
}

export async function renderLatex(source: string, assets: readonly TexAsset[], options: { signal: AbortSignal; timeoutMs?: number }): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-tex-"));
  try {
    for (const asset of assets) {
      const target = path.join(dir, asset.name);
      if (!target.startsWith(dir + path.sep)) throw new DocumentError(`${asset.name}: not a name inside the build folder`);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, asset.bytes, { flag: "wx" });
    }
    await fs.writeFile(path.join(dir, "document.tex"), source, { flag: "wx" });
    const args = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "document.tex"];
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    // Twice at most: cross-references and page totals need a second pass.
    for (let pass = 1; pass <= 2; pass++) {
      const result = await run(texEngine(), args, dir, Math.max(1, deadline - Date.now()), options.signal);
      if (result.timedOut) throw new DocumentError(`LaTeX did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s (stopped)`);
      const log = await fs.readFile(path.join(dir, "document.log"), "latin1").catch(() => result.output);
      if (result.code !== 0) throw new DocumentError(`LaTeX failed:\n${texErrors(log)}`);
      if (!/Rerun to get|Label\(s\) may have changed/.test(log)) break;
    }
    return await fs.readFile(path.join(dir, "document.pdf")).catch(() => {
      throw new DocumentError("LaTeX produced no pages (the document body is empty)");
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** The error lines of a TeX log ("! ..." or "file:line: ...") with the line after each, bounded. */
export function texErrors(log: string): string {
  const lines = log.split(/\r?\n/);
  const picked: string[] = [];
  lines.forEach((line, i) => {
    if (/^! |^[^:\s]+\.tex:\d+: /.test(line)) picked.push(line, ...lines.slice(i + 1, i + 3).filter((l) => l.trim() !== ""));
  });
  const shown = (picked.length > 0 ? picked : lines.filter((l) => l.trim() !== "").slice(-MAX_LOG_LINES)).slice(0, MAX_LOG_LINES);
  return shown.map((l) => l.replace(/document\.tex/g, "the document")).join("\n");
}

interface RunResult {
  code: number | null;
  timedOut: boolean;
  output: string;
}

function run(program: string, args: string[], cwd: string, timeoutMs: number, signal: AbortSignal): Promise<RunResult> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      detached: process.platform !== "win32",
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: cwd,
        LANG: "C.UTF-8",
        openin_any: "p",
        openout_any: "p",
        shell_escape: "f",
        TEXMFOUTPUT: "",
        TEXINPUTS: "",
      },
    });
    let output = "";
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => kill();
    signal.addEventListener("abort", onAbort, { once: true });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString("latin1")).slice(-64_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      reject(error.code === "ENOENT" ? new DocumentError(`the TeX engine ${program} is not installed (Debian: apt install texlive-latex-recommended); use format "markdown"`) : error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) reject(signal.reason instanceof Error ? signal.reason : new DOMException("aborted", "AbortError"));
      else resolve({ code, timedOut, output });
    });
  });
}
