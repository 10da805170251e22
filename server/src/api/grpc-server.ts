// The gRPC side of `pincer serve --http --grpc-port N`: proto/pincer.proto's Pincer service over the
// same checked operations as the HTTP API (openai-routes.ts), with the same bearer token (metadata
// `authorization`), limits (message size, concurrent calls, tokens) and cancel (a client that
// cancels or goes away aborts the generation). Off loopback only over TLS 1.3, like the HTTP API.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { isAbortError, PincerError } from "../platform/errors";
import type { Logger } from "../platform/log";
import type { ApiLimits } from "./http-api-server";
import { embeddings } from "./embedding-route";
import { ApiError, chatAnswer, listModels, runCompletion, type ApiDeps } from "./openai-routes";
import { ocrRoute, startAgentRun } from "./pincer-routes";
import { checkRequest } from "./request-guard";

/** The bundled server reads the copy next to it (scripts/build.mjs); tests read proto/ in the checkout. */
function protoPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, "pincer.proto");
  return path.basename(here) === "server" ? bundled : path.resolve(here, "..", "..", "..", "proto", "pincer.proto");
}

interface WireToolCall {
  id: string;
  name: string;
  arguments: string;
}
interface ChatCall {
  messages: { role: string; content: string; tool_calls: WireToolCall[]; tool_call_id: string }[];
  max_tokens: number;
  temperature: number;
  tools: { name: string; description: string; parameters: string }[];
  tool_choice: string;
}
interface CompleteCall {
  prompt: string;
  suffix: string;
  max_tokens: number;
}
interface OcrCall {
  path: string;
  languages: string[];
}
interface AgentRunCall {
  task: string;
  profile: string;
  max_steps: number;
}

/** A ChatRequest as the body /v1/chat/completions takes, so one checked operation serves both APIs. */
function chatBody(request: ChatCall): Record<string, unknown> {
  const messages = request.messages.map((message) => ({
    role: message.role,
    content: message.content,
    ...(message.tool_calls.length > 0 ? { tool_calls: message.tool_calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })) } : {}),
    ...(message.tool_call_id ? { tool_call_id: message.tool_call_id } : {}),
  }));
  const tools = request.tools.map((tool, index) => {
    let parameters: unknown;
    if (tool.parameters !== "") {
      try {
        parameters = JSON.parse(tool.parameters);
      } catch {
        throw new ApiError(400, `tools[${index}].parameters is not JSON.`);
      }
    }
    return { type: "function", function: { name: tool.name, ...(tool.description ? { description: tool.description } : {}), ...(parameters === undefined ? {} : { parameters }) } };
  });
  return {
    messages,
    ...(request.max_tokens ? { max_tokens: request.max_tokens } : {}),
    temperature: request.temperature,
    ...(tools.length > 0 ? { tools } : {}),
    ...(request.tool_choice ? { tool_choice: request.tool_choice } : {}),
  };
}

/** The HTTP status of an ApiError as the gRPC status a client of either API would expect. */
function grpcStatusOf(status: number): grpc.status {
  switch (status) {
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 404:
      return grpc.status.NOT_FOUND;
    case 409:
      return grpc.status.ABORTED;
    case 413:
    case 429:
      return grpc.status.RESOURCE_EXHAUSTED;
    default:
      return grpc.status.INVALID_ARGUMENT;
  }
}

export interface GrpcServer {
  port: number;
  close(): Promise<void>;
}

/**
 * TLS credentials with TLS 1.3 as the floor. grpc-js's createSsl takes no version bound; its server
 * hands the constructor options to http2.createSecureServer, so this subclass gives minVersion there.
 */
