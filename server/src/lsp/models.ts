// pincer/listModels and pincer/downloadModel: the model manager behind the client's pickers.
import { PincerError } from "../platform/errors";
import type { Connection } from "vscode-languageserver";
import { downloadModel } from "../models/download";
import { parseModelSpec } from "../models/model-spec";
import { listLocalModels, resolveModelsDir } from "../models/models-dir";
import {
  DownloadModelRequest,
  ListModelsRequest,
  type DownloadModelParams,
  type DownloadModelResult,
  type ListModelsResult,
} from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerModelRequests(connection: Connection, context: ServerContext): void {
  connection.onRequest(ListModelsRequest, async (): Promise<ListModelsResult> => {
    const modelsDir = resolveModelsDir(context.settings().modelsDir);
    return { modelsDir, models: await listLocalModels(modelsDir) };
  });

  connection.onRequest(
    DownloadModelRequest,
    async (params: DownloadModelParams & { workDoneToken?: string | number }, token): Promise<DownloadModelResult> => {
      const spec = parseModelSpec(params.uri);
      if (spec.kind !== "remote") throw new PincerError(`${params.uri} is a local path; there is nothing to download.`, "invalid-params");
      const progress = await connection.window.attachWorkDoneProgress(params.workDoneToken);
      progress.begin(`Downloading ${spec.fileName}`, 0, undefined, true);
      const cancel = toAbortSignal(token);
      let lastPercent = -1;
      try {
        const result = await downloadModel({
          spec,
          modelsDir: resolveModelsDir(context.settings().modelsDir),
          sha256: params.sha256,
          signal: cancel,
          onProgress: ({ downloadedBytes, totalBytes }) => {
            const percent = totalBytes > 0 ? Math.floor((downloadedBytes / totalBytes) * 100) : 0;
            if (percent === lastPercent) return;
            lastPercent = percent;
            progress.report(percent, `${(downloadedBytes / 1e6).toFixed(0)} / ${(totalBytes / 1e6).toFixed(0)} MB`);
          },
        });
        // The model setting may name what was just downloaded: it can load now.
        void context.reconfigure();
        return result;
      } finally {
        progress.done();
      }
    },
  );
}
