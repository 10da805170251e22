// pincer remote allow <url> | pincer remote key <url>: the CLI's way to confirm a remote engine
// and to store its API key (read from stdin, so it never shows in the process list or shell history).
import { allowRemote, remoteFilePath, storeRemoteKey } from "../remote-file";
import { EXIT_OK } from "../usage";

export async function remoteAllow(url: string): Promise<number> {
  const origin = await allowRemote(url);
  process.stdout.write(`Allowed ${origin} (kept in ${remoteFilePath()}, mode 0600).\n`);
  return EXIT_OK;
}

export async function remoteKey(url: string, signal: AbortSignal): Promise<number> {
  let key = "";
  for await (const chunk of process.stdin) {
    signal.throwIfAborted();
    key += String(chunk);
    if (key.length > 8192) break;
  }
  const origin = await storeRemoteKey(url, key.trim());
  process.stdout.write(`${key.trim() ? "Stored the API key" : "Removed the API key"} for ${origin} in ${remoteFilePath()} (mode 0600).\n`);
  return EXIT_OK;
}
