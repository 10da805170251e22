// The seam for a completion engine that is not the in-process one (a remote server, remote/):
// the service hands it the same request completeAt gets and takes the same result.
import type { CompletionRequest, CompletionResult } from "./complete";

export interface Completer {
  complete(request: CompletionRequest): Promise<CompletionResult>;
}
