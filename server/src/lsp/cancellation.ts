// LSP requests carry a CancellationToken ($/cancelRequest); domain code takes an AbortSignal.
import type { CancellationToken } from "vscode-languageserver";

export function toAbortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
