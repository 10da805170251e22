// The codebase index's one façade for every host (LSP handler, CLI, agent tool, chat, completion):
// open the index of a set of workspace folders, bring it up to date (all files, or the ones that
// changed), search it. Lexical (BM25 over split code terms) works from the first update; once an
// embedding model is set, vectors are added in the background and searches fuse both rankings.
// The index lives in Pincer's private storage (folders 0700, files 0600), never in a workspace.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { PincerError } from "../platform/errors";
import type { Logger } from "../platform/log";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { chunkText } from "./chunker";
import { DEFAULT_SCAN_LIMITS, FileScanner, type ScanLimits, type ScannedFile } from "./file-scan";
import { reciprocalRankFusion, RRF_K } from "./fusion";
import { IndexManifest } from "./index-manifest";
import { fileKey, IndexStore } from "./index-store";
import { chunkTerms, lexicalTerms } from "./terms";
import type { CodeChunk, CodebaseHit, CodebaseSearchResult, Embedder, IndexStatus } from "./types";

export interface CodebaseIndexOptions {
  folders: readonly string[];
  /** Pincer's own storage (the extension's storage folder, or the CLI's cache); refused inside a workspace folder. */
  storageDir: string;
  /** VS Code `files.exclude` globs that are on. */
  excludes?: readonly string[];
  limits?: Partial<ScanLimits>;
  log?: Logger;
}

export interface UpdateOptions {
  signal: AbortSignal;
  /** Only these paths (changed, created or deleted); default: the whole workspace. */
  paths?: readonly string[];
  /** Asked between batches; true stops the run like a cancel (the work done so far is kept). */
  shouldPause?: () => boolean;
  /** Compute missing vectors after the files (default true when an embedder is set). */
  embed?: boolean;
  /** Embed at most this many chunks in this run (the rest wait for the next one). */
  embedLimit?: number;
}

export interface SearchOptions {
  limit?: number;
  signal: AbortSignal;
  lexicalOnly?: boolean;
  /** The rankers' weights in the fusion (default 1 and SEMANTIC_WEIGHT); bench/index.ts varies them. */
  lexicalWeight?: number;
  semanticWeight?: number;
}

export interface UpdateReport {
  scanned: number;
  changed: number;
  removed: number;
  chunksAdded: number;
  embedded: number;
  truncated: boolean;
  ms: number;
}

/** The index cannot be kept here (no folder exists, or the storage lies inside the workspace). */
export class CodebaseStorageError extends PincerError {
  override name = "CodebaseStorageError";
  constructor(message: string) {
    super(message, "not-available");
  }
}
export class IndexPausedError extends Error {}

const FILE_BATCH = 64;
const CANDIDATES = 50;
const MAX_PER_FILE = 2;
/** Measured in bench/index.ts (README, Codebase search). */
export const SEMANTIC_WEIGHT = 1;

export class CodebaseIndex {
  private embedder: Embedder | undefined;
  private readonly listeners = new Set<(status: IndexStatus) => void>();
  private current: IndexStatus = { state: "idle", files: 0, chunks: 0, embedded: 0, done: 0, total: 0 };
  private running: Promise<unknown> = Promise.resolve();
  private vectorCount = 0;

