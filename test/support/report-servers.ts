// Real servers for the report chain's tests: an SMTP server on loopback (npm smtp-server) with a self-signed
// certificate for STARTTLS that keeps every message it accepts, and a PostgreSQL server (Debian's
// postgresql) started on a private port and data folder, stopped and removed afterwards.
import { execFile, spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

const run = promisify(execFile);

export async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const key = path.join(dir, "smtp-key.pem");
  const cert = path.join(dir, "smtp-cert.pem");
  await run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]);
  return { key: await fs.readFile(key, "utf8"), cert: await fs.readFile(cert, "utf8") };
}

export interface TestSmtp {
  port: number;
  cert: string;
  messages: ParsedMail[];
  /** Sessions that sent MAIL FROM before STARTTLS (must stay empty). */
  plainSessions: number;
  /** Resolves with the next message accepted. */
  next(): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(dir: string, auth: { user: string; pass: string }): Promise<TestSmtp> {
  const { key, cert } = await selfSignedCertificate(dir);
  const messages: ParsedMail[] = [];
  let waiter: ((mail: ParsedMail) => void) | undefined;
  const state = { plainSessions: 0 };
  const server = new SMTPServer({
    key,
    cert,
    secure: false,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(a, session, callback) {
      if (!session.secure) return callback(new Error("authentication before STARTTLS"));
      callback(a.username === auth.user && a.password === auth.pass ? null : new Error("bad credentials"), { user: a.username });
    },
    onMailFrom(_address, session, callback) {
      if (!session.secure) state.plainSessions++;
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          waiter?.(mail);
          waiter = undefined;
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    cert,
    messages,
    get plainSessions() {
      return state.plainSessions;
    },
    next: () => new Promise((resolve) => (waiter = resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (bound once, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface TestPostgres {
  port: number;
  user: string;
  password: string;
  /** Runs SQL as the superuser through psql. */
  psql(sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's PostgreSQL binaries (the newest installed version), or undefined. */
export async function postgresBin(): Promise<string | undefined> {
  const base = "/usr/lib/postgresql";
  const versions = await fs.readdir(base).catch(() => [] as string[]);
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(base, newest, "bin") : undefined;
}

/** initdb refuses root: as root the server runs as Debian's "postgres" user. */
async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

export async function startPostgres(bin: string): Promise<TestPostgres> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-pg-"));
  const as = await runAs();
  if (as) await fs.chown(dir, as.uid, as.gid);
  const data = path.join(dir, "data");
  const password = "pincer-test";
  const pwfile = path.join(dir, "pw");
  await fs.writeFile(pwfile, password);
  if (as) await fs.chown(pwfile, as.uid, as.gid);
  const opts = { ...(as ?? {}), env: { PATH: process.env.PATH ?? "", LANG: "C.UTF-8" } };
  await run(path.join(bin, "initdb"), ["-D", data, "-U", "pincer", "--pwfile", pwfile, "-A", "scram-sha-256", "--no-sync"], opts);
  const port = await closedPort();
  let stopper: () => Promise<void> = async () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const child = spawn(path.join(bin, "postgres"), ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"], { ...opts, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    child.stderr.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (/ready to accept connections/.test(log)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`postgres exited (${code}): ${log}`)));
    stopper = async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGINT");
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    };
  });
  await ready.catch(async (error: Error) => {
    await stopper();
    throw error;
  });
  return {
    port,
    user: "pincer",
    password,
    psql: async (sql) => (await run(path.join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "pincer", "-d", "postgres", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { env: { ...process.env, PGPASSWORD: password } })).stdout,
    stop: () => stopper(),
  };
}
