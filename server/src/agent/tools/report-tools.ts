// From question to delivered report: query_database and database_schema (SQLite files in the workspace,
// PostgreSQL connections the person configured), render_chart (Vega-Lite → PNG/SVG), render_document
// (LaTeX template or Markdown → PDF) and send_email. The domain work is in server/src/report; here are the
// arguments, confinement of every workspace path (resolvePath + openConfined: real paths, symlinks resolved)
// and what the gate sees before a call runs: a write query is an "edit" that always asks, and a message
// is a "send" shown in full on its approval card.
import path from "node:path";
import { writeFileConfined } from "../../platform/confined-fs";
import { renderChart } from "../../report/chart-render";
import { loadConnections, type Connections, type PostgresConnection, type WithPassword } from "../../report/connections";
import { checkMessage, EmailError, sendEmail } from "../../report/email-send";
import { escapeLatex, renderLatex, type TexAsset } from "../../report/latex-render";
import { renderMarkdownPdf } from "../../report/markdown-pdf";
import { postgresSchema, queryPostgres } from "../../report/postgres-database";
import { resultText } from "../../report/query-table";
import { secretEnvVar, type SecretLookup } from "../../report/secrets";
import { querySqlite, sqliteSchema } from "../../report/sqlite-database";
import type { ToolContext, ToolDefinition, ToolOutcome, ToolTargets } from "../tool-types";
import { displayPath, failure, guarded, optionalBool, optionalString, PATH_CHARS, readResolved, resolvePath, stringArg, ToolArgumentError } from "./tool-support";

/** Where the templates of render_document live, inside the workspace. */
export const TEMPLATES_DIR = ".pincer/templates";
const MAX_ASSET_BYTES = 20 * 1024 * 1024;
const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
// Short arguments declare their caps, so the answer budget (planner/action-schema.ts) leaves the content
// (SQL, spec, template values, the body) most of its room; arrays cost one slot per item, hence few items and
// addresses as one comma-separated string.
const CONNECTION_CHARS = 64;
const TEMPLATE_CHARS = 100;
const TO_CHARS = 200;
const CC_CHARS = 120;
const SUBJECT_CHARS = 120;
/** A chart bigger than this is not previewed in the chat (the transcript keeps the data URL). */
const MAX_PREVIEW_BYTES = 1024 * 1024;
const WRITE_ASKS = "a statement run with write: true changes the database: it always asks";

export interface ReportToolsOptions {
  /** The person's connections file (report/connections.ts), outside every workspace folder. */
  connectionsFile: string;
  /** Passwords: VS Code's SecretStorage through the client, or the environment for `pincer run`; absent: none. */
  secret?: SecretLookup;
}

function stringList(args: Record<string, unknown>, name: string): string[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== "string")) throw new ToolArgumentError(`"${name}" must be a list of strings`);
  return list as string[];
}

/** Addresses as one comma-separated string (what the schema asks for) or a list. */
function addresses(args: Record<string, unknown>, name: string): string[] {
  return stringList(args, name)
    .flatMap((item) => item.split(","))
    .map((address) => address.trim())
    .filter((address) => address !== "");
}


type Source = { kind: "file"; file: string } | { kind: "connection"; name: string };

function sourceOf(args: Record<string, unknown>): Source {
  const file = optionalString(args, "file");
  const connection = optionalString(args, "connection");
  if ((file === undefined) === (connection === undefined)) throw new ToolArgumentError('give either "file" (an SQLite file in the workspace) or "connection" (a configured database)');
  return file !== undefined ? { kind: "file", file } : { kind: "connection", name: connection! };
}

async function connections(options: ReportToolsOptions, context: ToolContext): Promise<Connections> {
  return loadConnections(options.connectionsFile, async (file) => (await context.roots.rootContaining(file)) !== undefined, context.signal);
}

