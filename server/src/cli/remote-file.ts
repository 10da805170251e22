// The CLI's remote engine consents and API keys: <config>/pincer/remote-endpoints.json, mode 0600
// (written by `pincer remote allow` / `pincer remote key`), never the settings file. An endpoint
// the settings name but this file does not is refused like an unconfirmed one in VS Code.
import { promises as fs } from "node:fs";
import path from "node:path";
import { parseEndpoint } from "../remote/endpoint";
import { RemoteEngines } from "../remote/remote-engines";
import { writeFileAtomic } from "../platform/atomic-fs";
import { settingsFilePath } from "./cli-settings";

interface RemoteFile {
  endpoints: Record<string, { url: string; apiKey?: string }>;
}

export function remoteFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(settingsFilePath(env)), "remote-endpoints.json");
}

async function read(file: string): Promise<RemoteFile> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, "utf8")) as Partial<RemoteFile>;
    return { endpoints: typeof parsed.endpoints === "object" && parsed.endpoints !== null ? parsed.endpoints : {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { endpoints: {} };
    throw error;
  }
}

async function write(file: string, data: RemoteFile): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

/** `pincer remote allow <url>`: confirm an endpoint (keeps a key already stored for it). */
export async function allowRemote(url: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const endpoint = parseEndpoint(url);
  const file = remoteFilePath(env);
  const data = await read(file);
  data.endpoints[endpoint.origin] = { ...data.endpoints[endpoint.origin], url };
  await write(file, data);
  return endpoint.origin;
}

/** `pincer remote key <url>`: store (or with an empty key remove) the API key of a confirmed endpoint. */
export async function storeRemoteKey(url: string, apiKey: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const endpoint = parseEndpoint(url);
  const file = remoteFilePath(env);
  const data = await read(file);
  const entry = { ...data.endpoints[endpoint.origin], url };
  if (apiKey) entry.apiKey = apiKey;
  else delete entry.apiKey;
  data.endpoints[endpoint.origin] = entry;
  await write(file, data);
  return endpoint.origin;
}

/** The remote engines with every endpoint the file confirms. */
export async function cliRemoteEngines(env: NodeJS.ProcessEnv = process.env): Promise<RemoteEngines> {
  const engines = new RemoteEngines();
  const data = await read(remoteFilePath(env));
  for (const entry of Object.values(data.endpoints)) engines.allow(entry.url, entry.apiKey);
  return engines;
}
