// The index on disk: LanceDB (embedded, prebuilt N-API binaries per platform; see ARCHITECTURE,
// "Codebase index: LanceDB"). The only file that imports @lancedb/lancedb and apache-arrow.
//   chunks       one row per chunk; `terms` carries the full-text (BM25) index
//   vec_<key>    one row per distinct chunk hash per embedding model: { hash, vector }
// Rows are replaced per file; vectors are keyed by content hash, so an edited file re-embeds only
// the chunks whose text changed, and switching back to an earlier model finds its vectors again.
import { createHash } from "node:crypto";
import type * as LanceDb from "@lancedb/lancedb";
import type * as Arrow from "apache-arrow";
import type { CodeChunk } from "./types";

// Loaded on first use (like the OCR addons): server start-up does not map the 160 MB native
// library, and a platform where it fails to load still runs every other feature.
let modules: Promise<{ lancedb: typeof LanceDb; arrow: typeof Arrow }> | undefined;
function loadModules(): Promise<{ lancedb: typeof LanceDb; arrow: typeof Arrow }> {
  modules ??= Promise.all([import("@lancedb/lancedb"), import("apache-arrow")]).then(([lancedb, arrow]) => ({ lancedb, arrow }));
  modules.catch(() => (modules = undefined));
  return modules;
}

const CHUNKS = "chunks";
const FTS_COLUMN = "terms";
const INDEX_CACHE_BYTES = 64 * 1024 * 1024;
const METADATA_CACHE_BYTES = 16 * 1024 * 1024;

function chunkSchema({ Field, Int32, Schema, Utf8 }: typeof Arrow): Arrow.Schema {
  return new Schema([
    new Field("file", new Utf8()),
    new Field("root", new Int32()),
    new Field("path", new Utf8()),
    new Field("start_line", new Int32()),
    new Field("end_line", new Int32()),
    new Field("symbols", new Utf8()),
    new Field("kind", new Utf8()),
    new Field("text", new Utf8()),
    new Field("hash", new Utf8()),
    new Field(FTS_COLUMN, new Utf8()),
  ]);
}

interface ChunkRow {
  file: string;
  root: number;
  path: string;
  start_line: number;
  end_line: number;
  symbols: string;
  kind: string;
  text: string;
  hash: string;
  terms: string;
}

export interface ScoredChunk {
  chunk: CodeChunk;
  score: number;
}

/** `root:path`: the unit rows are replaced and deleted by. */
export function fileKey(root: number, path: string): string {
  return `${root}:${path}`;
}

export class IndexStore {
  private ftsReady = false;
  private addedSinceOptimize = 0;
  private deletedSinceOptimize = 0;
  private readonly vectorTables = new Map<string, LanceDb.Table>();

  private constructor(
    private readonly lancedb: typeof LanceDb,
    private readonly arrow: typeof Arrow,
    private readonly db: LanceDb.Connection,
    private readonly chunks: LanceDb.Table,
  ) {}

  static async open(dir: string): Promise<IndexStore> {
    const { lancedb, arrow } = await loadModules();
    // LanceDB's default caches (6 GB index, 1 GB metadata) are sized for servers; an editor's index is small.
    const db = await lancedb.connect(dir, { session: new lancedb.Session(BigInt(INDEX_CACHE_BYTES), BigInt(METADATA_CACHE_BYTES)) });
    const names = await db.tableNames();
    const chunks = names.includes(CHUNKS) ? await db.openTable(CHUNKS) : await db.createEmptyTable(CHUNKS, chunkSchema(arrow));
    const store = new IndexStore(lancedb, arrow, db, chunks);
    store.ftsReady = (await chunks.listIndices()).some((index) => index.columns.includes(FTS_COLUMN));
    return store;
  }

  /** Removes every row of `removedFiles` (file keys) and adds `added`, in two table operations. */
  async replace(removedFiles: readonly string[], added: readonly (CodeChunk & { terms: string })[]): Promise<void> {
    for (let i = 0; i < removedFiles.length; i += 500) {
      const batch = removedFiles.slice(i, i + 500);
      await this.chunks.delete(`file IN (${batch.map(sqlString).join(", ")})`);
    }
    this.deletedSinceOptimize += removedFiles.length;
    for (let i = 0; i < added.length; i += 2_000) {
      const rows: ChunkRow[] = added.slice(i, i + 2_000).map((c) => ({
        file: fileKey(c.root, c.path),
        root: c.root,
        path: c.path,
        start_line: c.startLine,
        end_line: c.endLine,
        symbols: c.symbols.join("\n"),
        kind: c.kind,
        text: c.text,
        hash: c.hash,
        terms: c.terms,
      }));
      await this.chunks.add(rows as unknown as Record<string, unknown>[]);
    }
    this.addedSinceOptimize += added.length;
    if (!this.ftsReady && added.length > 0) {
      await this.chunks.createIndex(FTS_COLUMN, {
        // Terms arrive split and lower-cased (terms.ts); stemming and stop words would merge names.
        config: this.lancedb.Index.fts({ baseTokenizer: "whitespace", lowercase: true, stem: false, removeStopWords: false, asciiFolding: false, withPosition: false }),
      });
      this.ftsReady = true;
      this.addedSinceOptimize = 0;
    }
  }

