// The report chain's defences, one row per attack class: a model (or a document it read) trying to write
// through a read-only query, to make TeX run programs or read files outside the workspace, to make a chart
// load files or URLs, to mail files from outside the workspace, to send mail in plain text or without the
// person's approval. Real components: sql.js, PostgreSQL (when Debian's postgresql is installed), pdflatex
// (when installed), nodemailer against a loopback SMTP server without STARTTLS.
import { requireOrSkip } from "../../../../test/support/test-model";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import { SMTPServer } from "smtp-server";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import { loadConnections } from "../../report/connections";
import { texAvailable } from "../../report/latex-render";
import { CliFileWriter } from "../cli-file-writer";
import { createPermissionGate, type PermissionProfile } from "../permissions";
import type { PermissionDecision, ToolContext, ToolDefinition, ToolOutcome } from "../tool-types";
import { policyApprover } from "../../cli/agent-output";
import { createReportTools } from "./report-tools";
import { postgresBin, startPostgres, type TestPostgres } from "../../../../test/support/report-servers";

const SECRET = "TOP-SECRET-OUTSIDE";

interface Dirs {
  ws: string;
  outside: string;
  storage: string;
}

type Row = {
  /** The attack class (and the peer CVE class it belongs to). */
  name: string;
  tool: string;
  args: Record<string, unknown> | ((dirs: Dirs) => Record<string, unknown>);
  /** What the gate decides (profile "full" unless given). */
  gate?: PermissionDecision;
  profile?: PermissionProfile;
  overrides?: Record<string, PermissionDecision>;
  /** Run the tool without the gate (as if approved): it must fail with this text, and `check` must hold. */
  refuses?: RegExp;
  check?: (dirs: Dirs, outcome: ToolOutcome) => Promise<void>;
  needs?: "tex" | "postgres";
};

async function salesRows(file: string): Promise<number> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(await fs.readFile(file));
  const count = db.exec("SELECT count(*) FROM sales")[0]!.values[0]![0] as number;
  db.close();
  return count;
}

const unchangedSales = async ({ ws }: Dirs) => assert.equal(await salesRows(path.join(ws, "sales.sqlite")), 3);
let pg: TestPostgres | undefined;
const unchangedPg = async () => assert.equal((await pg!.psql("SELECT count(*) FROM sales")).trim(), "3");

