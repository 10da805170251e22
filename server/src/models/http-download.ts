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
}

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

/** The server answered with something other than the file (an HTTP error, a short body). */
export class DownloadHttpError extends Error {
  override readonly name = "DownloadHttpError";
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
  const response = await fetch(options.url, { headers: { range: `bytes=${have}-` }, redirect: "follow", signal });
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
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        await writeAll(handle, chunk);
        written += chunk.length;
        unsynced += chunk.length;
        if (unsynced >= SYNC_EVERY) {
          await handle.sync();
          unsynced = 0;
        }
        options.onProgress?.(written, total);
      }
      await handle.sync();
      if (total > 0 && written !== total) throw new DownloadHttpError(`the connection ended after ${written} of ${total} bytes`);
      return written;
    } finally {
      await handle.close().catch(() => undefined);
    }
  } finally {
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
