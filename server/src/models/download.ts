// Downloads a model the user asked for: progress, resume of a partial file, and sha256 verification
// against a pinned hash or the one the hub publishes. This is the only code that opens the network,
// and it does so inside an egress permit that closes when the download ends. The bytes go to
// `<model>.download` (never listed as a model) and get the model's name only once verified; a
// full disk, a cancel or a crash keeps them for the next attempt, which resumes after them.
import { PincerError } from "../platform/errors";
import { createHash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { formatBytes, inspectModelFile } from "../engine/model-check";
import { diskErrorReason, type OpenForAppend } from "../platform/durable-append";
import { writeFileAtomic, readJsonFile } from "../platform/atomic-fs";
import { withEgress } from "../platform/egress-guard";
import type { DownloadModelResult } from "../protocol";
import { ANSWER_TIMEOUT_MS, DownloadHttpError, downloadToPartial, DownloadSpaceError } from "./http-download";
import { downloadTarget, downloadUrl, hubEndpoint, type ModelSpec } from "./model-spec";

export interface DownloadProgress {
  downloadedBytes: number;
  totalBytes: number;
}

export interface DownloadOptions {
  spec: Extract<ModelSpec, { kind: "remote" }>;
  modelsDir: string;
  /** Expected sha256 in hex; when absent the hub's published hash is used if it has one. */
  sha256?: string;
  signal: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Overridable for tests that serve a model over loopback. */
  fetchHubSha256?: (url: string, signal: AbortSignal) => Promise<string | undefined>;
  /** Checks the verified file is usable before it gets its name; default: a GGUF model. */
  inspect?: (file: string, signal: AbortSignal) => Promise<unknown>;
  /** Test seams for the disk-full tests: free space, and how the partial file is opened. */
  freeBytes?: (dir: string) => Promise<number>;
  open?: OpenForAppend;
  /** How long to wait for a host's answer (default ANSWER_TIMEOUT_MS); tests shorten it. */
  answerTimeoutMs?: number;
}

/** Errors of the disk the partial file is on, as opposed to the network's. */
const DISK_ERRORS = new Set(["ENOSPC", "EDQUOT", "EFBIG", "EROFS", "EACCES", "EPERM", "EIO"]);

export class DownloadError extends PincerError {
  override name = "DownloadError";
  constructor(message: string) {
    super(message, "failed");
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

/** Where a download's bytes stay until they are verified. */
export function partialPath(modelPath: string): string {
  return `${modelPath}.download`;
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
  const partial = partialPath(target);
  const name = path.basename(target);
  const expected = await withEgress(`download ${spec.uri}`, async () => {
    const pinned = options.sha256?.toLowerCase();
    const answerTimeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    // The hub's hash is optional: a host that does not answer the HEAD fails the download below, with its reason.
    const hub = pinned ? undefined : await (options.fetchHubSha256 ?? hubSha256)(url, AbortSignal.any([signal, AbortSignal.timeout(answerTimeoutMs)])).catch(() => undefined);
    try {
      await downloadToPartial({
        url,
        partialPath: partial,
        signal,
        freeBytes: options.freeBytes,
        open: options.open,
        answerTimeoutMs,
        onProgress: (downloadedBytes, totalBytes) => options.onProgress?.({ downloadedBytes, totalBytes }),
      });
    } catch (error) {
      const kept = await fs.stat(partial).then((s) => s.size, () => 0);
      const keptNote = kept > 0 ? ` The ${formatBytes(kept)} downloaded so far are kept in ${partial}.` : "";
      if (signal.aborted) throw new DownloadError(`Download of ${spec.uri} was cancelled; starting it again resumes where it stopped.${keptNote}`);
      if (error instanceof DownloadSpaceError) {
        throw new DownloadError(
          `Not enough disk space for ${name}: it needs ${formatBytes(error.neededBytes)} more and ${formatBytes(error.freeBytes)} are free in ${modelsDir}. ` +
            `Free some space and start the download again; it resumes where it stopped.${keptNote}`,
        );
      }
      if (DISK_ERRORS.has((error as NodeJS.ErrnoException).code ?? "") && !(error instanceof DownloadHttpError)) {
        throw new DownloadError(
          `Download of ${spec.uri} stopped: ${diskErrorReason(error)} (${modelsDir}).${keptNote} Start it again to resume once that is fixed.`,
        );
      }
      throw new DownloadError(`Download of ${spec.uri} failed: ${(error as Error).message}.${keptNote}`);
    }
    return pinned ? { hash: pinned, source: "pinned" as const } : hub ? { hash: hub, source: "hub" as const } : undefined;
  });

  const actual = await sha256File(partial, signal);
  if (expected && actual !== expected.hash) {
    await fs.rm(partial, { force: true });
    throw new DownloadError(
      `${name} failed verification: sha256 ${actual} does not match the expected ${expected.hash} (${expected.source}); the file was deleted.`,
    );
  }
  await (options.inspect ? options.inspect(partial, signal) : inspectModelFile(partial, undefined, signal)).catch(async (error: Error) => {
    await fs.rm(partial, { force: true });
    throw new DownloadError(`${name} was downloaded but is not a usable model: ${error.message}`);
  });
  await fs.rename(partial, target);
  const receipt: Receipt = { uri: spec.uri, sha256: actual, verified: expected?.source ?? "unverified", downloadedAt: new Date().toISOString() };
  await writeFileAtomic(receiptPath(target), JSON.stringify(receipt, null, 2));
  return { path: target, sha256: actual, verified: receipt.verified };
}

/**
 * Hugging Face answers a HEAD on a /resolve/ URL with the LFS object's sha256 in X-Linked-Etag
 * (before the redirect to the CDN), so the hash comes from the hub, not from the bytes we got. A mirror
 * named by HF_ENDPOINT is asked the same way (mirrors pass the header on).
 */
export async function hubSha256(url: string, signal: AbortSignal): Promise<string | undefined> {
  if (!url.startsWith("https://huggingface.co/") && !url.startsWith(`${hubEndpoint()}/`)) return undefined;
  const response = await fetch(url, { method: "HEAD", redirect: "manual", signal });
  const etag = response.headers.get("x-linked-etag") ?? response.headers.get("etag") ?? "";
  const hash = etag.replace(/^W\//, "").replace(/"/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hash) ? hash : undefined;
}

export async function sha256File(filePath: string, signal: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath, { signal })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function fileExists(filePath: string): Promise<boolean> {
  return fs.stat(filePath).then((s) => s.isFile(), () => false);
}