const ROWS: Row[] = [
  // SQL: writes through a query that should only read (CWE-89 class: SQL injection into a data tool)
  { name: "SQLite: DELETE through a read-only query", tool: "query_database", args: { file: "sales.sqlite", sql: "DELETE FROM sales" }, gate: "allow", refuses: /writes; it runs only with write: true/, check: unchangedSales },
  { name: "SQLite: DROP TABLE through a read-only query", tool: "query_database", args: { file: "sales.sqlite", sql: "DROP TABLE sales" }, gate: "allow", refuses: /readonly|query_only|write/i, check: unchangedSales },
  { name: "SQLite: stacked statements (SELECT; DELETE)", tool: "query_database", args: { file: "sales.sqlite", sql: "SELECT 1; DELETE FROM sales" }, gate: "allow", refuses: /one SQL statement at a time/, check: unchangedSales },
  { name: "SQLite: PRAGMA query_only = OFF then write (one statement at a time)", tool: "query_database", args: { file: "sales.sqlite", sql: "PRAGMA query_only = OFF; DELETE FROM sales" }, gate: "allow", refuses: /one SQL statement/, check: unchangedSales },
  { name: "SQLite: ATTACH a file outside the workspace", tool: "query_database", args: (d) => ({ file: "sales.sqlite", sql: `ATTACH '${path.join(d.outside, "secret.sqlite")}' AS x` }), gate: "allow", refuses: /SQLite:/ },
  { name: "SQLite: query a database file outside the workspace", tool: "query_database", args: { file: "../outside/secret.sqlite", sql: "SELECT 1" }, gate: "deny", refuses: /outside|not inside/i },
  { name: "SQL: write: true always asks, even in the full profile", tool: "query_database", args: { file: "sales.sqlite", sql: "DELETE FROM sales", write: true }, gate: "ask" },
  { name: "SQL: write: true always asks, even with an allow override", tool: "query_database", args: { file: "sales.sqlite", sql: "DELETE FROM sales", write: true }, overrides: { query_database: "allow" }, gate: "ask" },
  { name: "SQL: write: true is refused in the read-only profile", tool: "query_database", args: { file: "sales.sqlite", sql: "DELETE FROM sales", write: true }, profile: "read-only", gate: "deny" },
  { name: "PostgreSQL: DELETE inside the read-only transaction", tool: "query_database", args: { connection: "sales", sql: "DELETE FROM sales" }, gate: "allow", refuses: /read-only transaction/, check: unchangedPg, needs: "postgres" },
  { name: "PostgreSQL: COMMIT; DELETE escaping the read-only transaction", tool: "query_database", args: { connection: "sales", sql: "SELECT 1; COMMIT; DELETE FROM sales" }, gate: "allow", refuses: /multiple commands|PostgreSQL/, check: unchangedPg, needs: "postgres" },
  // TeX (CVE-2016-10243 class: shell escape from TeX; file disclosure through \input)
  { name: "TeX: \\write18 shell escape", tool: "render_document", args: { output: "out.pdf", source: "\\documentclass{article}\\begin{document}x\\immediate\\write18{touch PWNED-TEX}\\end{document}" }, gate: "allow", check: async ({ ws }) => assert.equal(await fs.stat(path.join(ws, "PWNED-TEX")).catch(() => undefined), undefined), needs: "tex" },
  { name: "TeX: \\input of an absolute path outside", tool: "render_document", args: (d) => ({ output: "out.pdf", source: `\\documentclass{article}\\begin{document}\\input{${path.join(d.outside, "secret.tex")}}\\end{document}` }), gate: "allow", refuses: /LaTeX failed/, needs: "tex" },
  { name: "TeX: \\input through ../ traversal", tool: "render_document", args: { output: "out.pdf", source: "\\documentclass{article}\\begin{document}\\input{../../../../../../../etc/passwd}\\end{document}" }, gate: "allow", refuses: /LaTeX failed/, needs: "tex" },
  { name: "TeX: a template outside .pincer/templates", tool: "render_document", args: { output: "out.pdf", template: "../../outside/secret.tex" }, gate: "allow", refuses: /file name inside/ },
  { name: "TeX: asset file outside the workspace", tool: "render_document", args: { output: "out.pdf", source: "x", format: "markdown", files: ["../outside/secret.tex"] }, gate: "deny", refuses: /outside|not inside/i },
  { name: "TeX: asset through a symlink pointing out", tool: "render_document", args: { output: "out.pdf", source: "x", format: "markdown", files: ["link-out/secret.tex"] }, gate: "deny", refuses: /outside|not inside/i },
  // Charts (SSRF / local file disclosure through a spec's data URL)
  { name: "chart: data url file:///etc/passwd", tool: "render_chart", args: { output: "c.png", spec: JSON.stringify({ data: { url: "file:///etc/passwd" }, mark: "bar" }) }, gate: "allow", refuses: /may not load files or URLs/ },
  { name: "chart: data url to the network (SSRF)", tool: "render_chart", args: { output: "c.png", spec: JSON.stringify({ data: { url: "http://169.254.169.254/latest/meta-data" }, mark: "point" }) }, gate: "allow", refuses: /may not load files or URLs/ },
  { name: "chart: output outside the workspace", tool: "render_chart", args: { output: "../outside/c.png", spec: "{}" }, gate: "deny", refuses: /outside|not inside/i },
  // Email (data exfiltration by mail; CWE-319 cleartext transmission; approval bypass)
  { name: "email: attachment outside the workspace", tool: "send_email", args: { to: ["a@example.com"], subject: "s", body: "b", attachments: ["../outside/secret.tex"] }, gate: "deny", refuses: /outside|not inside/i },
  { name: "email: attachment by absolute path", tool: "send_email", args: (d) => ({ to: ["a@example.com"], subject: "s", body: "b", attachments: [path.join(d.outside, "secret.tex")] }), gate: "deny", refuses: /outside|not inside/i },
  { name: "email: attachment through a symlink pointing out", tool: "send_email", args: { to: ["a@example.com"], subject: "s", body: "b", attachments: ["secret-link"] }, gate: "deny", refuses: /outside|not inside/i },
  { name: "email: sending always asks in the full profile", tool: "send_email", args: { to: ["a@example.com"], subject: "s", body: "b" }, gate: "ask" },
  { name: "email: sending asks even in the read-only profile", tool: "send_email", args: { to: ["a@example.com"], subject: "s", body: "b" }, profile: "read-only", gate: "ask" },
  { name: "email: an allow override never allows sending", tool: "send_email", args: { to: ["a@example.com"], subject: "s", body: "b" }, overrides: { send_email: "allow" }, gate: "ask" },
  { name: "email: header injection in the subject", tool: "send_email", args: { to: ["a@example.com"], subject: "hi\r\nBcc: x@evil.test", body: "b" }, gate: "ask", refuses: /one line/ },
];

