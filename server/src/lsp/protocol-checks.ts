// The protocol boundary: every handler registered on the connection this returns gets its
// parameters checked against protocol/params.ts before it runs, so no feature sees a malformed
// request (a `maxTokens` of 0 once generated without end). A bad request is answered InvalidParams
// (-32602) naming the field; a bad notification is logged and dropped. A request that ends because
// it was cancelled (a queued chat aborted before it started) answers RequestCancelled (-32800), as
// LSP asks, instead of an internal error.
import { CancellationToken, ErrorCodes, ResponseError, type Connection } from "vscode-languageserver";
import type { Logger } from "../platform/log";
import { checkParams, NOTIFICATION_PARAMS, REQUEST_PARAMS } from "../protocol/params";
import { toResponseError } from "./errors";

type AnyHandler = (...args: unknown[]) => unknown;

function methodOf(type: unknown): string | undefined {
  if (typeof type === "string") return type;
  if (typeof type === "object" && type !== null && typeof (type as { method?: unknown }).method === "string") return (type as { method: string }).method;
  return undefined;
}

export function withProtocolChecks(connection: Connection, log: Logger): Connection {
  const onRequest = (type: unknown, handler?: AnyHandler) => {
    const method = methodOf(type);
    if (method === undefined || handler === undefined) return (connection.onRequest as AnyHandler)(type, handler);
    const checked = method.startsWith("pincer/");
    if (checked && !REQUEST_PARAMS[method]) throw new Error(`${method} is registered without a parameter schema in protocol/params.ts.`);
    return (connection.onRequest as AnyHandler)(type, async (...args: unknown[]) => {
      // vscode-jsonrpc calls (token) alone for a request without params, else (params, token, ...).
      const withoutParams = CancellationToken.is(args[0]);
      const token = (withoutParams ? args[0] : args[1]) as CancellationToken | undefined;
      if (checked) {
        const problem = checkParams(REQUEST_PARAMS, method, withoutParams ? undefined : args[0]);
        if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
      }
      try {
        return await handler(...args);
      } catch (error) {
        throw toResponseError(error, method, token?.isCancellationRequested === true, log);
      }
    });
  };

  const onNotification = (type: unknown, handler?: AnyHandler) => {
    const method = methodOf(type);
    if (method === undefined || handler === undefined || !method.startsWith("pincer/")) return (connection.onNotification as AnyHandler)(type, handler);
    if (!NOTIFICATION_PARAMS[method]) throw new Error(`${method} is registered without a parameter schema in protocol/params.ts.`);
    return (connection.onNotification as AnyHandler)(type, (...args: unknown[]) => {
      const problem = checkParams(NOTIFICATION_PARAMS, method, args[0]);
      if (problem) return log("warn", `Ignored a malformed notification: ${problem}`);
      return handler(...args);
    });
  };

  const onExecuteCommand = (handler: AnyHandler) =>
    connection.onExecuteCommand(async (params, token, ...rest) => {
      try {
        return (await handler(params, token, ...rest)) as never;
      } catch (error) {
        throw toResponseError(error, params.command, token.isCancellationRequested, log);
      }
    });

  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property === "onExecuteCommand") return onExecuteCommand;
      if (property === "onRequest") return onRequest;
      if (property === "onNotification") return onNotification;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
