// Model work started from a command shows as a cancellable progress notification; cancelling it
// (or $/cancelRequest on the request) aborts the generation within a token.
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from "vscode-languageserver";
import { toAbortSignal } from "./cancellation";

export async function withGenerationProgress<T>(connection: Connection, title: string, token: CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const requestSignal = toAbortSignal(token);
  const abort = () => controller.abort();
  requestSignal.addEventListener("abort", abort, { once: true });
  if (requestSignal.aborted) abort();
  // A client without workDoneProgress support still gets the answer, just without the notification.
  const reporter = await connection.window.createWorkDoneProgress().catch(() => undefined);
  reporter?.begin(title, undefined, "Generating…", true);
  const onCancel = reporter?.token.onCancellationRequested(abort);
  try {
    const result = await work(controller.signal);
    if (controller.signal.aborted) throw cancelledError();
    return result;
  } catch (error) {
    // Aborted while queued, loading or generating: one answer for all of them.
    if (controller.signal.aborted) throw cancelledError();
    throw error;
  } finally {
    onCancel?.dispose();
    requestSignal.removeEventListener("abort", abort);
    reporter?.done();
  }
}

const cancelledError = () => new ResponseError(LSPErrorCodes.RequestCancelled, "Cancelled.");