async function configured(options: ReportToolsOptions, context: ToolContext, name: string): Promise<WithPassword<PostgresConnection>> {
  const all = await connections(options, context);
  const connection = all.databases[name];
  if (!connection) {
    const known = Object.keys(all.databases);
    throw new ToolArgumentError(`no database connection named ${JSON.stringify(name)}${known.length > 0 ? `; configured: ${known.join(", ")}` : "; the person configures them in Pincer's connections.json"}`);
  }
  if (connection.kind !== "postgres") throw new ToolArgumentError(`connection ${name}: unknown kind ${JSON.stringify(connection.kind)}`);
  // No password kept is not an error: a server may trust this user (peer, trust or certificate authentication).
  const password = await options.secret?.({ kind: "database", name, user: connection.user }, context.signal);
  return password !== undefined ? { ...connection, password } : connection;
}

export function queryDatabaseTool(options: ReportToolsOptions): ToolDefinition {
  return {
    name: "query_database",
    description: "Run one SQL statement on an SQLite file or a configured database; read-only unless write: true (asks).",
    parameters: {
      type: "object",
      properties: { file: { type: "string", maxLength: PATH_CHARS }, connection: { type: "string", maxLength: CONNECTION_CHARS }, sql: { type: "string" }, write: { type: "boolean" } },
      required: ["sql"],
    },
    effect: "read",
    targets: (args): ToolTargets => {
      const source = sourceOf(args);
      const paths = source.kind === "file" ? [source.file] : [];
      return optionalBool(args, "write") === true ? { paths, effect: "edit", alwaysAsk: WRITE_ASKS } : { paths };
    },
    run: (args, context) =>
      guarded(async () => {
        const source = sourceOf(args);
        const sql = stringArg(args, "sql");
        const write = optionalBool(args, "write") === true;
        if (source.kind === "file") {
          const file = await resolvePath(context, source.file, { write });
          if (!file.exists) throw new ToolArgumentError(`${source.file} does not exist`);
          const result = await querySqlite(file.path, sql, { write, signal: context.signal });
          return { ok: true, observation: resultText(displayPath(file), result), ...(write ? { changedPaths: [displayPath(file)] } : {}), details: { rows: result.rowCount, columns: result.columns } };
        }
        const result = await queryPostgres(source.name, await configured(options, context, source.name), sql, { write, signal: context.signal });
        return { ok: true, observation: resultText(source.name, result), details: { rows: result.rowCount, columns: result.columns } };
      }),
  };
}

export function databaseSchemaTool(options: ReportToolsOptions): ToolDefinition {
  return {
    name: "database_schema",
    description: "List the tables and columns of an SQLite file or a configured database.",
    parameters: { type: "object", properties: { file: { type: "string", maxLength: PATH_CHARS }, connection: { type: "string", maxLength: CONNECTION_CHARS } } },
    effect: "read",
    targets: (args) => {
      const source = sourceOf(args);
      return { paths: source.kind === "file" ? [source.file] : [] };
    },
    run: (args, context) =>
      guarded(async () => {
        const source = sourceOf(args);
        if (source.kind === "file") {
          const file = await resolvePath(context, source.file);
          if (!file.exists) throw new ToolArgumentError(`${source.file} does not exist`);
          return { ok: true, observation: resultText(displayPath(file), await sqliteSchema(file.path, context.signal)) };
        }
        return { ok: true, observation: resultText(source.name, await postgresSchema(source.name, await configured(options, context, source.name), context.signal)) };
      }),
  };
}

