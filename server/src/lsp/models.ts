// pincer/models/{list,download,recommended} and the models folder watch: the model manager behind the
// client's pickers, the first-run choice and the welcome view.
import { PincerError } from "../platform/errors";
import { messagesFor } from "../platform/messages";
import type { Connection } from "vscode-languageserver";
import { sharedBackend } from "../engine/engine";
import { downloadModel } from "../models/download";
import { parseModelSpec } from "../models/model-spec";
import { listLocalModels, resolveModelsDir } from "../models/models-dir";
import { watchModelsDir, type ModelsWatch } from "../models/models-watch";
import { recommendedModels } from "../models/recommendations";
import {
  DownloadModelRequest,
  ListModelsRequest,
  ModelsChangedNotification,
  RecommendedModelsRequest,
  type DownloadModelParams,
  type DownloadModelResult,
  type ListModelsResult,
  type RecommendedModelsResult,
} from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerModelRequests(connection: Connection, context: ServerContext): { watchModels(): Promise<void>; dispose(): void } {
  const modelsDir = () => resolveModelsDir(context.settings().modelsDir);
  const list = async (): Promise<ListModelsResult> => ({ modelsDir: modelsDir(), models: await listLocalModels(modelsDir()) });

  // One watch on the folder the settings name now; a changed pincer.modelsDir moves it (watchModels runs
  // after every settings change).
  let watching: ModelsWatch | undefined;
  const watchModels = async (): Promise<void> => {
    const dir = modelsDir();
    if (watching?.dir === dir) return;
    watching?.close();
    watching = await watchModelsDir(dir, () => {
      void list().then((result) => connection.sendNotification(ModelsChangedNotification, result));
      // A model setting may name the file that just arrived (or left): configure again (a no-op otherwise).
      void context.reconfigure();
    }).catch((error: Error) => {
      context.log("warn", `Models folder ${dir} is not watched (${error.message}); new files show up after a restart.`);
      return undefined;
    });
  };

  connection.onRequest(ListModelsRequest, list);

  connection.onRequest(RecommendedModelsRequest, async (): Promise<RecommendedModelsResult> => {
    const llama = await sharedBackend(context.settings().gpu, context.log).then((b) => b.llama, () => undefined);
    return recommendedModels({ llama, modelsDir: modelsDir(), messages: messagesFor(context.locale()) });
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
          modelsDir: modelsDir(),
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
  return { watchModels, dispose: () => watching?.close() };
}
