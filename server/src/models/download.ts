// Downloads a model the user asked for: progress, resume of a partial file, and sha256 verification
// against a pinned hash or the one the hub publishes. This is the only code that opens the network,
// and it does so inside an egress permit that closes when the download ends.
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { downloadFile } from "../engine/downloader";
import { inspectModelFile } from "../engine/model-check";
import { writeFileAtomic, readJsonFile } from "../platform/atomic-fs";
import { withEgress } from "../platform/egress-guard";
import type { DownloadModelResult } from "../protocol";
import { downloadTarget, downloadUrl, type ModelSpec } from "./model-spec";

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
}

export interface DownloadOptions {
  spec: Extract<ModelSpec, { kind: "remote" }>;
  modelsDir: string;
  /** Expected sha256 in hex; when absent the hub's published hash is used if it has one. */
  sha256?: string;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Overridable for tests that serve a model over loopback. */
  fetchHubSha256?: (url: string, signal?: AbortSignal) => Promise<string | undefined>;
}

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

interface Receipt {
  uri: string;
  sha256: string;
  verified: DownloadModelResult["verified"];
  downloadedAt: string;
}

export function receiptPath(modelPath: string): string {
  return `${modelPath}.pincer.json`;
}

export async function downloadModel(options: DownloadOptions): Promise<DownloadModelResult> {
  const { spec, modelsDir, signal } = options;
  const target = downloadTarget(spec, modelsDir);
  const existing = await readJsonFile<Receipt>(receiptPath(target));
  if (existing && existing.uri === spec.uri && (await fileExists(target))) {
    return { path: target, sha256: existing.sha256, verified: existing.verified };
  }
  await fs.mkdir(modelsDir, { recursive: true });

  const url = downloadUrl(spec);
  const expected = await withEgress(`download ${spec.uri}`, async () => {
    const pinned = options.sha256?.toLowerCase();
    const hub = pinned ? undefined : await (options.fetchHubSha256 ?? hubSha256)(url, signal).catch(() => undefined);
    try {
      await downloadFile({
        url,
        dirPath: modelsDir,
        fileName: path.basename(target),
        signal,
        onProgress: (downloadedBytes, totalBytes) => options.onProgress?.({ downloadedBytes, totalBytes }),
      });
    } catch (error) {
      if (signal?.aborted) throw new DownloadError(`Download of ${spec.uri} was cancelled; starting it again resumes where it stopped.`);
      throw new DownloadError(`Download of ${spec.uri} failed: ${(error as Error).message}`);
    }
    return pinned ? { hash: pinned, source: "pinned" as const } : hub ? { hash: hub, source: "hub" as const } : undefined;
  });

  const actual = await sha256File(target, signal);
  if (expected && actual !== expected.hash) {
    await fs.rm(target, { force: true });
    throw new DownloadError(
      `${path.basename(target)} failed verification: sha256 ${actual} does not match the expected ${expected.hash} (${expected.source}); the file was deleted.`,
    );
  }
  await inspectModelFile(target).catch(async (error: Error) => {
    await fs.rm(target, { force: true });
    throw new DownloadError(`${path.basename(target)} was downloaded but is not a usable model: ${error.message}`);
  });
  const receipt: Receipt = { uri: spec.uri, sha256: actual, verified: expected?.source ?? "unverified", downloadedAt: new Date().toISOString() };
  await writeFileAtomic(receiptPath(target), JSON.stringify(receipt, null, 2));
  return { path: target, sha256: actual, verified: receipt.verified };
}

/**
 * Hugging Face answers a HEAD on a /resolve/ URL with the LFS object's sha256 in X-Linked-Etag
 * (before the redirect to the CDN), so the hash comes from the hub, not from the bytes we got.
 */
export async function hubSha256(url: string, signal?: AbortSignal): Promise<string | undefined> {
  if (!url.startsWith("https://huggingface.co/")) return undefined;
  const response = await fetch(url, { method: "HEAD", redirect: "manual", signal });
  const etag = response.headers.get("x-linked-etag") ?? response.headers.get("etag") ?? "";
  const hash = etag.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
}

export async function sha256File(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath, { signal })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function fileExists(filePath: string): Promise<boolean> {
  return fs.stat(filePath).then((s) => s.isFile(), () => false);
}