  private constructor(
    private readonly scanner: FileScanner,
    private readonly store: IndexStore,
    private readonly manifest: IndexManifest,
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  static async open(options: CodebaseIndexOptions): Promise<CodebaseIndex> {
    const roots = await WorkspaceRoots.create(options.folders);
    if (roots.roots.length === 0) throw new CodebaseStorageError("No workspace folder to index (none of the folders exists).");
    const storage = path.resolve(options.storageDir);
    if (await roots.rootContaining(storage)) throw new CodebaseStorageError(`The index storage ${storage} is inside a workspace folder; Pincer keeps its index out of the workspace.`);
    const id = createHash("sha256").update(roots.roots.map((r) => r.path).join("\0")).digest("hex").slice(0, 16);
    const dir = path.join(storage, "codebase", id);
    await makePrivateDir(dir);
    const scanner = new FileScanner(roots, options.excludes ?? [], { ...DEFAULT_SCAN_LIMITS, ...options.limits });
    const manifest = await IndexManifest.load(path.join(dir, "manifest.json"));
    const store = await IndexStore.open(path.join(dir, "lance"));
    const index = new CodebaseIndex(scanner, store, manifest, dir, options.log ?? (() => undefined));
    const rows = await store.countChunks();
    if (!manifest.trusted && rows > 0) {
      // Rows without a manifest cannot be matched to files any more: start over.
      await store.clear();
    } else if (rows === 0 && [...manifest.files.values()].some((entry) => entry.chunks > 0)) {
      // The store was lost (deleted, or a new version's format) while the manifest stayed: index everything again.
      manifest.files.clear();
    }
    index.current = { ...index.current, files: manifest.files.size, chunks: await store.countChunks() };
    return index;
  }

  get status(): IndexStatus {
    return this.current;
  }

  onStatus(listener: (status: IndexStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets (or clears) the semantic ranker; vectors of another model are kept for when it comes back. */
  async setEmbedder(embedder: Embedder | undefined): Promise<void> {
    this.embedder = embedder;
    this.vectorCount = embedder ? (await this.store.vectorHashes(embedder.key, embedder.dimensions)).size : 0;
    this.setStatus({ embedded: this.vectorCount, embeddingModel: embedder?.name });
  }

  /** Brings the index up to date; runs after any update in progress. */
  update(options: UpdateOptions): Promise<UpdateReport> {
    const run = this.running.then(() => this.runUpdate(options));
    this.running = run.catch(() => undefined);
    return run;
  }

  async search(query: string, options: SearchOptions): Promise<CodebaseSearchResult> {
    const started = performance.now();
    const limit = Math.max(1, Math.min(options.limit ?? 10, 50));
    const words = [...new Set(lexicalTerms(query, 64))];
    const lexical = await this.store.lexical(words, CANDIDATES);
    options.signal?.throwIfAborted();
    let semantic: CodeChunk[] = [];
    const embedder = this.embedder;
    if (embedder && !options.lexicalOnly && this.vectorCount > 0) {
      const vector = await embedder.embedQuery(query, options.signal);
      const nearest = await this.store.semantic(embedder.key, embedder.dimensions, vector, CANDIDATES);
      const byHash = new Map<string, CodeChunk[]>();
      for (const chunk of await this.store.chunksByHash(nearest.map((n) => n.hash))) byHash.set(chunk.hash, [...(byHash.get(chunk.hash) ?? []), chunk]);
      semantic = nearest.flatMap((n) => byHash.get(n.hash) ?? []);
    }
    const key = (c: CodeChunk) => `${c.root}:${c.path}:${c.startLine}`;
    const fused = diverse(reciprocalRankFusion([lexical.map((l) => l.chunk), semantic], key, RRF_K, [options.lexicalWeight ?? 1, options.semanticWeight ?? SEMANTIC_WEIGHT]), limit);
    const hits: CodebaseHit[] = fused.map(({ item, score, rankers }) => ({
      path: item.path,
      startLine: item.startLine,
      endLine: item.endLine,
      symbols: item.symbols,
      kind: item.kind,
      text: item.text,
      score,
      matchedBy: rankers.map((r) => (r === 0 ? "lexical" : "semantic")),
    }));
    const pendingEmbeddings = embedder ? Math.max(0, this.current.chunks - this.vectorCount) : 0;
    return { hits, mode: semantic.length > 0 ? "fused" : "lexical", pendingEmbeddings, tookMs: performance.now() - started };
  }

  async close(): Promise<void> {
    await this.running;
    this.store.close();
  }

  private async runUpdate(options: UpdateOptions): Promise<UpdateReport> {
    const started = performance.now();
    const { signal } = options;
    const report: UpdateReport = { scanned: 0, changed: 0, removed: 0, chunksAdded: 0, embedded: 0, truncated: false, ms: 0 };
    const full = options.paths === undefined;
    try {
      this.setStatus({ state: "indexing", done: 0, total: 0, message: full ? "Scanning the workspace" : "Updating changed files" });
      const { files, removed, truncated } = full ? await this.scanAll(signal) : await this.scanPaths(options.paths!);
      report.truncated = truncated;
      report.scanned = files.length;
      const stale = files.filter((file) => {
        const entry = this.manifest.files.get(fileKey(file.root, this.displayPath(file)));
        return !entry || entry.size !== file.size || entry.mtimeMs !== file.mtimeMs;
      });
      this.setStatus({ total: stale.length + removed.length, message: `Indexing ${stale.length} file(s)` });
      if (removed.length > 0) {
        for (const key of removed) this.manifest.files.delete(key);
        await this.manifest.save();
        await this.store.replace(removed, []);
        report.removed = removed.length;
      }
      for (let i = 0; i < stale.length; i += FILE_BATCH) {
        signal?.throwIfAborted();
        if (options.shouldPause?.()) throw new IndexPausedError("Paused: the machine runs on battery.");
        report.chunksAdded += await this.indexBatch(stale.slice(i, i + FILE_BATCH), report);
        this.setStatus({ done: removed.length + Math.min(stale.length, i + FILE_BATCH), files: this.manifest.files.size });
      }
      await this.store.maintain();
      this.setStatus({ files: this.manifest.files.size, chunks: await this.store.countChunks() });
      if (this.embedder && options.embed !== false) report.embedded = await this.embedMissing(this.embedder, full, options);
      report.ms = performance.now() - started;
      this.setStatus({ state: "idle", done: 0, total: 0, message: truncated ? `Only the first ${this.scanner.limits.maxFiles} files are indexed.` : undefined });
      return report;
    } catch (error) {
      const paused = error instanceof IndexPausedError;
      const cancelled = signal?.aborted === true;
      this.setStatus({ state: paused ? "paused" : cancelled ? "idle" : "error", done: 0, total: 0, message: paused ? error.message : cancelled ? "Cancelled" : String((error as Error).message) });
      throw error;
    } finally {
      await tightenPrivate(this.dir).catch(() => undefined);
    }
  }

  /** Reads, chunks and stores a batch of files; files whose bytes did not change only get a new mtime. */
  private async indexBatch(batch: readonly ScannedFile[], report: UpdateReport): Promise<number> {
    const replaced: string[] = [];
    const chunks: (CodeChunk & { terms: string })[] = [];
    const entries: [string, { size: number; mtimeMs: number; sha256: string; chunks: number }][] = [];
    for (const file of batch) {
      const display = this.displayPath(file);
      const key = fileKey(file.root, display);
      const text = await this.scanner.read(file);
      // Binary, generated or unreadable files are remembered as such, so they are not read again until they change.
      const sha256 = text === undefined ? "unindexable" : createHash("sha256").update(text).digest("hex");
      const previous = this.manifest.files.get(key);
      if (previous?.sha256 === sha256) {
        entries.push([key, { ...previous, size: file.size, mtimeMs: file.mtimeMs }]);
        continue;
      }
      report.changed++;
      replaced.push(key);
      const raw = text === undefined ? [] : await chunkText(display, text);
      for (const c of raw) {
        const embedText = embeddingText(display, c.symbols, c.text);
        chunks.push({ ...c, root: file.root, path: display, hash: createHash("sha256").update(embedText).digest("hex"), terms: chunkTerms(display, c.symbols, c.text) });
      }
      entries.push([key, { size: file.size, mtimeMs: file.mtimeMs, sha256, chunks: raw.length }]);
    }
    // The manifest forgets these files before their rows change, so a crash in between re-indexes them.
    for (const key of replaced) this.manifest.files.delete(key);
    if (replaced.length > 0) await this.manifest.save();
    await this.store.replace(replaced, chunks);
    for (const [key, entry] of entries) this.manifest.files.set(key, entry);
    await this.manifest.save();
    return chunks.length;
  }

  /** Embeds every chunk that has no vector from this model yet, one at a time at background priority. */
  private async embedMissing(embedder: Embedder, prune: boolean, options: UpdateOptions): Promise<number> {
    const all = new Set(await this.store.chunkHashes());
    const have = await this.store.vectorHashes(embedder.key, embedder.dimensions);
    const missing = [...all].filter((hash) => !have.has(hash)).slice(0, options.embedLimit ?? Infinity);
    this.vectorCount = have.size;
    this.setStatus({ state: "embedding", done: 0, total: missing.length, embedded: this.vectorCount, message: `Embedding ${missing.length} chunk(s) with ${embedder.name}` });
    let embedded = 0;
    for (let i = 0; i < missing.length; i += 32) {
      options.signal?.throwIfAborted();
      if (options.shouldPause?.()) throw new IndexPausedError("Paused: the machine runs on battery.");
      const batch = missing.slice(i, i + 32);
      const chunks = new Map((await this.store.chunksByHash(batch)).map((c) => [c.hash, c]));
      const vectors: { hash: string; vector: Float32Array }[] = [];
      for (const hash of batch) {
        const chunk = chunks.get(hash);
        if (!chunk) continue;
        vectors.push({ hash, vector: await embedder.embedDocument(embeddingText(chunk.path, chunk.symbols, chunk.text), options.signal) });
      }
      await this.store.addVectors(embedder.key, embedder.dimensions, vectors);
      embedded += vectors.length;
      this.vectorCount += vectors.length;
      this.setStatus({ done: Math.min(missing.length, i + 32), embedded: this.vectorCount });
    }
    if (prune) this.vectorCount -= await this.store.pruneVectors(embedder.key, embedder.dimensions, all);
    if (embedded > 0 || prune) await this.store.compactVectors(embedder.key, embedder.dimensions);
    this.setStatus({ embedded: this.vectorCount });
    return embedded;
  }

  private async scanAll(signal: AbortSignal): Promise<{ files: ScannedFile[]; removed: string[]; truncated: boolean }> {
    const { files, truncated } = await this.scanner.scan(signal);
    const present = new Set(files.map((f) => fileKey(f.root, this.displayPath(f))));
    return { files, removed: [...this.manifest.files.keys()].filter((key) => !present.has(key)), truncated };
  }

  private async scanPaths(paths: readonly string[]): Promise<{ files: ScannedFile[]; removed: string[]; truncated: boolean }> {
    const files: ScannedFile[] = [];
    const removed: string[] = [];
    for (const requested of paths) {
      const found = await this.scanner.file(requested);
      if (!found) continue;
      if ("gone" in found) {
        const key = fileKey(found.root, this.displayPath(found));
        if (this.manifest.files.has(key)) removed.push(key);
      } else files.push(found);
    }
    return { files, removed, truncated: false };
  }

  /** The path people and models see: relative, `/`-separated, prefixed by the folder's name when there are several. */
  private displayPath(file: { root: number; relative: string }): string {
    const roots = this.scanner.roots.roots;
    return roots.length > 1 ? `${path.basename(roots[file.root]!.path)}/${file.relative}` : file.relative;
  }

  private setStatus(patch: Partial<IndexStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(this.current);
  }
}

/**
 * The best `limit` results with at most MAX_PER_FILE chunks of one file while other files are left:
 * ten chunks of one long file would hide every other answer.
 */
function diverse<T extends { item: CodeChunk }>(ranked: readonly T[], limit: number): T[] {
  const perFile = new Map<string, number>();
  const kept: T[] = [];
  const overflow: T[] = [];
  for (const entry of ranked) {
    const file = `${entry.item.root}:${entry.item.path}`;
    const count = perFile.get(file) ?? 0;
    if (count < MAX_PER_FILE) {
      perFile.set(file, count + 1);
      kept.push(entry);
    } else overflow.push(entry);
    if (kept.length >= limit) break;
  }
  return [...kept, ...overflow].slice(0, limit);
}

/** What a chunk's vector is computed from: where it is and what it defines, then the code. */
export function embeddingText(filePath: string, symbols: readonly string[], text: string): string {
  return `${filePath}${symbols.length > 0 ? `\n${symbols.join(", ")}` : ""}\n${text}`;
}

async function makePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and leaves existing folders alone.
  for (let d = dir, i = 0; i < 2; d = path.dirname(d), i++) await fs.chmod(d, 0o700).catch(() => undefined);
}

/** LanceDB creates its files with the process umask; folders become 0700 and files 0600 after each update. */
async function tightenPrivate(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  await fs.chmod(dir, 0o700);
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await fs.chmod(full, 0o700).catch(() => undefined);
    else if (entry.isFile()) await fs.chmod(full, 0o600).catch(() => undefined);
  }
}
