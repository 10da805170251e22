// node-llama-cpp's model downloader (parallel, resumable), exposed without its types so that the
// model manager does not import node-llama-cpp itself: only engine/ does.
import { createModelDownloader } from "node-llama-cpp";

export interface FileDownload {
  url: string;
  dirPath: string;
  fileName: string;
  signal?: AbortSignal;
  onProgress?: (downloadedBytes: number, totalBytes: number) => void;
}

/** Downloads into dirPath/fileName; a partial file left by a cancelled attempt is resumed. */
export async function downloadFile(request: FileDownload): Promise<string> {
  const downloader = await createModelDownloader({
    modelUrl: request.url,
    dirPath: request.dirPath,
    fileName: request.fileName,
    deleteTempFileOnCancel: false, // keep the partial file so the next attempt resumes it
    skipExisting: false,
    parallelDownloads: 1,
    showCliProgress: false,
    onProgress: (status) => request.onProgress?.(status.downloadedSize, status.totalSize),
  });
  return downloader.download({ signal: request.signal });
}