describe("report tools: security table", function () {
  this.timeout(60_000);
  let base: string;
  let dirs: Dirs;
  let tools: Map<string, ToolDefinition>;
  let roots: WorkspaceRoots;
  let hasTex = false;

  before(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-report-sec-")));
    dirs = { ws: path.join(base, "ws"), outside: path.join(base, "outside"), storage: path.join(base, "storage") };
    for (const dir of Object.values(dirs)) await fs.mkdir(dir, { mode: 0o700 });
    await fs.writeFile(path.join(dirs.outside, "secret.tex"), SECRET);
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run("CREATE TABLE sales (region TEXT, revenue REAL); INSERT INTO sales VALUES ('North', 1), ('South', 2), ('East', 3)");
    await fs.writeFile(path.join(dirs.ws, "sales.sqlite"), db.export());
    await fs.writeFile(path.join(dirs.outside, "secret.sqlite"), db.export());
    db.close();
    await fs.symlink(dirs.outside, path.join(dirs.ws, "link-out"));
    await fs.symlink(path.join(dirs.outside, "secret.tex"), path.join(dirs.ws, "secret-link"));
    roots = await WorkspaceRoots.create([dirs.ws]);
    // Passwords come from the host's secret lookup (SecretStorage in VS Code), never from connections.json.
    const secret = async (key: { kind: string }) => (key.kind === "database" ? pg?.password : "pw");
    tools = new Map(createReportTools({ connectionsFile: path.join(dirs.storage, "connections.json"), secret }).map((tool) => [tool.name, tool]));
    hasTex = await texAvailable(AbortSignal.timeout(10_000));
    const bin = await postgresBin();
    if (bin) {
      pg = await startPostgres(bin);
      await pg.psql("CREATE TABLE sales (region text, revenue numeric); INSERT INTO sales VALUES ('North', 1), ('South', 2), ('East', 3)");
      const connections = { databases: { sales: { kind: "postgres", host: "127.0.0.1", port: pg.port, database: "postgres", user: pg.user } } };
      await fs.writeFile(path.join(dirs.storage, "connections.json"), JSON.stringify(connections), { mode: 0o600 });
    }
  });

  after(async () => {
    await pg?.stop();
    if (base) await fs.rm(base, { recursive: true, force: true });
  });

  const context = (): ToolContext => ({ roots, signal: AbortSignal.timeout(30_000), files: new CliFileWriter(), commands: { run: () => Promise.reject(new Error("no commands here")) } });

  for (const row of ROWS) {
    it(row.name, async function () {
      if (row.needs === "tex") requireOrSkip(this, hasTex ? undefined : "pdflatex is not installed", "run test/e2e/setup (it installs texlive-latex-base and texlive-latex-recommended)");
      if (row.needs === "postgres") requireOrSkip(this, pg ? undefined : "PostgreSQL's server binaries are not installed", "run test/e2e/setup (it installs postgresql)");
      const tool = tools.get(row.tool)!;
      const args = typeof row.args === "function" ? row.args(dirs) : row.args;
      if (row.gate) {
        const gate = createPermissionGate({ profile: row.profile ?? "full", ...(row.overrides ? { toolOverrides: row.overrides } : {}), rules: { allow: [], deny: [] }, trusted: true, headless: false, roots });
        const check = await gate.check(tool, args, AbortSignal.timeout(10_000));
        assert.equal(check.decision, row.gate, check.reasons.join("; "));
        if (row.tool === "send_email" && check.decision === "ask") assert.deepEqual(check.request.message?.to, args.to, "the card shows the whole message");
      }
      if (row.refuses || row.check) {
        const outcome = await tool.run(args, context());
        if (row.refuses) {
          assert.equal(outcome.ok, false, outcome.observation);
          assert.match(outcome.observation, row.refuses);
        }
        assert.ok(!outcome.observation.includes(SECRET), "no secret in the observation");
        await row.check?.(dirs, outcome);
      }
    });
  }

  it("email: plain-text SMTP to a remote host is refused before connecting (CWE-319)", async () => {
    await fs.writeFile(path.join(dirs.storage, "connections.json"), JSON.stringify({ databases: {}, smtp: { host: "mail.example.com", port: 25, security: "none", from: "p@example.com" } }), { mode: 0o600 });
    const outcome = await tools.get("send_email")!.run({ to: ["a@example.com"], subject: "s", body: "b" }, context());
    assert.equal(outcome.ok, false);
    assert.match(outcome.observation, /plain-text SMTP to mail\.example\.com/);
  });

  it("email: a server that strips STARTTLS gets neither the password nor the message (STARTTLS downgrade)", async () => {
    let mailFrom = 0;
    const server = new SMTPServer({ hideSTARTTLS: true, authOptional: true, onMailFrom: (_a, _s, cb) => void (mailFrom++, cb()), onAuth: (_a, _s, cb) => cb(new Error("no")), logger: false });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.server.address() as { port: number }).port;
      await fs.writeFile(path.join(dirs.storage, "connections.json"), JSON.stringify({ databases: {}, smtp: { host: "127.0.0.1", port, security: "starttls", from: "p@example.com", user: "u" } }), { mode: 0o600 });
      const outcome = await tools.get("send_email")!.run({ to: ["a@example.com"], subject: "s", body: "b" }, context());
      assert.equal(outcome.ok, false);
      assert.match(outcome.observation, /nothing was sent/);
      assert.equal(mailFrom, 0);
    } finally {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    }
  });

  it("email: `pincer run --approve auto` approves other asks but never sends an email nobody read", async () => {
    const gate = createPermissionGate({ profile: "full", rules: { allow: [], deny: [] }, trusted: true, headless: false, roots });
    const check = await gate.check(tools.get("send_email")!, { to: "a@example.com", subject: "s", body: "b" }, AbortSignal.timeout(10_000));
    assert.equal(check.decision, "ask");
    assert.equal(await policyApprover("auto").request(check.request, AbortSignal.timeout(5000)), "deny");
    assert.equal(await policyApprover("auto").request({ tool: "run_command", summary: "run", command: "echo", reasons: [] }, AbortSignal.timeout(5000)), "approve");
  });

  it("email: invisible characters in the message are shown as escapes on the card (Trojan Source, CVE-2021-42574 class)", async () => {
    const gate = createPermissionGate({ profile: "full", rules: { allow: [], deny: [] }, trusted: true, headless: false, roots });
    const check = await gate.check(tools.get("send_email")!, { to: "finance@example.com", subject: "Q3", body: "Pay \u202Eyrev\u202C 100 EUR" }, AbortSignal.timeout(10_000));
    assert.equal(check.decision, "ask");
    assert.equal(check.request.message?.body, "Pay <U+202E>yrev<U+202C> 100 EUR");
    assert.ok(check.reasons.some((r) => /2 invisible Unicode character/.test(r)), check.reasons.join("; "));
  });

  it("connections: a password left in connections.json is refused (secrets belong in SecretStorage or the environment, CWE-256)", async () => {
    const file = path.join(dirs.storage, "with-password.json");
    await fs.writeFile(file, JSON.stringify({ databases: {}, smtp: { host: "127.0.0.1", port: 25, security: "starttls", from: "p@example.com", user: "u", password: "pw" } }), { mode: 0o600 });
    await assert.rejects(loadConnections(file, async () => false, AbortSignal.timeout(5000)), /has a password \(smtp\); remove it/);
  });

  it("connections: a file others can read is refused (it names servers and accounts)", async () => {
    const file = path.join(dirs.storage, "loose.json");
    await fs.writeFile(file, "{}", { mode: 0o644 });
    await fs.chmod(file, 0o644);
    await assert.rejects(loadConnections(file, async () => false, AbortSignal.timeout(5000)), /others can read it/);
  });

  it("connections: a file inside a workspace folder is not read (the agent could write it)", async () => {
    const file = path.join(dirs.ws, "connections.json");
    await fs.writeFile(file, "{}", { mode: 0o600 });
    await assert.rejects(loadConnections(file, async (f) => (await roots.rootContaining(f)) !== undefined, AbortSignal.timeout(5000)), /inside a workspace folder/);
  });
});