export function renderChartTool(): ToolDefinition {
  return {
    name: "render_chart",
    description: "Render a Vega-Lite JSON spec (data inline as values) to a PNG or SVG file in the workspace.",
    parameters: { type: "object", properties: { spec: { type: "string", description: "Vega-Lite JSON" }, output: { type: "string", description: "e.g. charts/revenue.png", maxLength: PATH_CHARS } }, required: ["spec", "output"] },
    effect: "edit",
    targets: (args) => ({ paths: [stringArg(args, "output")] }),
    run: (args, context) =>
      guarded(async () => {
        const output = stringArg(args, "output");
        const ext = path.extname(output).toLowerCase();
        if (ext !== ".png" && ext !== ".svg") throw new ToolArgumentError("output must end in .png or .svg");
        const file = await resolvePath(context, output, { forWrite: true, write: true });
        const chart = await renderChart(stringArg(args, "spec"), { signal: context.signal });
        await writeFileConfined(file.path, ext === ".png" ? chart.png : chart.svg, { mode: 0o644 });
        return {
          ok: true,
          observation: `wrote ${displayPath(file)} (${chart.width}×${chart.height} px)`,
          changedPaths: [displayPath(file)],
          // The chat shows the chart from this PNG (a data: URL; the webview loads no file and nothing remote).
          details: { image: displayPath(file), width: chart.width, height: chart.height, ...(chart.png.byteLength <= MAX_PREVIEW_BYTES ? { preview: `data:image/png;base64,${Buffer.from(chart.png).toString("base64")}` } : {}) },
        };
      }),
  };
}

/** `{{key}}` → the value escaped for the format; `{{{key}}}` → the value as it is (LaTeX or Markdown source). */
export function fillTemplate(template: string, values: Record<string, string>, format: "latex" | "markdown"): string {
  const escape = format === "latex" ? escapeLatex : (text: string) => text;
  const missing = new Set<string>();
  const filled = template.replace(/\{\{\{\s*([\w.-]+)\s*\}\}\}|\{\{\s*([\w.-]+)\s*\}\}/g, (_m, raw?: string, escaped?: string) => {
    const key = (raw ?? escaped)!;
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return "";
    }
    return raw !== undefined ? value : escape(value);
  });
  if (missing.size > 0) throw new ToolArgumentError(`the template needs values for: ${[...missing].join(", ")}`);
  return filled;
}

function valuesArg(args: Record<string, unknown>): Record<string, string> {
  const text = optionalString(args, "values");
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ToolArgumentError('"values" must be a JSON object of strings');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ToolArgumentError('"values" must be a JSON object of strings');
  return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
}

export function renderDocumentTool(): ToolDefinition {
  return {
    name: "render_document",
    description: `Render a PDF from a template in ${TEMPLATES_DIR} (or LaTeX/Markdown source) with values; files: workspace images it uses.`,
    parameters: {
      type: "object",
      properties: {
        output: { type: "string", description: "e.g. reports/q3.pdf", maxLength: PATH_CHARS },
        template: { type: "string", description: `a file name in ${TEMPLATES_DIR}, .tex or .md`, maxLength: TEMPLATE_CHARS },
        source: { type: "string", description: "LaTeX or Markdown text instead of a template" },
        format: { type: "string", enum: ["latex", "markdown"] },
        values: { type: "string", description: "JSON object filling {{name}} (escaped) and {{{name}}} (as is)" },
        files: { type: "array", items: { type: "string", maxLength: PATH_CHARS }, maxItems: 4 },
      },
      required: ["output"],
    },
    effect: "edit",
    targets: (args) => ({ paths: [stringArg(args, "output"), ...stringList(args, "files")] }),
    run: (args, context) =>
      guarded(async () => {
        const output = stringArg(args, "output");
        if (path.extname(output).toLowerCase() !== ".pdf") throw new ToolArgumentError("output must end in .pdf");
        const templateName = optionalString(args, "template");
        let source = optionalString(args, "source");
        if ((templateName === undefined) === (source === undefined)) throw new ToolArgumentError('give either "template" or "source"');
        let format = optionalString(args, "format") as "latex" | "markdown" | undefined;
        if (templateName !== undefined) {
          if (/[\\/]/.test(templateName) || templateName.startsWith(".")) throw new ToolArgumentError(`"template" is a file name inside ${TEMPLATES_DIR}`);
          const template = await resolvePath(context, `${TEMPLATES_DIR}/${templateName}`);
          if (!template.exists) throw new ToolArgumentError(`no template ${templateName} in ${TEMPLATES_DIR}`);
          source = (await readResolved(template, MAX_ASSET_BYTES)).toString("utf8");
          format ??= /\.md$/i.test(templateName) ? "markdown" : "latex";
        }
        format ??= "latex";
        if (format !== "latex" && format !== "markdown") throw new ToolArgumentError('"format" is "latex" or "markdown"');
        const text = fillTemplate(source!, valuesArg(args), format);
        const assets: TexAsset[] = [];
        for (const requested of stringList(args, "files")) {
          const file = await resolvePath(context, requested);
          if (!file.exists) throw new ToolArgumentError(`${requested} does not exist`);
          assets.push({ name: displayPath(file), bytes: await readResolved(file, MAX_ASSET_BYTES) });
        }
        const target = await resolvePath(context, output, { forWrite: true, write: true });
        const pdf =
          format === "latex"
            ? await renderLatex(text, assets, { signal: context.signal })
            : await renderMarkdownPdf(text, new Map(assets.map((asset) => [asset.name, asset.bytes])), { signal: context.signal });
        await writeFileConfined(target.path, pdf, { mode: 0o644 });
        return { ok: true, observation: `wrote ${displayPath(target)} (${format === "latex" ? "LaTeX" : "Markdown"}, ${Math.round(pdf.byteLength / 1024)} KB)`, changedPaths: [displayPath(target)], details: { document: displayPath(target) } };
      }),
  };
}

