// `${input:id}` in an entry's args, env values and header values, as in VS Code's mcp.json: the
// value comes from SecretStorage (VS Code, asked once) or, in a terminal, from a file only its owner
// can read. The command itself never takes an input: what runs is what the approval showed.
import { promises as fs } from "node:fs";
import path from "node:path";
import type { McpEntry, McpInputDefinition } from "./mcp-config";

/** Answers `${input:id}`; undefined when nobody gave a value. */
export type McpInputSource = (input: McpInputDefinition, signal: AbortSignal) => Promise<string | undefined>;

const REFERENCE = /\$\{input:([A-Za-z0-9_.-]{1,64})\}/g;

/** The entry with every `${input:…}` replaced; an unanswered one is an error naming it. */
export async function resolveInputs(entry: McpEntry, inputs: readonly McpInputDefinition[], source: McpInputSource, signal: AbortSignal): Promise<McpEntry> {
  const values = new Map<string, string>();
  const ids = new Set<string>();
  const texts = entry.transport === "http" ? Object.values(entry.headers) : [...entry.args, ...Object.values(entry.env)];
  for (const text of texts) for (const match of text.matchAll(REFERENCE)) ids.add(match[1]!);
  for (const id of ids) {
    const definition = inputs.find((input) => input.id === id) ?? { id, description: id, password: true };
    const value = await source(definition, signal);
    if (value === undefined) throw new Error(`no value for \${input:${id}} (${definition.description})`);
    values.set(id, value);
  }
  const fill = (text: string) => text.replace(REFERENCE, (_match, id: string) => values.get(id) ?? "");
  const fillMap = (map: Record<string, string>) => Object.fromEntries(Object.entries(map).map(([key, value]) => [key, fill(value)]));
  return entry.transport === "http" ? { ...entry, headers: fillMap(entry.headers) } : { ...entry, args: entry.args.map(fill), env: fillMap(entry.env) };
}

/** The CLI's secrets: `<cacheDir>/mcp-secrets.json` ({"id": "value"}), refused unless only its owner can read it. */
export function fileInputSource(cacheDir: string): McpInputSource & { location: string } {
  const location = path.join(cacheDir, "mcp-secrets.json");
  const source = async (input: McpInputDefinition, signal: AbortSignal): Promise<string | undefined> => {
    signal.throwIfAborted();
    const stat = await fs.lstat(location).catch(() => undefined);
    if (!stat) return undefined;
    if (!stat.isFile()) throw new Error(`${location} is not a regular file`);
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) throw new Error(`${location} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`);
    const values: unknown = JSON.parse(await fs.readFile(location, "utf8"));
    const value = typeof values === "object" && values !== null ? (values as Record<string, unknown>)[input.id] : undefined;
    return typeof value === "string" ? value : undefined;
  };
  return Object.assign(source, { location });
}