class Tls13ServerCredentials extends grpc.ServerCredentials {
  constructor(tls: { cert: string; key: string }) {
    super({ minVersion: "TLSv1.3" }, { cert: tls.cert, key: tls.key });
  }
  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  token: string;
  /** Loopback binds may go without TLS; anything else must have it. */
  loopback: boolean;
  tls?: { cert: string; key: string };
  limits: ApiLimits;
  deps: ApiDeps;
  log: Logger;
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  if (!options.loopback && !options.tls) throw new PincerError("gRPC off loopback requires TLS (--tls, or --tls-cert and --tls-key).", "invalid-params");
  const definition = protoLoader.loadSync(protoPath(), { keepCase: true, defaults: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { pincer: { v1: { Pincer: grpc.ServiceClientConstructor } } };
  // The token is checked on every call's metadata, once, before grpc-js reads and decodes its message: a
  // caller without it cannot make the server hold a message of up to --max-body per stream (REST checks
  // the token before the body too).
  const tokenFirst: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const authorization = metadata.get("authorization")[0];
            const refusal = checkRequest({ host: "localhost", authorization: typeof authorization === "string" ? authorization : undefined }, { token: options.token, loopbackOnly: true, allowedNames: [] });
            if (refusal) call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: refusal.message });
            else pass(metadata);
          },
        }),
    });
  const server = new grpc.Server({
    "grpc.max_receive_message_length": options.limits.maxBodyBytes,
    "grpc.max_send_message_length": 16 * 1024 * 1024,
    interceptors: [tokenFirst],
  });
  let active = 0;

  /** The limits (the token was checked by tokenFirst), then `work` with a signal the call's cancel aborts. */
  const guarded = async <T>(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
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
        ? grpcStatusOf(error.status)
        : isAbortError(error)
          ? grpc.status.CANCELLED
          : error instanceof PincerError && error.kind === "not-available"
            ? grpc.status.UNAVAILABLE
            : error instanceof PincerError && error.kind === "invalid-params"
              ? grpc.status.INVALID_ARGUMENT
              : grpc.status.INTERNAL;
    if (status === grpc.status.INTERNAL) options.log("error", `gRPC call failed: ${(error as Error).stack ?? String(error)}`);
    const message = status === grpc.status.INTERNAL ? "Internal error (see the server log)." : (error as Error).message;
    return Object.assign(new Error(message), { code: status, details: message, metadata: new grpc.Metadata() }) as grpc.ServiceError;
  };
  /** A unary method: the guard, then `work`, then the answer or the status. */
  const unary =
    <Q>(work: (request: Q, signal: AbortSignal) => Promise<unknown>) =>
    (call: grpc.ServerUnaryCall<Q, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      guarded(call, (signal) => work(call.request, signal)).then(
        (answer) => callback(null, answer),
        (error: unknown) => callback(toStatus(error)),
      );
    };
  /** A server-streamed method: the guard, then `work` writing messages, then the end or the status. */
  const streamed =
    <Q>(work: (request: Q, write: (message: unknown) => void, signal: AbortSignal) => Promise<void>) =>
    (call: grpc.ServerWritableStream<Q, unknown>) => {
      guarded(call, (signal) => work(call.request, (message) => void call.write(message), signal)).then(
        () => call.end(),
        // The documented way to end a server stream with a status (grpc-js turns it into trailers).
        (error: unknown) => call.emit("error", toStatus(error)),
      );
    };

  server.addService(proto.pincer.v1.Pincer.service, {
    ListModels: unary(async () => ({ models: (listModels(options.deps) as { data: { id: string }[] }).data.map((m) => m.id) })),
    Chat: streamed<ChatCall>(async (request, write, signal) => {
      const answer = await chatAnswer(chatBody(request), options.deps, options.limits, signal, (text) => write({ text, finish_reason: "", tool_calls: [] }));
      if (answer.cancelled) return;
      write({ text: "", finish_reason: answer.finish, tool_calls: answer.toolCalls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })) });
    }),
    Complete: unary<CompleteCall>(async (request, signal) => {
      const body = { prompt: request.prompt, ...(request.suffix ? { suffix: request.suffix } : {}), ...(request.max_tokens ? { max_tokens: request.max_tokens } : {}) };
      const { text, finish } = await runCompletion(body, options.deps, options.limits, signal);
      return { text, finish_reason: finish };
    }),
    Embed: unary<{ input: string[] }>(async (request, signal) => {
      const answer = (await embeddings({ input: request.input }, options.deps.embedder, signal)) as { data: { embedding: number[] }[]; model: string; usage: { prompt_tokens: number } };
      return { data: answer.data.map((item) => ({ vector: item.embedding })), model: answer.model, prompt_tokens: answer.usage.prompt_tokens };
    }),
    Ocr: unary<OcrCall>(async (request, signal) => {
      const result = (await ocrRoute({ path: request.path, ...(request.languages.length > 0 ? { languages: request.languages } : {}) }, options.deps.workspace, signal)) as Record<string, unknown>;
      return { path: result.path, markdown: result.markdown, kind: result.kind, languages: result.languages, page_count: result.pageCount, confidence: result.confidence, notes: result.notes, cached: result.cached, sha256: result.sha256 };
    }),
    RunAgent: streamed<AgentRunCall>(async (request, write, signal) => {
      const run = startAgentRun({ task: request.task, ...(request.profile ? { profile: request.profile } : {}), ...(request.max_steps ? { max_steps: request.max_steps } : {}) }, options.deps.workspace);
      const transcript = await run.run((event) => write({ event: JSON.stringify(event) }), signal);
      write({ transcript: JSON.stringify(transcript) });
    }),
  });
  const address = options.host.includes(":") ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, options.tls ? new Tls13ServerCredentials(options.tls) : grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
