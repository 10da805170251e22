// `pincer serve --http`: the OpenAI-compatible API on an HTTP (loopback) or HTTPS (TLS 1.3 only)
// server. Before any route runs: the request guard (Host, Origin, bearer token), then the limits
// (concurrent requests, body size); a client that goes away cancels its generation.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { isAbortError, PincerError } from "../platform/errors";
import type { Logger } from "../platform/log";
import { embeddings } from "./embedding-route";
import { agentRunRoute, ocrRoute } from "./pincer-routes";
import { ApiError, chatCompletions, completions, listModels, type ApiDeps } from "./openai-routes";
import { checkRequest } from "./request-guard";

export interface ApiLimits {
  maxBodyBytes: number;
  maxConcurrent: number;
  maxTokens: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = { maxBodyBytes: 1024 * 1024, maxConcurrent: 4, maxTokens: 4096 };

export interface ApiServerOptions {
  host: string;
  port: number;
  token: string;
  /** Loopback binds may go without TLS; anything else must have it (checked by the caller and here). */
  loopback: boolean;
  tls?: { cert: string; key: string };
  allowedNames: readonly string[];
  limits: ApiLimits;
  deps: ApiDeps;
  log: Logger;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  if (!options.loopback && !options.tls) throw new PincerError("Binding to anything but loopback requires TLS (--tls, or --tls-cert and --tls-key).", "invalid-params");
  let active = 0;
  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const refusal = checkRequest(request.headers as Record<string, string | undefined>, { token: options.token, loopbackOnly: options.loopback, allowedNames: options.allowedNames });
    if (refusal) return fail(response, new ApiError(refusal.status, refusal.message, refusal.status === 401 ? "authentication_error" : "permission_error"));
    if (active >= options.limits.maxConcurrent) {
      return fail(response, new ApiError(429, `At most ${options.limits.maxConcurrent} requests at a time (--max-concurrent); try again when one ends.`, "rate_limit_error"));
    }
    active++;
    const controller = new AbortController();
    // The client went away before the answer ended: stop generating for it.
    response.once("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    void serve(request, response, controller.signal)
      .catch((error: unknown) => fail(response, error))
      .finally(() => active--);
  };

  const serve = async (request: http.IncomingMessage, response: http.ServerResponse, signal: AbortSignal): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://pincer");
    const route = `${request.method ?? "GET"} ${url.pathname.replace(/\/+$/, "")}`;
    switch (route) {
      case "GET /v1/models":
        return json(response, 200, listModels(options.deps));
      case "POST /v1/chat/completions":
      case "POST /v1/completions": {
        const body = await readBody(request, options.limits.maxBodyBytes);
        const answer =
          route === "POST /v1/completions"
            ? await completions(body, response, options.deps, options.limits, signal)
            : await chatCompletions(body, response, options.deps, options.limits, signal);
        if (answer !== undefined) json(response, 200, answer);
        return;
      }
      case "POST /pincer/v1/ocr":
        return json(response, 200, await ocrRoute(await readBody(request, options.limits.maxBodyBytes), options.deps.workspace, signal));
      case "POST /pincer/v1/agent/runs": {
        const answer = await agentRunRoute(await readBody(request, options.limits.maxBodyBytes), response, options.deps.workspace, signal);
        if (answer !== undefined) json(response, 200, answer);
        return;
      }
      case "POST /v1/embeddings":
        return json(response, 200, await embeddings(await readBody(request, options.limits.maxBodyBytes), options.deps.embedder, signal));
      default:
        throw new ApiError(404, `No route ${route}.`, "not_found_error");
    }
  };

  const fail = (response: http.ServerResponse, error: unknown) => {
    if (response.headersSent) {
      response.end();
      return;
    }
    if (error instanceof ApiError) return json(response, error.status, { error: { message: error.message, type: error.type, code: error.code ?? null } });
    if (isAbortError(error)) return json(response, 499, { error: { message: "Cancelled.", type: "cancelled", code: null } });
    if (error instanceof PincerError) {
      const status = error.kind === "invalid-params" ? 400 : error.kind === "not-available" ? 503 : 500;
      return json(response, status, { error: { message: error.message, type: status === 503 ? "unavailable" : "server_error", code: null } });
    }
    options.log("error", `API request failed: ${(error as Error).stack ?? String(error)}`);
    json(response, 500, { error: { message: "Internal error (see the server log).", type: "server_error", code: null } });
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key, minVersion: "TLSv1.3" }, handler)
    : http.createServer(handler);
  server.headersTimeout = 30_000;
  server.requestTimeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? "https" : "http"}://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  response.end(text);
}

/** The JSON body, refused past `max` bytes (413) before it is all read. */
async function readBody(request: http.IncomingMessage, max: number): Promise<Record<string, unknown>> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > max) throw new ApiError(413, `The request body is larger than ${max} bytes (--max-body).`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new ApiError(413, `The request body is larger than ${max} bytes (--max-body).`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ApiError(400, "The request body is not JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "The request body must be a JSON object.");
  return body as Record<string, unknown>;
}
