// MCP server entries in the ecosystem's format (VS Code's mcp.json: `servers: {name: {command, args,
// env} | {type: "http", url, headers}}`, `inputs: [...]`), from the user's settings, a file named on
// the command line, and each workspace folder's `.vscode/mcp.json`. Entries are checked here; a bad
// one is kept with its problem so the list can say why it does not start.
import { promises as fs } from "node:fs";
import path from "node:path";
// The ESM build: esbuild cannot follow the UMD build's dynamic requires.
import { parse as parseJsonc, type ParseError } from "jsonc-parser/lib/esm/main.js";
import type { McpPinnedEntry, McpSource } from "../protocol/mcp";

/** A `${input:id}` definition (mcp.json `inputs`); a reference without one asks with its id, hidden. */
export interface McpInputDefinition {
  id: string;
  description: string;
  password: boolean;
}

export type McpEntry =
  | { transport: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { transport: "http"; url: string; headers: Record<string, string> };

export interface McpServerConfig {
  name: string;
  source: McpSource;
  /** The workspace folder of a workspace entry (its `.vscode/mcp.json`). */
  folder?: string;
  /** The checked entry, or the reason it is unusable. */
  entry: McpEntry | { problem: string };
  inputs: readonly McpInputDefinition[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** A workspace file larger than this is refused (it is read on every run). */
export const MCP_JSON_MAX_BYTES = 256 * 1024;

/** The servers of one mcp.json-shaped document. */
export function parseMcpDocument(document: unknown, source: McpSource, folder?: string): McpServerConfig[] {
  const record = isRecord(document) ? document : {};
  const inputs = parseInputs(record.inputs);
  const servers = isRecord(record.servers) ? record.servers : {};
  return Object.entries(servers).map(([name, value]) => ({
    name,
    source,
    ...(folder !== undefined ? { folder } : {}),
    entry: NAME.test(name) ? checkEntry(value) : { problem: `the name ${JSON.stringify(name.slice(0, 80))} is not 1–64 letters, digits, "_", "." or "-"` },
    inputs,
  }));
}

/** Reads `<folder>/.vscode/mcp.json` (JSON with comments); none ⇒ no servers, unreadable ⇒ one entry with the problem. */
export async function readWorkspaceMcpJson(folder: string, signal: AbortSignal): Promise<McpServerConfig[]> {
  signal.throwIfAborted();
  const file = path.join(folder, ".vscode", "mcp.json");
  const stat = await fs.lstat(file).catch(() => undefined);
  if (!stat) return [];
  const broken = (problem: string): McpServerConfig[] => [{ name: ".vscode/mcp.json", source: "workspace", folder, entry: { problem }, inputs: [] }];
  if (!stat.isFile()) return broken("not a regular file (a link or folder is not read)");
  if (stat.size > MCP_JSON_MAX_BYTES) return broken(`larger than ${MCP_JSON_MAX_BYTES} bytes`);
  return parseMcpText(await fs.readFile(file, "utf8"), "workspace", folder) ?? broken("not valid JSON");
}

/** An mcp.json-shaped file the person named (`pincer run --mcp-config FILE`): user entries. */
export async function readMcpConfigFile(file: string, signal: AbortSignal): Promise<McpServerConfig[]> {
  signal.throwIfAborted();
  const text = await fs.readFile(file, "utf8");
  const parsed = parseMcpText(text, "user");
  if (!parsed) throw new Error(`${file} is not valid JSON (mcp.json shape: {"servers": {...}}).`);
  return parsed;
}

function parseMcpText(text: string, source: McpSource, folder?: string): McpServerConfig[] | undefined {
  const errors: ParseError[] = [];
  const document: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  return errors.length > 0 ? undefined : parseMcpDocument(document, source, folder);
}

function checkEntry(value: unknown): McpEntry | { problem: string } {
  if (!isRecord(value)) return { problem: "the entry is not an object" };
  const type = value.type;
  if (type === "http" || type === "sse" || (type === undefined && typeof value.url === "string")) {
    if (type === "sse") return { problem: 'the "sse" transport is not supported; use "http" (Streamable HTTP)' };
    const url = typeof value.url === "string" ? value.url : "";
    const urlProblem = checkUrl(url);
    if (urlProblem) return { problem: urlProblem };
    const headers = stringMap(value.headers, HEADER_NAME, "header");
    if ("problem" in headers) return headers;
    return { transport: "http", url, headers: headers.map };
  }
  if (type !== undefined && type !== "stdio") return { problem: `unknown type ${JSON.stringify(String(type).slice(0, 40))}` };
  if (typeof value.command !== "string" || value.command.trim() === "") return { problem: 'no "command" (or "url")' };
  const args = value.args ?? [];
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) return { problem: '"args" must be a list of strings' };
  const env = stringMap(value.env, ENV_NAME, "environment variable");
  if ("problem" in env) return env;
  if (value.cwd !== undefined && typeof value.cwd !== "string") return { problem: '"cwd" must be a string' };
  return { transport: "stdio", command: value.command, args: args as string[], env: env.map, ...(typeof value.cwd === "string" ? { cwd: value.cwd } : {}) };
}

/** http only to this machine (nothing else is private); https anywhere the person names. */
function checkUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the url ${JSON.stringify(url.slice(0, 120))} is not a URL`;
  }
  if (parsed.username || parsed.password) return "the url must not carry credentials (use headers with ${input:…})";
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol === "http:" && isLoopback(parsed.hostname)) return undefined;
  return `the url must be https, or http to this machine (127.0.0.1, ::1, localhost): ${parsed.protocol}//${parsed.hostname}`;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function stringMap(value: unknown, keyPattern: RegExp, what: string): { map: Record<string, string> } | { problem: string } {
  if (value === undefined) return { map: {} };
  if (!isRecord(value)) return { problem: `${what}s must be an object of strings` };
  const map: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!keyPattern.test(key)) return { problem: `bad ${what} name ${JSON.stringify(key.slice(0, 80))}` };
    if (typeof item !== "string") return { problem: `the ${what} ${key} must be a string` };
    map[key] = item;
  }
  return { map };
}

function parseInputs(value: unknown): McpInputDefinition[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((input) =>
    typeof input.id === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(input.id)
      ? [{ id: input.id, description: typeof input.description === "string" ? input.description.slice(0, 200) : input.id, password: input.password !== false }]
      : [],
  );
}

/**
 * What an approval is pinned to: the exact command, args, cwd, environment names (values may be
 * secrets or `${input:…}` references, which are asked for, never run), URL and header names.
 */
export function pinnedEntry(name: string, entry: McpEntry): McpPinnedEntry {
  if (entry.transport === "http") return { name, transport: "http", url: entry.url, headerNames: Object.keys(entry.headers).sort() };
  return { name, transport: "stdio", command: entry.command, args: [...entry.args], envNames: Object.keys(entry.env).sort(), ...(entry.cwd !== undefined ? { cwd: entry.cwd } : {}) };
}

/** The fields of `now` that differ from the approved `before` (empty: the same entry). */
export function changedFields(before: McpPinnedEntry, now: McpPinnedEntry): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)] as (keyof McpPinnedEntry)[]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(now[key])).sort();
}

/** One line for the list and the approval card: the command line or the URL. */
export function entryTarget(entry: McpEntry): string {
  return entry.transport === "http" ? entry.url : [entry.command, ...entry.args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word))).join(" ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
