// The one place an error becomes an LSP answer. A PincerError's kind picks the code and its message
// reaches the person as it is (no "Request … failed with message" wrapper); a cancelled request
// answers RequestCancelled, as LSP asks; anything else is a bug: its message is answered as an
// internal error and its stack goes to the log.
import { ErrorCodes, LSPErrorCodes, ResponseError } from "vscode-languageserver";
import { isAbortError, PincerError, type ErrorKind } from "../platform/errors";
import type { Logger } from "../platform/log";

const CODES: Readonly<Record<ErrorKind, number>> = {
  "invalid-params": ErrorCodes.InvalidParams,
  "not-available": ErrorCodes.InvalidRequest,
  failed: LSPErrorCodes.RequestFailed,
  cancelled: LSPErrorCodes.RequestCancelled,
};

export function toResponseError(error: unknown, method: string, cancelled: boolean, log: Logger): ResponseError<unknown> {
  if (error instanceof ResponseError) return error as ResponseError<unknown>;
  if (cancelled || isAbortError(error)) return new ResponseError(LSPErrorCodes.RequestCancelled, `${method} was cancelled.`);
  if (error instanceof PincerError) return new ResponseError(CODES[error.kind], error.message, error.data);
  const message = error instanceof Error ? error.message : String(error);
  log("error", `${method} failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
  return new ResponseError(ErrorCodes.InternalError, message);
}
