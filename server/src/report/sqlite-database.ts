// SQLite files in the workspace, through sql.js (SQLite compiled to WebAssembly): the file is read into
// memory and queried there, so a read can never change it whatever the SQL says (PRAGMA query_only is on
// as well, and ATTACH reaches only the WebAssembly's own empty file system). A write the person approved
// runs on that copy, which then replaces the file atomically (platform/confined-fs.ts).
// better-sqlite3 was the first choice; see ARCHITECTURE.md for why it is not used.
import { createRequire } from "node:module";
import path from "node:path";
import type { Database, SqlJsStatic } from "sql.js";
import { readFileConfined, writeFileConfined } from "../platform/confined-fs";
import { MAX_ROWS, oneStatement, QueryError, type QueryResult } from "./query-table";

/** Larger files are refused: the whole file is loaded into memory. */
export const MAX_SQLITE_BYTES = 256 * 1024 * 1024;

let sqlJs: Promise<SqlJsStatic> | undefined;
function engine(): Promise<SqlJsStatic> {
  const require = createRequire(import.meta.url);
  const wasmDir = path.dirname(require.resolve("sql.js/dist/sql-wasm.wasm"));
  // Loaded on first use: the server and every CLI command start without it.
  sqlJs ??= import("sql.js").then(({ default: initSqlJs }) => initSqlJs({ locateFile: (file: string) => path.join(wasmDir, file) }));
  return sqlJs;
}

async function open(realPath: string, signal: AbortSignal): Promise<Database> {
  const bytes = await readFileConfined(realPath, { maxBytes: MAX_SQLITE_BYTES });
  signal.throwIfAborted();
  if (bytes.byteLength > 0 && bytes.subarray(0, 16).toString("latin1") !== "SQLite format 3\0") throw new QueryError("the file is not an SQLite database");
  const SQL = await engine();
  return new SQL.Database(bytes);
}

/** Runs one statement. `write: false`: read only (query_only, and the file is never written). */
export async function querySqlite(realPath: string, sql: string, options: { write: boolean; signal: AbortSignal }): Promise<QueryResult> {
  const statementText = oneStatement(sql);
  const db = await open(realPath, options.signal);
  try {
    if (!options.write) db.run("PRAGMA query_only = ON");
    let statement;
    try {
      let count = 0;
      for (const s of db.iterateStatements(statementText)) {
        count++;
        s.free();
      }
      if (count !== 1) throw new QueryError(`give one SQL statement at a time (found ${count})`);
      statement = db.prepare(statementText);
    } catch (error) {
      throw error instanceof QueryError ? error : new QueryError(`SQLite: ${error instanceof Error ? error.message : String(error)}`);
    }
    const rows: unknown[][] = [];
    let rowCount = 0;
    try {
      while (statement.step()) {
        options.signal.throwIfAborted();
        rowCount++;
        if (rows.length < MAX_ROWS) rows.push(statement.get());
      }
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new QueryError(/readonly|read-only|query_only/i.test(message) ? `SQLite: ${message}: this statement writes; it runs only with write: true, after the person approves` : `SQLite: ${message}`);
    }
    const columns = statement.getColumnNames();
    statement.free();
    const changes = db.getRowsModified();
    if (options.write) {
      options.signal.throwIfAborted();
      await writeFileConfined(realPath, db.export(), { mode: 0o644 });
    }
    return { columns, rows, rowCount, ...(options.write ? { changes } : {}) };
  } finally {
    db.close();
  }
}

/** Tables and views with their columns. */
export async function sqliteSchema(realPath: string, signal: AbortSignal): Promise<QueryResult> {
  const db = await open(realPath, signal);
  try {
    const result = db.exec(
      "SELECT m.type, m.name AS \"table\", p.name AS \"column\", p.type AS \"type\" FROM sqlite_schema m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table','view') AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
    )[0];
    const rows = (result?.values ?? []).map((row) => row.slice(1));
    return { columns: ["table", "column", "type"], rows: rows.slice(0, MAX_ROWS), rowCount: rows.length };
  } finally {
    db.close();
  }
}
