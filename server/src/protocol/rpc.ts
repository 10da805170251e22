// Every custom method is one typed object, defined once here and used by both ends: the server
// registers its handler with it and the client sends with it (and the other way round), so the
// method name, the parameter type and the result type cannot drift. A client → server method also
// carries its parameter schema (checks.ts), which lsp/protocol-checks.ts applies before any handler
// runs. Names are `pincer/<area>/<action>`, as LSP's own `textDocument/didOpen`.
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import { none, type Check } from "./checks";

/** The parameters of a method that takes none: send `{}`. */
export type NoParams = Record<string, never>;

/** A client → server request with parameters, and their schema. */
export class PincerRequest<P, R> extends RequestType<P, R, void> {
  constructor(
    method: `pincer/${string}/${string}`,
    readonly params: Check<P>,
  ) {
    super(method);
  }
}

/** A client → server request without parameters (`{}`; none or null are accepted too). */
export class PincerRequest0<R> extends PincerRequest<NoParams, R> {
  constructor(method: `pincer/${string}/${string}`) {
    super(method, none);
  }
}

/** A client → server notification and its schema (a malformed one is logged and dropped). */
export class PincerNotification<P> extends NotificationType<P> {
  constructor(
    method: `pincer/${string}/${string}`,
    readonly params: Check<P>,
  ) {
    super(method);
  }
}

/**
 * A server → client request. The server is its only sender, so its parameters are not checked; the
 * answer is the client's and arrives `unknown`: the server checks it where it reads it.
 */
export class ServerRequest<P> extends RequestType<P, unknown, void> {
  constructor(method: `pincer/${string}/${string}`) {
    super(method);
  }
}

/** A server → client notification. */
export class ServerNotification<P> extends NotificationType<P> {
  constructor(method: `pincer/${string}/${string}`) {
    super(method);
  }
}

/** A client → server method whose parameters the server checks. */
export type CheckedMethod = PincerRequest<unknown, unknown> | PincerNotification<unknown>;

export function isCheckedMethod(type: unknown): type is CheckedMethod {
  return type instanceof PincerRequest || type instanceof PincerNotification;
}
