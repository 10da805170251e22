// The report chain of issue 18 end to end over a real LSP connection: the scripted model (PINCER_AGENT_SCRIPT)
// asks for the steps; everything else is real — an SQLite file in the workspace, a PostgreSQL server on a
// private port (when Debian's postgresql is installed), Vega-Lite and sharp for the chart, pdflatex for the
// report, and an SMTP server on loopback with STARTTLS (npm smtp-server) that receives the message. The
// approval of the email and its password (SecretStorage in VS Code) are answered over LSP, as the client does.
import { requireOrSkip } from "../support/test-model";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import initSqlJs from "sql.js";
import {
  AgentApproveRequest,
  AgentEventNotification,
  AgentRunRequest,
  ReportSecretRequest,
  type AgentApproveParams,
  type AgentEvent,
  type AgentEventParams,
  type AgentRunResult,
  type ReportSecretParams,
} from "../../server/src/protocol";
import { openPdf } from "../../server/src/ocr/pdf-input";
import { texAvailable } from "../../server/src/report/latex-render";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { closedPort, postgresBin, startPostgres, startSmtp, type TestPostgres, type TestSmtp } from "../support/report-servers";

const plan = (...steps: string[]) => ({ plan: steps });
const call = (tool: string, args: Record<string, unknown>, thought = `use ${tool}`) => ({ thought, tool, args });
const finish = call("finish", { summary: "report sent", verified: "the query, the chart, the PDF and the send each succeeded" });

const TEMPLATE = String.raw`\documentclass{article}
\usepackage{graphicx}
\begin{document}
\section*{Sales report {{quarter}}}
\begin{tabular}{lrr}
Region & Revenue & Target \\
{{{rows}}}
\end{tabular}

Total revenue: {{total}}

\includegraphics[width=0.7\textwidth]{reports/revenue.png}
\end{document}
`;

// Q3 per region, and a Q2 row per region the query must leave out.
const SALES: [string, string, number][] = [
  ["2026-Q3", "North", 15200],
  ["2026-Q3", "South", 9800],
  ["2026-Q3", "East", 22100],
  ["2026-Q2", "North", 1111],
  ["2026-Q2", "South", 2222],
  ["2026-Q2", "East", 3333],
];
const TARGETS: Record<string, number> = { North: 14000, South: 12000, East: 20000 };
const SMTP_USER = { user: "reports", pass: "smtp-secret-from-secret-storage" };

async function pdfText(file: string): Promise<string> {
  const document = await openPdf(new Uint8Array(await fs.readFile(file)));
  try {
    const parts: string[] = [];
    for (let page = 1; page <= document.numPages; page++) {
      const content = await (await document.getPage(page)).getTextContent();
      for (const item of content.items) if ("str" in item) parts.push(item.str);
    }
    return parts.join(" ");
  } finally {
    await document.destroy();
  }
}

