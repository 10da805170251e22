// Model loading shows in VS Code as a progress notification (window/workDoneProgress); the client
// advertises support and the server creates the progress token.
import type { Connection, WorkDoneProgressServerReporter } from "vscode-languageserver";
import type { LoadProgressListener } from "../host/model-host";

export function workDoneLoadProgress(connection: Connection, supported: () => boolean): LoadProgressListener {
  let reporter: Promise<WorkDoneProgressServerReporter | undefined> | undefined;
  return (event) => {
    if (!supported()) return;
    if (event.kind === "begin") {
      reporter = connection.window.createWorkDoneProgress().then(
        (r) => {
          r.begin("Pincer", 0, event.message, false);
          return r;
        },
        () => undefined,
      );
      return;
    }
    const current = reporter;
    if (!current) return;
    if (event.kind === "report") void current.then((r) => r?.report(Math.round(event.fraction * 100), event.message));
    else {
      reporter = undefined;
      void current.then((r) => r?.done());
    }
  };
}
