// The protocol boundary: every handler registered on the connection this returns gets its
// parameters checked against the schema its typed method carries (protocol/rpc.ts) before it runs,
// so no feature sees a malformed request (a `maxTokens` of 0 once generated without end). A bad
// request is answered InvalidParams (-32602) naming the field; a bad notification is logged and
// dropped. Whatever a handler throws becomes an LSP error in one place (errors.ts).
import { CancellationToken, ErrorCodes, ResponseError, type Connection } from "vscode-languageserver";
import type { Logger } from "../platform/log";
import { checkParams } from "../protocol/checks";
import { isCheckedMethod } from "../protocol/rpc";
import { toResponseError } from "./errors";

type AnyHandler = (...args: unknown[]) => unknown;

function methodOf(type: unknown): string | undefined {
  if (typeof type === "string") return type;
  if (typeof type === "object" && type !== null && typeof (type as { method?: unknown }).method === "string") return (type as { method: string }).method;
  return undefined;
}

/** A pincer/* method must be registered with its typed object, whose schema is checked. */
function schemaOf(type: unknown, method: string) {
  if (!method.startsWith("pincer/")) return undefined;
  if (!isCheckedMethod(type)) throw new Error(`${method} must be registered with its typed method from protocol/ (a PincerRequest or PincerNotification with a parameter schema).`);
  return type.params;
}

export function withProtocolChecks(connection: Connection, log: Logger): Connection {
  const onRequest = (type: unknown, handler?: AnyHandler) => {
    const method = methodOf(type);
    if (method === undefined || handler === undefined) return (connection.onRequest as AnyHandler)(type, handler);
    const schema = schemaOf(type, method);
    return (connection.onRequest as AnyHandler)(type, async (...args: unknown[]) => {
      // vscode-jsonrpc calls (token) alone for a request without params, else (params, token, ...).
      const withoutParams = CancellationToken.is(args[0]);
      const token = (withoutParams ? args[0] : args[1]) as CancellationToken | undefined;
      if (schema) {
        const problem = checkParams(method, schema, withoutParams ? undefined : args[0]);
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
    if (method === undefined || handler === undefined) return (connection.onNotification as AnyHandler)(type, handler);
    const schema = schemaOf(type, method);
    if (!schema) return (connection.onNotification as AnyHandler)(type, handler);
    return (connection.onNotification as AnyHandler)(type, (...args: unknown[]) => {
      const problem = checkParams(method, schema, args[0]);
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
