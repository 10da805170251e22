// The codebase index in the editor: a thin host over codebase/codebase-service.ts. It passes folders,
// `files.exclude` and settings, forwards file changes (file events from the client's watcher),
// answers pincer/codebase/search and /reindex, and shows background work as a cancellable
// workDoneProgress (the status bar) plus pincer/codebase/status notifications.
import { fileURLToPath } from "node:url";
import { DidChangeWatchedFilesNotification, type CancellationToken, type Connection, type WorkDoneProgressServerReporter } from "vscode-languageserver/node";
import { CodebaseService, excludeGlobs, type IndexStatus } from "../codebase/codebase-service";
import {
  CodebaseReindexRequest,
  CodebaseSearchRequest,
  CodebaseStatusNotification,
  type CodebaseSearchParams,
  type CodebaseSearchResponse,
} from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export interface LspCodebase {
  service: CodebaseService;
  /** Apply folders and settings again (start-up, settings or folder changes). */
  refresh(): Promise<void>;
}

export function registerCodebase(
  connection: Connection,
  context: ServerContext,
  options: { storageDir: () => string; pullConfiguration: () => boolean; progressSupported: () => boolean; watchFiles: () => boolean },
): LspCodebase {
  const service = new CodebaseService({ storageDir: options.storageDir(), log: context.log });
  let progress: Promise<WorkDoneProgressServerReporter | undefined> | undefined;
  service.onStatus((status) => {
    void connection.sendNotification(CodebaseStatusNotification, status);
    showProgress(status);
  });

  const showProgress = (status: IndexStatus) => {
    if (!options.progressSupported()) return;
    const working = status.state === "indexing" || status.state === "embedding";
    if (working && !progress) {
      progress = connection.window.createWorkDoneProgress().then(
        (reporter) => {
          reporter.begin("Pincer index", 0, status.message, true);
          reporter.token.onCancellationRequested(() => service.cancel());
          return reporter;
        },
        () => undefined,
      );
    } else if (working) {
      const percent = status.total > 0 ? Math.round((status.done / status.total) * 100) : 0;
      void progress?.then((r) => r?.report(percent, `${status.message ?? ""} (${status.done}/${status.total})`));
    } else if (progress) {
      const current = progress;
      progress = undefined;
      void current.then((r) => r?.done());
    }
  };

  let watching = false;
  // Requests wait for the latest configuration (opening the index) to settle.
  let ready: Promise<void> = Promise.resolve();
  const refresh = (): Promise<void> => (ready = ready.then(configure));
  const configure = async (): Promise<void> => {
    // Created, changed and deleted files reach the index through the client's file watcher.
    if (!watching && options.watchFiles()) {
      watching = true;
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*" }] }).catch(() => undefined);
    }
    const filesExclude = options.pullConfiguration() ? await connection.workspace.getConfiguration("files.exclude").catch(() => undefined) : undefined;
    await service
      .configure({ folders: context.workspaceFolders(), excludes: excludeGlobs(filesExclude), settings: context.settings(), background: true })
      .catch((error: Error) => context.log("warn", `Codebase index: ${error.message}`));
  };

  connection.onDidChangeWatchedFiles((params) => {
    service.filesChanged(params.changes.filter((c) => c.uri.startsWith("file:")).map((c) => fileURLToPath(c.uri)));
  });

  connection.onRequest(CodebaseSearchRequest, async (params: CodebaseSearchParams, token): Promise<CodebaseSearchResponse> => {
    await ready;
    const result = await service.search(params.query, { limit: params.limit ?? 10, signal: toAbortSignal(token) });
    return { ...result, status: service.status };
  });
  // Without parameters the handler may get only the token (the client sent none) or null and the token.
  connection.onRequest(CodebaseReindexRequest, async (first: unknown, second?: CancellationToken): Promise<IndexStatus> => {
    await ready;
    await service.reindex({ signal: toAbortSignal((second ?? first) as CancellationToken) });
    return service.status;
  });

  return { service, refresh };
}
