// The gRPC side of `pincer serve --http --grpc-port N`: proto/pincer.proto's Pincer service over the
// same checked operations as the HTTP API (openai-routes.ts), with the same bearer token (metadata
// `authorization`), limits (message size, concurrent calls, tokens) and cancel (a client that
// cancels or goes away aborts the generation). Loopback only: a gRPC port off loopback is refused.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { isAbortError, PincerError } from "../platform/errors";
import type { Logger } from "../platform/log";
import type { ApiLimits } from "./http-api-server";
import { ApiError, listModels, prepareChat, runCompletion, type ApiDeps } from "./openai-routes";
import { checkRequest } from "./request-guard";

/** The bundled server reads the copy next to it (scripts/build.mjs); tests read proto/ in the checkout. */
function protoPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, "pincer.proto");
  return path.basename(here) === "server" ? bundled : path.resolve(here, "..", "..", "..", "proto", "pincer.proto");
}

interface ChatCall {
  messages: { role: string; content: string }[];
  max_tokens: number;
  temperature: number;
}
interface CompleteCall {
  prompt: string;
  suffix: string;
  max_tokens: number;
}

export interface GrpcServer {
  port: number;
  close(): Promise<void>;
}

export async function startGrpcServer(options: { host: string; port: number; token: string; limits: ApiLimits; deps: ApiDeps; log: Logger }): Promise<GrpcServer> {
  const definition = protoLoader.loadSync(protoPath(), { keepCase: true, defaults: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { pincer: { v1: { Pincer: grpc.ServiceClientConstructor } } };
  const server = new grpc.Server({ "grpc.max_receive_message_length": options.limits.maxBodyBytes, "grpc.max_send_message_length": 16 * 1024 * 1024 });
  let active = 0;

  /** The guard and the limits, then `work` with a signal the call's cancel aborts. */
  const guarded = async <T>(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const authorization = call.metadata.get("authorization")[0];
    const refusal = checkRequest({ host: "localhost", authorization: typeof authorization === "string" ? authorization : undefined }, { token: options.token, loopbackOnly: true, allowedNames: [] });
    if (refusal) throw Object.assign(new Error(refusal.message), { code: grpc.status.UNAUTHENTICATED });
    if (active >= options.limits.maxConcurrent) throw Object.assign(new Error(`At most ${options.limits.maxConcurrent} calls at a time.`), { code: grpc.status.RESOURCE_EXHAUSTED });
    active++;
    const controller = new AbortController();
    call.on("cancelled", () => controller.abort());
    try {
      return await work(controller.signal);
    } finally {
      active--;
    }
  };

  const toStatus = (error: unknown): grpc.ServiceError => {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "number") return error as grpc.ServiceError;
    const status =
      error instanceof ApiError
        ? error.status === 401
          ? grpc.status.UNAUTHENTICATED
          : error.status === 429
            ? grpc.status.RESOURCE_EXHAUSTED
            : grpc.status.INVALID_ARGUMENT
        : isAbortError(error)
          ? grpc.status.CANCELLED
          : error instanceof PincerError && error.kind === "not-available"
            ? grpc.status.UNAVAILABLE
            : grpc.status.INTERNAL;
    if (status === grpc.status.INTERNAL) options.log("error", `gRPC call failed: ${(error as Error).stack ?? String(error)}`);
    return Object.assign(new Error((error as Error).message), { code: status, details: (error as Error).message, metadata: new grpc.Metadata() }) as grpc.ServiceError;
  };

  server.addService(proto.pincer.v1.Pincer.service, {
    ListModels: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      guarded(call, async () => ({ models: (listModels(options.deps) as { data: { id: string }[] }).data.map((m) => m.id) })).then(
        (answer) => callback(null, answer),
        (error: unknown) => callback(toStatus(error)),
      );
    },
    Chat: (call: grpc.ServerWritableStream<ChatCall, unknown>) => {
      guarded(call, async (signal) => {
        const request = call.request;
        const body = { messages: request.messages, ...(request.max_tokens ? { max_tokens: request.max_tokens } : {}), temperature: request.temperature };
        const { model, turns, maxTokens, temperature } = await prepareChat(body, options.deps, options.limits, signal);
        const result = await model.chatTurns(turns, { maxTokens, temperature, signal, onText: (text) => call.write({ text, finish_reason: "" }) });
        if (result.stopReason === "cancelled") return;
        call.write({ text: "", finish_reason: result.stopReason === "maxTokens" ? "length" : "stop" });
      }).then(
        () => call.end(),
        (error: unknown) => call.destroy(toStatus(error)),
      );
    },
    Complete: (call: grpc.ServerUnaryCall<CompleteCall, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      guarded(call, async (signal) => {
        const request = call.request;
        const body = { prompt: request.prompt, ...(request.suffix ? { suffix: request.suffix } : {}), ...(request.max_tokens ? { max_tokens: request.max_tokens } : {}) };
        const { text, finish } = await runCompletion(body, options.deps, options.limits, signal);
        return { text, finish_reason: finish };
      }).then(
        (answer) => callback(null, answer),
        (error: unknown) => callback(toStatus(error)),
      );
    },
  });
  const address = options.host.includes(":") ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
