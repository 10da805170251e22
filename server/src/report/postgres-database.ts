// PostgreSQL through `pg`, on a connection the person configured (connections.ts). A read runs inside
// BEGIN READ ONLY ... ROLLBACK with a statement timeout, through the extended protocol, which refuses several
// statements in one call (so "SELECT 1; COMMIT; DELETE ..." cannot leave the read-only transaction). A write
// the person approved runs in its own transaction and commits. The connection is opened under an egress
// permit (platform/egress-guard.ts): the person configured this server, and only this call may connect.
import type pg from "pg";
import { withEgress } from "../platform/egress-guard";
import { isLoopbackHost, type PostgresConnection, type WithPassword } from "./connections";
import { MAX_ROWS, oneStatement, QueryError, type QueryResult } from "./query-table";

const STATEMENT_TIMEOUT_MS = 30_000;

async function withClient<T>(name: string, connection: WithPassword<PostgresConnection>, signal: AbortSignal, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const ssl = connection.ssl ?? (isLoopbackHost(connection.host) ? "disable" : "require");
  if (ssl === "disable" && !isLoopbackHost(connection.host)) throw new QueryError(`database "${name}": a connection without TLS is only allowed to this machine (host ${connection.host})`);
  // Loaded on first use: the server and every CLI command start without it (ARCHITECTURE, "Heavy libraries load on first use").
  const { default: postgres } = await import("pg");
  return withEgress(`query the database "${name}"`, async () => {
    const client = new postgres.Client({
      host: connection.host,
      port: connection.port ?? 5432,
      database: connection.database,
      user: connection.user,
      ...(connection.password !== undefined ? { password: connection.password } : {}),
      ...(ssl === "require" ? { ssl: { rejectUnauthorized: true } } : {}),
      connectionTimeoutMillis: 10_000,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    const onAbort = () => void client.end().catch(() => undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await client.connect().catch((error: Error) => {
        throw new QueryError(`database "${name}": cannot connect to ${connection.host}:${connection.port ?? 5432}: ${error.message}`);
      });
      return await work(client);
    } finally {
      signal.removeEventListener("abort", onAbort);
      await client.end().catch(() => undefined);
      signal.throwIfAborted();
    }
  });
}

export async function queryPostgres(name: string, connection: WithPassword<PostgresConnection>, sql: string, options: { write: boolean; signal: AbortSignal }): Promise<QueryResult> {
  const text = oneStatement(sql);
  return withClient(name, connection, options.signal, async (client) => {
    await client.query(options.write ? "BEGIN" : "BEGIN READ ONLY");
    try {
      // The extended protocol takes one statement per call ("SELECT 1; COMMIT; DELETE ..." is refused).
      // queryMode is in pg 8.11+, not yet in @types/pg.
      const config: pg.QueryArrayConfig & { queryMode: "extended" } = { text, values: [], rowMode: "array", queryMode: "extended" };
      const result = await client.query(config as pg.QueryArrayConfig);
      await client.query(options.write ? "COMMIT" : "ROLLBACK");
      const rows = (result.rows as unknown[][]) ?? [];
      const columns = (result.fields ?? []).map((field) => field.name);
      return { columns, rows: rows.slice(0, MAX_ROWS), rowCount: result.fields?.length ? rows.length : 0, ...(options.write ? { changes: result.rowCount ?? 0 } : {}) };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      const message = (error as Error).message;
      const hint = /read-only transaction/i.test(message) ? ": this statement writes; it runs only with write: true, after the person approves" : "";
      throw new QueryError(`PostgreSQL: ${message}${hint}`);
    }
  });
}

export async function postgresSchema(name: string, connection: WithPassword<PostgresConnection>, signal: AbortSignal): Promise<QueryResult> {
  return withClient(name, connection, signal, async (client) => {
    const result = await client.query({
      text: "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY table_schema, table_name, ordinal_position",
      values: [],
      rowMode: "array",
    });
    const rows = result.rows as unknown[][];
    return { columns: ["table", "column", "type"], rows: rows.slice(0, MAX_ROWS), rowCount: rows.length };
  });
}