  /** Drops every chunk row (vectors stay: they are keyed by content and may be reused). */
  async clear(): Promise<void> {
    await this.chunks.delete("true");
  }

  /**
   * Folds new rows into the full-text index after every change: LanceDB's search of rows the index
   * does not cover yet misses words the index has never seen (a new function's name), so an
   * unfolded row could be found by "export" but not by its own name. Old versions are pruned.
   */
  async maintain(): Promise<void> {
    if (this.addedSinceOptimize === 0 && this.deletedSinceOptimize === 0) return;
    await this.chunks.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
    this.addedSinceOptimize = 0;
    this.deletedSinceOptimize = 0;
  }

  /** BM25 over the terms column; `words` are already split (terms.ts). */
  async lexical(words: readonly string[], limit: number): Promise<ScoredChunk[]> {
    if (!this.ftsReady || words.length === 0) return [];
    const query = new this.lancedb.MatchQuery(words.join(" "), FTS_COLUMN, { operator: this.lancedb.Operator.Or });
    const rows = await this.chunks
      .search(query)
      .select(["root", "path", "start_line", "end_line", "symbols", "kind", "text", "hash", "_score"])
      .limit(limit)
      .toArray();
    return rows.map((row: ChunkRow & { _score: number }) => ({ chunk: toChunk(row), score: row._score }));
  }

  async chunksByHash(hashes: readonly string[]): Promise<CodeChunk[]> {
    if (hashes.length === 0) return [];
    const rows = await this.chunks
      .query()
      .where(`hash IN (${hashes.map(sqlString).join(", ")})`)
      .select(["root", "path", "start_line", "end_line", "symbols", "kind", "text", "hash"])
      .toArray();
    return rows.map(toChunk);
  }

  /** Every chunk hash (to find what has no vector yet) and the row count. */
  async chunkHashes(): Promise<string[]> {
    const rows = await this.chunks.query().select(["hash"]).toArray();
    return rows.map((row: { hash: string }) => row.hash);
  }

  async countChunks(): Promise<number> {
    return this.chunks.countRows();
  }

  async vectorHashes(modelKey: string, dimensions: number): Promise<Set<string>> {
    const table = await this.vectorTable(modelKey, dimensions);
    const rows = await table.query().select(["hash"]).toArray();
    return new Set(rows.map((row: { hash: string }) => row.hash));
  }

  async addVectors(modelKey: string, dimensions: number, entries: readonly { hash: string; vector: Float32Array }[]): Promise<void> {
    if (entries.length === 0) return;
    const table = await this.vectorTable(modelKey, dimensions);
    await table.add(entries.map((e) => ({ hash: e.hash, vector: Array.from(e.vector) })));
  }

  /** Compacts a vector table after many small appends (a flat scan reads every fragment). */
  async compactVectors(modelKey: string, dimensions: number): Promise<void> {
    await (await this.vectorTable(modelKey, dimensions)).optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
  }

  /** Vectors whose chunks are gone (files deleted or edited) are dropped. */
  async pruneVectors(modelKey: string, dimensions: number, live: ReadonlySet<string>): Promise<number> {
    const stored = await this.vectorHashes(modelKey, dimensions);
    const dead = [...stored].filter((hash) => !live.has(hash));
    const table = await this.vectorTable(modelKey, dimensions);
    for (let i = 0; i < dead.length; i += 500) await table.delete(`hash IN (${dead.slice(i, i + 500).map(sqlString).join(", ")})`);
    return dead.length;
  }

  /** Nearest chunk hashes by cosine distance (vectors are unit length). Exact: a flat scan. */
  async semantic(modelKey: string, dimensions: number, vector: Float32Array, limit: number): Promise<{ hash: string; distance: number }[]> {
    const table = await this.vectorTable(modelKey, dimensions);
    const rows = await table.vectorSearch(Array.from(vector)).distanceType("dot").select(["hash", "_distance"]).limit(limit).toArray();
    return rows.map((row: { hash: string; _distance: number }) => ({ hash: row.hash, distance: row._distance }));
  }

  close(): void {
    for (const table of this.vectorTables.values()) table.close();
    this.chunks.close();
    this.db.close();
  }

  private async vectorTable(modelKey: string, dimensions: number): Promise<LanceDb.Table> {
    const { Field, FixedSizeList, Float32, Schema, Utf8 } = this.arrow;
    const name = `vec_${createHash("sha256").update(`${modelKey}|${dimensions}`).digest("hex").slice(0, 16)}`;
    let table = this.vectorTables.get(name);
    if (table) return table;
    const names = await this.db.tableNames();
    table = names.includes(name)
      ? await this.db.openTable(name)
      : await this.db.createEmptyTable(
          name,
          new Schema([new Field("hash", new Utf8()), new Field("vector", new FixedSizeList(dimensions, new Field("item", new Float32(), true)))]),
        );
    this.vectorTables.set(name, table);
    return table;
  }
}

function toChunk(row: Omit<ChunkRow, "file" | "terms">): CodeChunk {
  return {
    root: row.root,
    path: row.path,
    startLine: row.start_line,
    endLine: row.end_line,
    symbols: row.symbols === "" ? [] : row.symbols.split("\n"),
    kind: row.kind,
    text: row.text,
    hash: row.hash,
  };
}

/** A SQL string literal for LanceDB's filter (DataFusion): quotes doubled. */
function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
