// Errors a person can cause or must hear about. Every one carries the message the person reads and
// what kind of failure it is; each host maps the kind in one place (lsp/errors.ts → an LSP error
// code, cli/exit-codes.ts → an exit code), so no handler hand-picks codes and no message reaches the
// UI wrapped as "Request … failed with message".

/**
 * - `invalid-params`: the request names something wrong (an unknown task, a missing input, a bad range).
 * - `not-available`: valid, but refused in this state (Restricted Mode, a run in progress, a file not open).
 * - `failed`: tried and failed (a bad model file, a full disk, an unreadable document).
 * - `cancelled`: the caller stopped it.
 */
export type ErrorKind = "invalid-params" | "not-available" | "failed" | "cancelled";

export class PincerError extends Error {
  override name = "PincerError";
  readonly kind: ErrorKind;
  /** Extra facts a client may need (a chat turn's conversation id); sent as the LSP error's `data`. */
  readonly data: Record<string, unknown> | undefined;

  constructor(message: string, kind: ErrorKind = "failed", options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.data = options.data;
  }
}

/** Restricted Mode (an untrusted workspace) refuses what writes files or runs programs. */
export class RestrictedModeError extends PincerError {
  override name = "RestrictedModeError";
  constructor(message: string) {
    super(message, "not-available");
  }
}

/** An AbortSignal ended the work (Node's AbortError, or a signal's own reason). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof PincerError) return error.kind === "cancelled";
  return (error as { name?: unknown } | undefined)?.name === "AbortError";
}
