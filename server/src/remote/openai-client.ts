// The HTTP side of a remote engine: JSON requests and SSE streams to an OpenAI-compatible server,
// cancelled with the caller's AbortSignal (the request is aborted, so the server stops generating).
// TLS is Node's default: a certificate that does not verify is an error, never skipped.
import { createParser } from "eventsource-parser";
import { isAbortError, PincerError } from "../platform/errors";
import type { RemoteEndpoint } from "./endpoint";

/** Largest response body read whole (model lists, non-streamed answers). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

export class RemoteHttpError extends PincerError {
  override name = "RemoteHttpError";
  constructor(
    readonly status: number,
    readonly detail: string,
    origin: string,
  ) {
    super(`The remote engine at ${origin} answered ${status}: ${detail}`, status === 401 || status === 403 ? "not-available" : "failed");
  }
}

export class OpenAiClient {
  constructor(
    readonly endpoint: RemoteEndpoint,
    private readonly apiKey: string | undefined,
  ) {}

  async getJson<T>(path: string, signal: AbortSignal): Promise<T> {
    const response = await this.fetch(path, { method: "GET" }, signal);
    return (await readJson(response, signal)) as T;
  }

  async postJson<T>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
    const response = await this.fetch(path, { method: "POST", body: JSON.stringify(body) }, signal);
    return (await readJson(response, signal)) as T;
  }

  /** POST with `stream: true`; each SSE `data:` JSON goes to onData until `[DONE]` or the end. */
  async stream(path: string, body: Record<string, unknown>, signal: AbortSignal, onData: (data: unknown) => void): Promise<void> {
    const response = await this.fetch(path, { method: "POST", body: JSON.stringify({ ...body, stream: true }) }, signal);
    if (!response.body) throw new PincerError(`The remote engine at ${this.endpoint.origin} sent no stream.`);
    let done = false;
    const parser = createParser({
      onEvent: (event) => {
        if (done) return;
        if (event.data === "[DONE]") {
          done = true;
          return;
        }
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          throw new PincerError(`The remote engine at ${this.endpoint.origin} sent a stream event that is not JSON.`);
        }
        const error = (data as { error?: { message?: string } }).error;
        if (error) throw new PincerError(`The remote engine at ${this.endpoint.origin} failed: ${error.message ?? JSON.stringify(error)}`);
        onData(data);
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (done) break;
      }
    } catch (error) {
      throw this.explain(error, signal);
    }
  }

  /**
   * POST with `stream: true` to a server that streams JSON lines (Ollama's native API); each line goes to
   * onData, and reading stops when onData returns true (the last line: a server that goes on is not read).
   */
  async streamLines(path: string, body: Record<string, unknown>, signal: AbortSignal, onData: (data: object) => boolean | void): Promise<void> {
    const response = await this.fetch(path, { method: "POST", body: JSON.stringify({ ...body, stream: true }) }, signal);
    if (!response.body) throw new PincerError(`The remote engine at ${this.endpoint.origin} sent no stream.`);
    const decoder = new TextDecoder();
    let pending = "";
    let done = false;
    const line = (text: string) => {
      if (done || text.trim() === "") return;
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new PincerError(`The remote engine at ${this.endpoint.origin} sent a stream line that is not JSON.`);
      }
      if (typeof data !== "object" || data === null) throw new PincerError(`The remote engine at ${this.endpoint.origin} sent a stream line that is not a JSON object.`);
      const error = (data as { error?: unknown }).error;
      if (error) throw new PincerError(`The remote engine at ${this.endpoint.origin} failed: ${typeof error === "string" ? error : JSON.stringify(error)}`);
      if (onData(data) === true) done = true;
    };
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        if (pending.length > MAX_JSON_BYTES) throw new PincerError(`The remote engine at ${this.endpoint.origin} sent a stream line longer than ${MAX_JSON_BYTES} characters.`);
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const text of lines) line(text);
        if (done) break;
      }
      if (!done) line(pending + decoder.decode());
    } catch (error) {
      throw this.explain(error, signal);
    }
  }

  private async fetch(path: string, init: { method: string; body?: string }, signal: AbortSignal): Promise<Response> {
    signal.throwIfAborted();
    const headers: Record<string, string> = { accept: "application/json, text/event-stream, application/x-ndjson" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let response: Response;
    try {
      // redirect "error": a redirect would lead the request (and its key) to a host nobody confirmed.
      response = await fetch(`${this.endpoint.base}${path}`, { ...init, headers, signal, redirect: "error" });
    } catch (error) {
      throw this.explain(error, signal);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      let detail = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
        detail = (typeof parsed.error === "string" ? parsed.error : parsed.error?.message) ?? parsed.message ?? detail;
      } catch {
        // not JSON: the text itself
      }
      throw new RemoteHttpError(response.status, detail || response.statusText, this.endpoint.origin);
    }
    return response;
  }

  private explain(error: unknown, signal: AbortSignal): Error {
    if (signal.aborted || isAbortError(error)) return new PincerError("Cancelled.", "cancelled", { cause: error });
    if (error instanceof PincerError) return error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? "";
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(code + (cause?.message ?? ""))) {
      return new PincerError(
        `The TLS certificate of ${this.endpoint.origin} was refused (${code || cause?.message}). Pincer never skips certificate checks: give Node the team's CA with NODE_EXTRA_CA_CERTS.`,
        "failed",
        { cause: error },
      );
    }
    return new PincerError(`Could not reach the remote engine at ${this.endpoint.origin}: ${cause?.message ?? (error as Error).message}`, "failed", { cause: error });
  }
}

async function readJson(response: Response, signal: AbortSignal): Promise<unknown> {
  const length = Number(response.headers.get("content-length") ?? 0);
  if (length > MAX_JSON_BYTES) throw new PincerError(`The remote engine's answer is too large (${length} bytes).`);
  signal.throwIfAborted();
  const text = await response.text();
  if (text.length > MAX_JSON_BYTES) throw new PincerError(`The remote engine's answer is too large (${text.length} characters).`);
  try {
    return JSON.parse(text);
  } catch {
    throw new PincerError(`The remote engine answered with something that is not JSON: ${text.slice(0, 200)}`);
  }
}
