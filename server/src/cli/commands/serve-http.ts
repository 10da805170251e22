// pincer serve --http: Pincer's warm model as an OpenAI-compatible API for other local tools.
// Loopback by default; any other address needs TLS 1.3 (the person's certificate or a generated
// self-signed one, whose fingerprint is printed). The bearer token is generated once into a 0600
// file; only the file's path is printed, never the token.
import path from "node:path";
import { startApiServer, DEFAULT_API_LIMITS, type ApiLimits } from "../../api/http-api-server";
import { ensureApiToken, loadTls } from "../../api/api-credentials";
import type { ApiDeps } from "../../api/openai-routes";
import { cliLogger } from "../../platform/log";
import { abortable } from "../../platform/abortable";
import type { PincerSettings } from "../../protocol";
import { resolveEmbeddingModel } from "../../codebase/codebase-service";
import { EmbeddingModel } from "../../engine/embedding";
import { isLoopback } from "../../remote/endpoint";
import { chatModelFor } from "../../remote/role-models";
import { apiWorkspace } from "../api-workspace";
import { apiTokenFilePath, settingsFilePath } from "../../platform/config-path";
import { loadEngineForCli } from "../load-engine";
import { cliRemoteEngines } from "../remote-file";
import { EXIT_OK, UsageError } from "../usage";

export interface ServeHttpArgs {
  host: string;
  port: number;
  tls: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tokenFile?: string;
  allowHosts: string[];
  limits: Partial<ApiLimits>;
  /** Also serve gRPC (proto/pincer.proto) on the same host, with the same TLS, at this port (0: any free one). */
  grpcPort?: number;
  /** An embedding model for /v1/embeddings (path, hf: URI or URL of a downloaded GGUF); default pincer.index.embeddingModel. */
  embeddingModel?: string;
  /** A folder for the OCR and agent routes (/pincer/v1/ocr, /pincer/v1/agent/runs). */
  workspace?: string;
  json: boolean;
}

export async function serveHttp(settings: PincerSettings, args: ServeHttpArgs, signal: AbortSignal): Promise<number> {
  const loopback = isLoopback(args.host.replace(/^\[|\]$/g, ""));
  const wantsTls = args.tls || args.tlsCert !== undefined || args.tlsKey !== undefined;
  if (!loopback && !wantsTls) throw new UsageError(`--host ${args.host} is not a loopback address: that needs TLS (--tls for a generated self-signed certificate, or --tls-cert and --tls-key).`);
  const configDir = path.dirname(settingsFilePath());
  const tokenFile = args.tokenFile ?? apiTokenFilePath();
  const token = await ensureApiToken(tokenFile);
  const tls = wantsTls ? await loadTls({ certFile: args.tlsCert, keyFile: args.tlsKey, dir: configDir, hosts: [args.host, ...args.allowHosts] }) : undefined;

  const { host, engine } = await loadEngineForCli(settings, signal, { quiet: args.json });
  const embeddingSpec = args.embeddingModel ?? settings.index.embeddingModel;
  const embedding = embeddingSpec
    ? await EmbeddingModel.load({ modelPath: await resolveEmbeddingModel(embeddingSpec, settings.modelsDir), gpu: settings.gpu, log: cliLogger(), signal })
    : undefined;
  const remote = await cliRemoteEngines();
  const workspace = args.workspace === undefined ? undefined : await apiWorkspace(args.workspace, settings, engine, remote);
  const limits = { ...DEFAULT_API_LIMITS, ...args.limits };
  const apiDeps: ApiDeps = {
    modelName: () => engine.facts.name,
    chat: (requestSignal) => chatModelFor(settings, remote, async () => engine, requestSignal),
    completionEngine: async () => engine,
    ...(embedding
      ? {
          embedder: {
            name: embedding.facts.name,
            tokenCount: (text: string) => embedding.tokenCount(text),
            // A request waits only for the embedding in flight, as a search query does.
            embed: (text: string, requestSignal: AbortSignal) => embedding.embed(text, { signal: requestSignal, priority: "now" }),
          },
        }
      : {}),
    ...(workspace ? { workspace } : {}),
  };
  const server = await startApiServer({
    host: args.host,
    port: args.port,
    token,
    loopback,
    tls,
    allowedNames: args.allowHosts.map((name) => name.toLowerCase()),
    limits,
    log: cliLogger(),
    deps: apiDeps,
  });
  const grpcServer =
    args.grpcPort === undefined
      ? undefined
      : await (await import("../../api/grpc-server")).startGrpcServer({ host: args.host, port: args.grpcPort, token, loopback, tls, limits, deps: apiDeps, log: cliLogger() });
  const grpcAddress = grpcServer ? `${args.host.includes(":") && !args.host.startsWith("[") ? `[${args.host}]` : args.host}:${grpcServer.port}` : undefined;
  const facts = { url: server.url, tokenFile, ...(grpcAddress ? { grpc: grpcAddress } : {}), ...(tls ? { tlsFingerprint: tls.fingerprint, tlsGenerated: tls.generated } : {}), model: engine.facts.name, ...(embedding ? { embeddingModel: embedding.facts.name } : {}), ...(workspace ? { workspace: workspace.folder } : {}), limits };
  if (args.json) process.stdout.write(`${JSON.stringify(facts)}\n`);
  else {
    process.stdout.write(`Pincer API (OpenAI-compatible) on ${server.url}/v1 serving ${engine.facts.name}\n`);
    process.stdout.write(`Bearer token: in ${tokenFile} (mode 0600); send it as "Authorization: Bearer <token>".\n`);
    if (grpcAddress) process.stdout.write(`gRPC (proto/pincer.proto, same token as metadata "authorization"${tls ? ", same TLS certificate" : ""}) on ${grpcAddress}\n`);
    if (tls) process.stdout.write(`TLS 1.3 certificate${tls.generated ? " (generated, self-signed)" : ""} SHA-256 fingerprint: ${tls.fingerprint}\n`);
    process.stdout.write(`Limits: ${limits.maxConcurrent} requests at a time, ${limits.maxBodyBytes} bytes per body, ${limits.maxTokens} tokens per answer. Ctrl-C stops.\n`);
  }
  const terminated = new AbortController();
  const onTerm = () => terminated.abort();
  process.once("SIGTERM", onTerm);
  try {
    await abortable(new Promise<never>(() => undefined), AbortSignal.any([signal, terminated.signal]));
  } catch {
    // Ctrl-C or SIGTERM: the normal way to stop.
  } finally {
    process.off("SIGTERM", onTerm);
    await server.close();
    await grpcServer?.close();
    remote.dispose();
    await host.dispose();
    await embedding?.dispose();
    await workspace?.dispose();
  }
  return EXIT_OK;
}
