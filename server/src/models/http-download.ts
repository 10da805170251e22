// One file over HTTP(S) into a partial file, in order, appended as it arrives: whatever length the
// partial file has is a correct prefix of the download, so a cancel, a crash or a full disk never
// loses it and the next attempt asks for the rest with a Range request. Free space is checked
// against the size the response announces before the first byte is written.
//
// This replaces node-llama-cpp's downloader (ipull) for Pincer: ipull marks a chunk complete before
// its bytes are written and leaves its write promises' rejections unhandled, so a full disk killed
// the server and left a file that resumed with holes.
import { promises as fs } from "node:fs";
import path from "node:path";
import { openForAppend, type AppendHandle, type OpenForAppend } from "../platform/durable-append";

export interface HttpDownloadOptions {
  url: string;
  /** Where the bytes go; kept between attempts. */
  partialPath: string;
  signal: AbortSignal;
  onProgress?: (downloadedBytes: number, totalBytes: number) => void;
  /** Free bytes on the disk holding `dir`; replaceable by tests. */
  freeBytes?: (dir: string) => Promise<number>;
  /** How the partial file is opened; the disk-full tests inject short writes here. */
  open?: OpenForAppend;
  /** How long to wait for the connection and the response headers (fetch's own is 5 minutes). */
  answerTimeoutMs?: number;
  /** How long the body may go without a byte before the download stops (resumable). */
  stallTimeoutMs?: number;
}

export const ANSWER_TIMEOUT_MS = 15_000;
export const STALL_TIMEOUT_MS = 60_000;

/** The disk does not have room for the rest of the download; nothing was written. */
export class DownloadSpaceError extends Error {
  override readonly name = "DownloadSpaceError";
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number,
  ) {
    super(`${neededBytes} bytes are needed and ${freeBytes} are free`);
  }
}

/** The server answered with something other than the file (an HTTP error, a short body), or not at all. */
export class DownloadHttpError extends Error {
  override readonly name = "DownloadHttpError";
}

/** Why a connection failed, in words (fetch only says "fetch failed"; the reason is in its cause). */
const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: "the connection was refused",
  ENOTFOUND: "the host name does not resolve (no network, or a wrong name)",
  EAI_AGAIN: "the host name cannot be resolved now (no network?)",
  ETIMEDOUT: "the connection timed out",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  UND_ERR_CONNECT_TIMEOUT: "the connection timed out",
};

/**
 * fetch with a deadline for the answer: the caller's signal cancels, and a host that does not
 * answer within `timeoutMs` (a dropped SYN, a server that accepts and stays silent) becomes a
 * DownloadHttpError naming the host, instead of fetch's five-minute wait.
 */
export async function fetchWithAnswerTimeout(url: string, init: RequestInit & { signal: AbortSignal }, timeoutMs: number): Promise<{ response: Response; stall: (ms: number) => { touch(): void; stop(): void } }> {
  const host = new URL(url).host;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const signal = AbortSignal.any([init.signal, deadline.signal]);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (error) {
    init.signal.throwIfAborted();
    if (deadline.signal.aborted) throw new DownloadHttpError(`cannot reach ${host}: no answer within ${timeoutMs / 1000} s`);
    const code = errorCode(error);
    throw new DownloadHttpError(`cannot reach ${host}: ${(code && CONNECT_ERRORS[code]) ?? (error as Error).message}${code ? ` (${code})` : ""}`);
  } finally {
    clearTimeout(timer);
  }
  // While the body arrives, the same deadline restarts at every chunk.
  const stall = (ms: number) => {
    let stallTimer = setTimeout(() => deadline.abort(), ms);
    return {
      touch: () => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => deadline.abort(), ms);
      },
      stop: () => clearTimeout(stallTimer),
    };
  };
  return { response, stall };
}

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

/** fsync this often, so a power loss costs at most this much of a long download. */
const SYNC_EVERY = 64 * 1024 * 1024;

export async function statfsFreeBytes(dir: string): Promise<number> {
  const stats = await fs.statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Downloads the rest of the file into `partialPath`; resolves with its total size when it is complete. */
export async function downloadToPartial(options: HttpDownloadOptions): Promise<number> {
  const { signal } = options;
  signal?.throwIfAborted();
  let have = await fs.stat(options.partialPath).then((s) => s.size, () => 0);
  const { response, stall } = await fetchWithAnswerTimeout(options.url, { headers: { range: `bytes=${have}-` }, redirect: "follow", signal }, options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS);
  const stallMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
  const watchdog = stall(stallMs);
  try {
    let total: number;
    if (response.status === 416) {
      // Nothing after `have`: the partial file may already be whole.
      total = contentRangeTotal(response.headers.get("content-range")) ?? -1;
      if (total === have) return total;
      throw new DownloadHttpError(`the server refused to resume at byte ${have} (HTTP 416)`);
    }
    if (response.status === 206) {
      total = contentRangeTotal(response.headers.get("content-range")) ?? have + contentLength(response);
    } else if (response.status === 200) {
      have = 0; // the server sends the whole file: start over
      total = contentLength(response);
    } else {
      throw new DownloadHttpError(`the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
    }
    if (!response.body) throw new DownloadHttpError("the server sent no body");

    if (total > 0) {
      const free = await (options.freeBytes ?? statfsFreeBytes)(path.dirname(options.partialPath));
      if (free < total - have) throw new DownloadSpaceError(total - have, free);
    }

    const handle = await (options.open ?? openForAppend)(options.partialPath);
    try {
      if (have === 0) await handle.truncate(0);
      let written = have;
      let unsynced = 0;
      options.onProgress?.(written, total);
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          watchdog.touch();
          await writeAll(handle, chunk);
          written += chunk.length;
          unsynced += chunk.length;
          if (unsynced >= SYNC_EVERY) {
            await handle.sync();
            unsynced = 0;
          }
          options.onProgress?.(written, total);
        }
      } catch (error) {
        signal.throwIfAborted();
        if ((error as Error).name === "AbortError") throw new DownloadHttpError(`${new URL(options.url).host} sent nothing for ${stallMs / 1000} s`);
        throw error;
      }
      await handle.sync();
      if (total > 0 && written !== total) throw new DownloadHttpError(`the connection ended after ${written} of ${total} bytes`);
      return written;
    } finally {
      await handle.close().catch(() => undefined);
    }
  } finally {
    watchdog.stop();
    // A body not read to its end keeps the connection busy.
    await response.body?.cancel().catch(() => undefined);
  }
}

/** Writes every byte of `chunk` at the end of the file (a short write is continued). */
async function writeAll(handle: AppendHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, null);
    if (bytesWritten <= 0) throw Object.assign(new Error("the disk accepted no more bytes"), { code: "ENOSPC" });
    offset += bytesWritten;
  }
}

function contentLength(response: Response): number {
  const length = Number(response.headers.get("content-length"));
  return Number.isSafeInteger(length) && length >= 0 ? length : 0;
}

/** The total after the slash of a Content-Range ("bytes 0-99/1234" → 1234). */
function contentRangeTotal(header: string | null): number | undefined {
  const match = /\/(\d+)\s*$/.exec(header ?? "");
  return match ? Number(match[1]) : undefined;
}
