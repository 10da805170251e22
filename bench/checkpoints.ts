// bench/checkpoints: cost of the agent's shadow-git checkpoints on a sample workspace: the first
// snapshot (hashes everything), a snapshot with nothing changed (stat only), one after a one-file
// edit, a step that deletes a folder and its undo, the shadow repository's size on disk, and the
// workspace lock every mutating step and undo take (median of 20 takes and releases).
// Usage: node --import tsx bench/checkpoints.ts [WORKSPACE_TO_COPY] [--extra-mb N] [--delete FOLDER (default server)]
// Without a folder it copies this repository's committed files (git archive HEAD).
// --extra-mb adds N MB of generated source files, to see how snapshots scale.
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ShadowCheckpoints } from "../server/src/agent/checkpoints";
import { acquireProcessLock } from "../server/src/platform/process-lock";
import { WorkspaceRoots } from "../server/src/platform/workspace-paths";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { "extra-mb": { type: "string", default: "0" }, delete: { type: "string", default: "server" } } });
const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-bench-ckpt-")));
const ws = path.join(base, "ws");
await fs.mkdir(ws);
if (positionals[0]) await fs.cp(positionals[0], ws, { recursive: true, filter: (src) => !src.split(path.sep).includes(".git") });
else execFileSync("sh", ["-c", `git archive HEAD | tar -x -C "${ws}"`], { cwd: path.resolve(import.meta.dirname, "..") });
const extraMb = Number(values["extra-mb"]);
for (let i = 0; i < extraMb * 10; i++) {
  const dir = path.join(ws, "generated", `m${Math.floor(i / 100)}`);
  await fs.mkdir(dir, { recursive: true });
  // ~100 KB of distinct source text per file.
  await fs.writeFile(path.join(dir, `f${i}.ts`), Array.from({ length: 2000 }, (_, k) => `export const v${i}_${k} = ${(i * 7919 + k * 104729) % 1000003};`).join("\n"));
}

const stats = { files: 0, bytes: 0 };
const count = async (dir: string): Promise<void> => {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await count(full);
    else if (entry.isFile()) {
      stats.files++;
      stats.bytes += (await fs.stat(full)).size;
    }
  }
};
await count(ws);

const roots = await WorkspaceRoots.create([ws]);
const store = new ShadowCheckpoints({ storageDir: path.join(base, "storage"), roots });
const signal = new AbortController().signal;
const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const [, firstMs] = await time(() => store.beforeStep("bench", 1, signal));
const sizeFirst = await store.sizeBytes();
const [, unchangedMs] = await time(() => store.afterStep("bench", 1, signal));
const someFile = execFileSync("sh", ["-c", "find . -name '*.ts' -o -name '*.md' | head -1"], { cwd: ws, encoding: "utf8" }).trim();
await store.beforeStep("bench", 2, signal);
await fs.appendFile(path.join(ws, someFile), "\n// edited\n");
const [, editMs] = await time(() => store.afterStep("bench", 2, signal));
const sizeAfterEdit = await store.sizeBytes();
const folders = (await fs.readdir(ws, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const folder = folders.includes(values.delete) ? values.delete : folders[0];
await store.beforeStep("bench", 3, signal);
if (folder) await fs.rm(path.join(ws, folder), { recursive: true });
const [changed, deleteMs] = await time(() => store.afterStep("bench", 3, signal));
const [undo, undoMs] = await time(() => store.undoRun("bench", signal));

const lockTimes: number[] = [];
for (let i = 0; i < 20; i++) {
  const [lock, ms] = await time(() => acquireProcessLock(path.join(base, "bench.lock"), { what: "bench", signal }));
  const [, releaseMs] = await time(() => lock.release());
  lockTimes.push(ms + releaseMs);
}
lockTimes.sort((a, b) => a - b);

console.log(`workspace: ${stats.files} files, ${mb(stats.bytes)}`);
console.log(`first snapshot: ${firstMs.toFixed(0)} ms, shadow repository ${mb(sizeFirst)} (loose objects)`);
console.log(`snapshot, nothing changed: ${unchangedMs.toFixed(0)} ms`);
console.log(`snapshot after a one-file edit: ${editMs.toFixed(0)} ms, repository grew ${((sizeAfterEdit - sizeFirst) / 1024).toFixed(1)} KB`);
console.log(`snapshot after deleting ${folder}/ (${changed.changedPaths.length} files): ${deleteMs.toFixed(0)} ms`);
console.log(`undo run: ${undoMs.toFixed(0)} ms, ${undo.restored.length} restored, ${undo.conflicts.length} conflicts`);
console.log(`shadow repository at the end: ${mb(await store.sizeBytes())}`);
console.log(`workspace lock, take and release: ${lockTimes[10]!.toFixed(1)} ms`);
await fs.rm(base, { recursive: true, force: true });
