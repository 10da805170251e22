#!/usr/bin/env node
// The `pincer` CLI: runs the bundled server code (build it first with `npm run build`).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { fileURLToPath } from "node:url";

const bundle = fileURLToPath(new URL("../dist/server/main.mjs", import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write("pincer: the server bundle is missing; run `npm run build` first.\n");
  process.exit(1);
}
if (process.argv[2] === "index" && process.platform === "linux" && process.env.MALLOC_ARENA_MAX === undefined) {
  // `pincer index` runs in a child started with what Node cannot change once running: glibc malloc arenas
  // capped at 2 (LanceDB's worker threads otherwise keep freed memory in one arena each) and a 1 MB young
  // generation (the indexer's short-lived strings are collected before they pile up). bench/index.ts, 128k
  // lines: peak 327 MB without, 247 MB with (ARCHITECTURE, "Codebase index"). Its own process group, so a
  // Ctrl-C reaches it once, through this process (the index stops at the next batch and keeps its work).
  const child = spawn(process.execPath, ["--max-semi-space-size=1", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    detached: true,
    env: { ...process.env, MALLOC_ARENA_MAX: "2", PINCER_INDEX_PARENT: String(process.pid) },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  const [status, signal] = await new Promise((resolve) => child.on("exit", (...end) => resolve(end)));
  process.exit(status ?? (signal ? 128 + (osConstants.signals[signal] ?? 2) : 1));
}
if (process.env.PINCER_INDEX_PARENT) {
  // The indexing child is in its own process group, so nothing reaches it if its parent is killed outright
  // (SIGKILL, the OOM killer): it notices the parent gone and cancels as on Ctrl-C, keeping what it indexed.
  const parent = Number(process.env.PINCER_INDEX_PARENT);
  delete process.env.PINCER_INDEX_PARENT;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, "SIGINT");
  }, 500);
  watch.unref();
}
await import(bundle);