describe("report chain over LSP: query, chart, PDF, approved email", function () {
  this.timeout(120_000);
  let server: TestServer;
  let tempDir: string;
  let workspace: string;
  let storage: string;
  let scriptFile: string;
  let smtp: TestSmtp;
  let pg: TestPostgres | undefined;
  let hasTex = false;
  let runs = 0;
  const approvals: AgentApproveParams[] = [];
  const secretsAsked: ReportSecretParams[] = [];
  const events: AgentEvent[] = [];

  async function run(script: unknown[]): Promise<AgentRunResult> {
    await fs.writeFile(scriptFile, JSON.stringify(script));
    events.length = 0;
    approvals.length = 0;
    return server.connection.sendRequest(AgentRunRequest, { id: `report-${++runs}`, request: "Quarterly report: query sales for 2026-Q3, chart revenue by region, render the report from the template, email it to finance@example.com" });
  }

  const observations = () => events.filter((e): e is Extract<AgentEvent, { type: "observation" }> => e.type === "observation");

  async function writeConnections(smtpPort: number): Promise<void> {
    const connections = {
      databases: pg ? { warehouse: { kind: "postgres", host: "127.0.0.1", port: pg.port, database: "postgres", user: pg.user } } : {},
      smtp: { host: "127.0.0.1", port: smtpPort, security: "starttls", from: "pincer@example.com", user: SMTP_USER.user, ca: smtp.cert },
    };
    await fs.writeFile(path.join(storage, "connections.json"), JSON.stringify(connections), { mode: 0o600 });
  }

  before(async () => {
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-report-lsp-")));
    workspace = path.join(tempDir, "ws");
    storage = path.join(tempDir, "storage");
    scriptFile = path.join(tempDir, "script.json");
    await fs.mkdir(path.join(workspace, ".pincer", "templates"), { recursive: true });
    await fs.mkdir(storage, { mode: 0o700 });
    await fs.writeFile(path.join(workspace, ".pincer", "templates", "report.tex"), TEMPLATE);
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run("CREATE TABLE sales (quarter TEXT, region TEXT, revenue INTEGER)");
    for (const row of SALES) db.run("INSERT INTO sales VALUES (?, ?, ?)", row);
    await fs.writeFile(path.join(workspace, "sales.sqlite"), db.export());
    db.close();

    hasTex = await texAvailable(AbortSignal.timeout(10_000));
    const bin = await postgresBin();
    if (bin) {
      pg = await startPostgres(bin);
      await pg.psql(`CREATE TABLE targets (region text, target integer); INSERT INTO targets VALUES ${Object.entries(TARGETS).map(([r, t]) => `('${r}', ${t})`).join(", ")}`);
    } else {
      console.log("    (PostgreSQL is not installed: the chain runs without its PostgreSQL step; test/e2e/setup installs it)");
    }
    smtp = await startSmtp(tempDir, SMTP_USER);
    await writeConnections(smtp.port);

    server = await startTestServer({
      settings: { agent: { maxSteps: 12, maxTokens: 200_000, maxWallSeconds: 100, profile: "edit", toolPermissions: {}, sandbox: "auto" } },
      env: { PINCER_CACHE_DIR: storage, PINCER_AGENT_SCRIPT: scriptFile },
      workspaceFolders: [workspace],
    });
    server.connection.onRequest(AgentApproveRequest, (params: AgentApproveParams) => {
      approvals.push(params);
      return { answer: "approve" };
    });
    // VS Code's side: the password from SecretStorage.
    server.connection.onRequest(ReportSecretRequest, (params: ReportSecretParams) => {
      secretsAsked.push(params);
      return params.kind === "smtp" ? { value: SMTP_USER.pass } : { value: pg?.password };
    });
    server.connection.onNotification(AgentEventNotification, (params: AgentEventParams) => void events.push(params.event));
    await server.waitForLog(/Pincer server/);
  });

  after(async () => {
    await server?.stop();
    await smtp?.close();
    await pg?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("queries SQLite (and PostgreSQL), charts it, renders the PDF and sends it after the approval that showed the whole message", async function () {
    requireOrSkip(this, hasTex ? undefined : "pdflatex is not installed", "run test/e2e/setup (it installs texlive-latex-base and texlive-latex-recommended)");
    const rows = SALES.filter(([q]) => q === "2026-Q3");
    const total = rows.reduce((sum, [, , revenue]) => sum + revenue, 0);
    const spec = { $schema: "https://vega.github.io/schema/vega-lite/v5.json", data: { values: rows.map(([, region, revenue]) => ({ region, revenue })) }, mark: "bar", encoding: { x: { field: "region", type: "nominal" }, y: { field: "revenue", type: "quantitative" } } };
    const body = `Hello finance,\n\nthe 2026-Q3 sales report is attached. Total revenue: ${total}.\n\nPincer`;
    const script = [
      plan("schema", "query", "chart", "render", "email"),
      call("database_schema", { file: "sales.sqlite" }),
      call("query_database", { file: "sales.sqlite", sql: "SELECT region, SUM(revenue) AS revenue FROM sales WHERE quarter = '2026-Q3' GROUP BY region ORDER BY region" }),
      ...(pg ? [call("query_database", { connection: "warehouse", sql: "SELECT region, target FROM targets ORDER BY region" })] : []),
      call("render_chart", { spec: JSON.stringify(spec), output: "reports/revenue.png" }),
      call("render_document", {
        template: "report.tex",
        output: "reports/q3.pdf",
        values: JSON.stringify({ quarter: "2026-Q3", total: String(total), rows: rows.map(([, region, revenue]) => `${region} & ${revenue} & ${TARGETS[region]} \\\\`).join("\n") }),
        files: ["reports/revenue.png"],
      }),
      call("send_email", { to: "finance@example.com", cc: "boss@example.com", subject: "Sales report 2026-Q3", body, attachments: ["reports/q3.pdf"] }),
      finish,
    ];
    const received = smtp.next();
    const started = Date.now();
    const result = await run(script);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.status, "finished", JSON.stringify(result));
    const seen = observations();
    assert.ok(seen.every((o) => o.ok), seen.map((o) => o.text).join("\n---\n"));

    // The query's numbers reach the model as data (and would drive the report).
    const sqliteRows = seen[1]!.text;
    for (const [, region, revenue] of rows) assert.match(sqliteRows, new RegExp(`${region}.*${revenue}`));
    assert.doesNotMatch(sqliteRows, /1111/, "the Q2 rows are filtered out");
    if (pg) for (const [region, target] of Object.entries(TARGETS)) assert.match(seen[2]!.text, new RegExp(`${region}.*${target}`));

    // The chart: a PNG in the workspace and its preview for the chat.
    const png = await fs.readFile(path.join(workspace, "reports", "revenue.png"));
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const chart = seen.find((o) => o.details?.image === "reports/revenue.png");
    assert.equal(chart?.details?.preview, `data:image/png;base64,${png.toString("base64")}`, "the chat gets the chart as a data: URL");

    // The PDF: its text layer holds the numbers from the query.
    const pdf = path.join(workspace, "reports", "q3.pdf");
    const text = await pdfText(pdf);
    assert.match(text, /Sales report 2026-Q3/);
    for (const [, region, revenue] of rows) assert.ok(text.includes(region) && text.includes(String(revenue)), `${region} ${revenue} in: ${text}`);
    assert.ok(text.includes(String(total)), `total ${total} in: ${text}`);
    assert.ok(seen.some((o) => o.details?.document === "reports/q3.pdf"), "the client is told which PDF to offer to open");

    // Only the email asked, and its card showed the whole message with the attachment's size.
    assert.deepEqual(approvals.map((a) => a.request.tool), ["send_email"]);
    const shown = approvals[0]!.request.message!;
    assert.deepEqual(shown, { to: ["finance@example.com"], cc: ["boss@example.com"], subject: "Sales report 2026-Q3", body, attachments: [{ path: "reports/q3.pdf", bytes: (await fs.stat(pdf)).size }] });
    assert.deepEqual(secretsAsked.filter((s) => s.kind === "smtp"), [{ kind: "smtp", name: "127.0.0.1", user: SMTP_USER.user }], "the SMTP password came from the client's secret storage");

    // What the server received is what the card showed, over STARTTLS, with the PDF attached.
    const mail = await received;
    assert.equal(smtp.plainSessions, 0);
    assert.equal(mail.subject, shown.subject);
    assert.equal(mail.text?.trim(), shown.body.trim());
    assert.deepEqual((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address)), shown.to);
    assert.deepEqual((Array.isArray(mail.cc) ? mail.cc : [mail.cc]).flatMap((a) => a?.value.map((v) => v.address)), shown.cc);
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0]!.filename, "q3.pdf");
    assert.equal(mail.attachments[0]!.contentType, "application/pdf");
    assert.ok(mail.attachments[0]!.content.equals(await fs.readFile(pdf)), "the attachment is the rendered PDF, byte for byte");
    console.log(`    chain: ${seen.length} tool calls in ${seconds.toFixed(1)} s (${pg ? "SQLite + PostgreSQL" : "SQLite"}, pdflatex, SMTP STARTTLS)`);
  });

  it("a bad statement, a TeX error and a refused SMTP connection are clear observations, and nothing is half-sent", async function () {
    requireOrSkip(this, hasTex ? undefined : "pdflatex is not installed", "run test/e2e/setup (it installs texlive-latex-base and texlive-latex-recommended)");
    await fs.mkdir(path.join(workspace, "reports"), { recursive: true });
    await fs.writeFile(path.join(workspace, "reports", "note.pdf"), "%PDF-1.4 a note\n");
    const messagesBefore = smtp.messages.length;
    await writeConnections(await closedPort());
    try {
      const result = await run([
        plan("query", "render", "email"),
        call("query_database", { file: "sales.sqlite", sql: "SELECT revenue FROM no_such_table" }),
        call("render_document", { source: String.raw`\documentclass{article}\begin{document}\undefinedmacro\end{document}`, format: "latex", output: "reports/broken.pdf" }),
        call("send_email", { to: "finance@example.com", subject: "Note", body: "see attached", attachments: ["reports/note.pdf"] }),
        finish,
      ]);
      assert.equal(result.status, "finished", JSON.stringify(result));
      const [query, tex, email] = observations();
      assert.ok(query && !query.ok && /no such table: no_such_table/.test(query.text), query?.text);
      assert.ok(tex && !tex.ok && /LaTeX failed/.test(tex.text) && /Undefined control sequence/.test(tex.text), tex?.text);
      await assert.rejects(fs.stat(path.join(workspace, "reports", "broken.pdf")), /ENOENT/, "no PDF from a failed run");
      assert.ok(email && !email.ok && /nothing was sent/.test(email.text), email?.text);
      assert.equal(smtp.messages.length, messagesBefore, "no message arrived");
    } finally {
      await writeConnections(smtp.port);
    }
  });
});
