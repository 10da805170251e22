// One remote engine as a role uses it: its endpoint, the model it asks for, and what the server
// can do, detected once: llama-server (answers /props: context size, /infill, `json_schema`), Ollama
// (answers /api/version: its native /api/chat takes a JSON schema as `format` from 0.5.0 on), or any
// other OpenAI-compatible server (vLLM, LM Studio: `response_format`, /v1/completions). Detection
// asks only the endpoint the person confirmed, at its own base path.
import { isAbortError, PincerError } from "../platform/errors";
import type { RemoteEndpoint } from "./endpoint";
import { OpenAiClient, RemoteHttpError } from "./openai-client";

export type RemoteKind = "llama-server" | "ollama" | "openai";

/** Context assumed when the server does not say (vLLM reports max_model_len; Ollama and LM Studio may not). */
export const DEFAULT_REMOTE_CONTEXT = 8192;

/** Ollama's default context from 0.7 on when neither the Modelfile nor OLLAMA_CONTEXT_LENGTH says more. */
export const OLLAMA_DEFAULT_CONTEXT = 4096;

interface ModelsResponse {
  data?: { id?: string; max_model_len?: number; meta?: { n_ctx_train?: number } }[];
}
interface PropsResponse {
  default_generation_settings?: { n_ctx?: number };
  n_ctx?: number;
}

export class RemoteEngine {
  /** Features found not to work on this server (a 4xx naming them), so they are not tried again. */
  readonly unsupported = new Set<"infill" | "suffix" | "json_schema" | "response_format" | "format">();

  private constructor(
    readonly client: OpenAiClient,
    readonly kind: RemoteKind,
    readonly model: string,
    readonly models: readonly string[],
    readonly contextSize: number,
    /** Ollama's version (/api/version), when the server is Ollama. */
    readonly ollamaVersion?: string,
  ) {}

  /** Whether Ollama's /api/chat takes a JSON schema as `format` (0.5.0 and later; dev builds say 0.0.0). */
  get ollamaTakesSchema(): boolean {
    const version = ollamaRelease(this.ollamaVersion ?? "");
    return version === undefined || version.major > 0 || version.minor >= 5 || version.minor === 0;
  }

  get endpoint(): RemoteEndpoint {
    return this.client.endpoint;
  }

  /** Lists the models (`/v1/models`) and detects the server kind; `model` empty takes the first one. */
  static async connect(client: OpenAiClient, model: string, signal: AbortSignal): Promise<RemoteEngine> {
    const list = await client.getJson<ModelsResponse>("/v1/models", signal);
    const entries = (list.data ?? []).filter((m) => typeof m.id === "string");
    const models = entries.map((m) => m.id!);
    const chosen = model || models[0];
    if (!chosen) throw new PincerError(`The remote engine at ${client.endpoint.origin} lists no models.`, "not-available");
    if (model && models.length > 0 && !models.includes(model)) {
      throw new PincerError(`The remote engine at ${client.endpoint.origin} has no model "${model}"; it has: ${models.join(", ")}.`, "invalid-params");
    }
    const entry = entries.find((m) => m.id === chosen);
    let kind: RemoteKind = "openai";
    let contextSize = entry?.max_model_len ?? 0;
    try {
      const props = await client.getJson<PropsResponse>("/props", signal);
      const nCtx = props.default_generation_settings?.n_ctx ?? props.n_ctx;
      if (typeof nCtx === "number") {
        kind = "llama-server";
        // llama-server splits n_ctx between its parallel slots; /props reports the per-slot size.
        contextSize = nCtx;
      }
    } catch (error) {
      if (!(error instanceof RemoteHttpError)) throw error;
    }
    let ollamaVersion: string | undefined;
    if (kind === "openai") {
      // Not Ollama (a 404, an HTML page): any other OpenAI-compatible server.
      const answer = await optionalRoute(client.getJson<{ version?: unknown }>("/api/version", signal), signal);
      if (typeof answer?.version === "string") {
        kind = "ollama";
        ollamaVersion = answer.version;
      }
    }
    if (kind === "ollama") contextSize = await ollamaContextSize(client, chosen, ollamaVersion ?? "", signal);
    if (!(contextSize > 0)) contextSize = entry?.meta?.n_ctx_train ?? DEFAULT_REMOTE_CONTEXT;
    return new RemoteEngine(client, kind, chosen, models, contextSize, ollamaVersion);
  }

  /** Token counts without the remote tokenizer: about 3 characters a token, on the high side for code and prose. */
  estimateTokens(text: string): number {
    return Math.ceil(text.length / 3);
  }
}

/**
 * The context Ollama runs the model with. Its /v1 endpoints take no num_ctx and truncate a longer
 * prompt from the front (the system prompt goes first), so Pincer must not assume more than the server
 * gives: the running model's context (/api/ps, newer releases), else the Modelfile's num_ctx
 * (/api/show), else the server's smallest default (4096; releases before 0.7 may use 2048), never more
 * than the model was trained for. Native /api/chat calls send this same num_ctx, so they never make
 * Ollama reload the model with another size.
 */
async function ollamaContextSize(client: OpenAiClient, model: string, version: string, signal: AbortSignal): Promise<number> {
  const running = await optionalRoute(client.getJson<{ models?: { name?: string; model?: string; context_length?: unknown }[] }>("/api/ps", signal), signal);
  const loaded = running?.models?.find((m) => m.name === model || m.model === model)?.context_length;
  if (typeof loaded === "number" && loaded > 0) return loaded;
  const shown = await optionalRoute(client.postJson<{ parameters?: unknown; model_info?: Record<string, unknown> }>("/api/show", { model }, signal), signal);
  const numCtx = typeof shown?.parameters === "string" ? /^\s*num_ctx\s+(\d+)/m.exec(shown.parameters)?.[1] : undefined;
  if (numCtx && Number(numCtx) > 0) return Number(numCtx);
  const trainedKey = Object.keys(shown?.model_info ?? {}).find((key) => key.endsWith(".context_length"));
  const trained = trainedKey ? Number(shown!.model_info![trainedKey]) : 0;
  const release = ollamaRelease(version);
  const serverDefault = release && release.major === 0 && release.minor > 0 && release.minor < 7 ? 2048 : OLLAMA_DEFAULT_CONTEXT;
  return trained > 0 ? Math.min(trained, serverDefault) : serverDefault;
}

/** Ollama's "major.minor" (dev builds say 0.0.0); undefined when it does not say. */
function ollamaRelease(version: string): { major: number; minor: number } | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** A route some servers or releases lack: its answer, or undefined when it failed for any reason but cancelling. */
async function optionalRoute<T>(request: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (signal.aborted || isAbortError(error) || (error instanceof PincerError && error.kind === "cancelled")) throw error;
    return undefined;
  }
}

/** Whether a 4xx answer says the server does not know a request field (so a retry without it may work). */
export function rejectsField(error: unknown, field: string): boolean {
  if (!(error instanceof RemoteHttpError) || error.status === 401 || error.status === 403) return false;
  return error.status === 404 || error.status === 501 || (error.status >= 400 && error.status < 500 && error.detail.toLowerCase().includes(field));
}
