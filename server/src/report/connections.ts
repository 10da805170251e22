// The databases and the mail server the person configured, in one file outside every workspace folder:
// `<Pincer storage>/connections.json`, mode 0600 (a file others can read is refused, as ssh does with keys:
// it names your servers and accounts). The agent cannot write there (the gate confines tools to the
// workspace) and a file that resolves inside a workspace folder is not read, so the model cannot invent a
// connection. Passwords are not kept here: they come from SecretStorage or the environment (secrets.ts), and
// a file that still has one is refused, so it is not left in a plain file by mistake.
import { promises as fs } from "node:fs";
import path from "node:path";
import { PincerError } from "../platform/errors";

export interface PostgresConnection {
  kind: "postgres";
  host: string;
  port?: number;
  database: string;
  user: string;
  /** "require": TLS to the server (default for a host other than loopback); "disable": loopback only. */
  ssl?: "require" | "disable";
}

export type SmtpSecurity = "starttls" | "tls" | "none";

export interface SmtpConnection {
  host: string;
  port: number;
  /** "starttls" (587) or "tls" (465, implicit); "none" is accepted for a loopback host only. */
  security: SmtpSecurity;
  from: string;
  user?: string;
  /** PEM of a certificate authority to trust besides the system's (a private relay, the tests' server). */
  ca?: string;
}

/** A connection with its password (from secrets.ts), in memory for one call only. */
export type WithPassword<T> = T & { password?: string };

export interface Connections {
  databases: Record<string, PostgresConnection>;
  smtp?: SmtpConnection;
}

export const CONNECTIONS_FILE = "connections.json";

export function connectionsPath(storageDir: string): string {
  return path.join(storageDir, CONNECTIONS_FILE);
}

/** The configured connections; none when the file is absent. `insideWorkspace` says whether a path lies in a folder. */
export async function loadConnections(file: string, insideWorkspace: (file: string) => Promise<boolean>, signal: AbortSignal): Promise<Connections> {
  signal.throwIfAborted();
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) return { databases: {} };
  if (await insideWorkspace(file)) throw new PincerError(`${file} is inside a workspace folder, where the agent could change it; it is not read`, "failed");
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    throw new PincerError(`${file} names your servers and accounts and others can read it (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`, "failed");
  }
  const parsed = JSON.parse(await fs.readFile(file, "utf8")) as Partial<Connections>;
  const withPassword = [...Object.entries(parsed.databases ?? {}).filter(([, db]) => "password" in db).map(([name]) => `databases.${name}`), ...(parsed.smtp && "password" in parsed.smtp ? ["smtp"] : [])];
  if (withPassword.length > 0) {
    throw new PincerError(
      `${file} has a password (${withPassword.join(", ")}); remove it: VS Code keeps it in its secret storage (asked on first use), \`pincer run\` reads PINCER_SMTP_PASSWORD or PINCER_DB_PASSWORD_<NAME>`,
      "failed",
    );
  }
  return { databases: parsed.databases ?? {}, ...(parsed.smtp ? { smtp: parsed.smtp } : {}) };
}

/** 127.0.0.0/8, ::1 and "localhost": the only hosts a plain-text connection may go to. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