export function sendEmailTool(options: ReportToolsOptions): ToolDefinition {
  return {
    name: "send_email",
    description: "Email workspace files through the configured mail server; the person always approves the full message.",
    parameters: {
      type: "object",
      properties: {
        to: { type: "string", description: "addresses, comma-separated", maxLength: TO_CHARS },
        cc: { type: "string", description: "addresses, comma-separated", maxLength: CC_CHARS },
        subject: { type: "string", maxLength: SUBJECT_CHARS },
        body: { type: "string" },
        attachments: { type: "array", items: { type: "string", maxLength: PATH_CHARS }, maxItems: 2 },
      },
      required: ["to", "subject", "body"],
    },
    effect: "send",
    targets: (args) => {
      const attachments = stringList(args, "attachments");
      return {
        paths: attachments,
        effect: "send",
        message: { to: addresses(args, "to"), cc: addresses(args, "cc"), subject: stringArg(args, "subject"), body: stringArg(args, "body"), attachments },
      };
    },
    run: (args, context) =>
      guarded(async () => {
        const attachments = [];
        for (const requested of stringList(args, "attachments")) {
          const file = await resolvePath(context, requested);
          if (!file.exists) throw new ToolArgumentError(`${requested} does not exist; nothing was sent`);
          attachments.push({ filename: path.basename(file.path), content: await readResolved(file, MAX_ATTACHMENT_BYTES) });
        }
        const message = { to: addresses(args, "to"), cc: addresses(args, "cc"), subject: stringArg(args, "subject"), body: stringArg(args, "body"), attachments };
        checkMessage(message);
        const smtp = (await connections(options, context)).smtp;
        if (!smtp) throw new EmailError("no mail server is configured (smtp in Pincer's connections.json); nothing was sent");
        let password: string | undefined;
        if (smtp.user !== undefined) {
          password = await options.secret?.({ kind: "smtp", name: smtp.host, user: smtp.user }, context.signal);
          if (password === undefined) throw new EmailError(`no password for ${smtp.user} at ${smtp.host} (VS Code keeps it in its secret storage and asks on first use; \`pincer run\` reads ${secretEnvVar({ kind: "smtp", name: smtp.host })}); nothing was sent`);
        }
        const sent = await sendEmail(password !== undefined ? { ...smtp, password } : smtp, message, context.signal);
        const rejected = sent.rejected.length > 0 ? `; the server refused ${sent.rejected.join(", ")}` : "";
        return { ok: sent.accepted.length > 0, observation: `sent to ${sent.accepted.join(", ") || "nobody"}${rejected} (message ${sent.messageId})`, details: { messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected } };
      }),
  };
}

export function createReportTools(options: ReportToolsOptions): ToolDefinition[] {
  return [queryDatabaseTool(options), databaseSchemaTool(options), renderChartTool(), renderDocumentTool(), sendEmailTool(options)];
}
