// The remote engines of one server process, per role (completion, chat, agent), from the
// `pincer.remote.<role>` settings. An endpoint is used only after the person confirmed it (the
// client's prompt, or `pincer remote allow` for the CLI): only then is it opened in the egress
// guard, for exactly its host and port. API keys come with the confirmation (VS Code SecretStorage,
// the CLI's 0600 file), never from settings.
import { allowEndpoint } from "../platform/egress-guard";
import { PincerError } from "../platform/errors";
import { REMOTE_ROLES, type PincerSettings, type RemoteRole } from "../protocol/settings";
import { parseEndpoint, type RemoteEndpoint } from "./endpoint";
import { OpenAiClient } from "./openai-client";
import { RemoteEngine } from "./remote-engine";

interface Consent {
  endpoint: RemoteEndpoint;
  apiKey: string | undefined;
  close: () => void;
}

export class RemoteEngines {
  private readonly consents = new Map<string, Consent>();
  private readonly engines = new Map<string, Promise<RemoteEngine>>();

  /** The person confirmed this endpoint: open it in the egress guard and keep its key. */
  allow(url: string, apiKey: string | undefined): RemoteEndpoint {
    const endpoint = parseEndpoint(url);
    const previous = this.consents.get(endpoint.origin);
    const consent: Consent = { endpoint, apiKey: apiKey || undefined, close: allowEndpoint(endpoint.host, endpoint.port) };
    this.consents.set(endpoint.origin, consent);
    previous?.close();
    // A new key (or a revoked one) must not keep using connections made with the old one.
    for (const key of [...this.engines.keys()]) if (key.startsWith(`${endpoint.origin}|`)) this.engines.delete(key);
    return endpoint;
  }

  /** Closes an endpoint again (consent withdrawn, or its setting cleared). */
  revoke(url: string): void {
    const origin = parseEndpoint(url).origin;
    this.consents.get(origin)?.close();
    this.consents.delete(origin);
    for (const key of [...this.engines.keys()]) if (key.startsWith(`${origin}|`)) this.engines.delete(key);
  }

  /** Closes every confirmed endpoint the settings no longer name: only configured endpoints stay open. */
  retain(settings: PincerSettings): void {
    const configured = new Set<string>();
    for (const role of ["completion", "chat", "agent"] as const) {
      try {
        if (settings.remote[role].url) configured.add(parseEndpoint(settings.remote[role].url).origin);
      } catch {
        // an invalid URL opens nothing
      }
    }
    for (const [origin, consent] of [...this.consents]) {
      if (configured.has(origin)) continue;
      consent.close();
      this.consents.delete(origin);
      for (const key of [...this.engines.keys()]) if (key.startsWith(`${origin}|`)) this.engines.delete(key);
    }
  }

  /** Whether `role` is set to a remote engine. */
  configured(settings: PincerSettings, role: RemoteRole): boolean {
    return settings.remote[role].url !== "";
  }

  /** The confirmed hosts the settings use, for the status bar ("remote: host"). */
  hosts(settings: PincerSettings): string[] {
    return hostsOf(settings, (endpoint) => this.consents.has(endpoint.origin));
  }

  /** Every host the settings name when every role is remote (no local model needed), else undefined. */
  remoteOnlyHosts(settings: PincerSettings): string[] | undefined {
    if (!REMOTE_ROLES.every((role) => this.configured(settings, role))) return undefined;
    return hostsOf(settings, () => true);
  }

  /** The remote engine `role` is set to; a clear error when its endpoint was not confirmed. */
  async engine(settings: PincerSettings, role: RemoteRole, signal: AbortSignal): Promise<RemoteEngine> {
    const { url, model } = settings.remote[role];
    const endpoint = parseEndpoint(url);
    const consent = this.consents.get(endpoint.origin);
    if (!consent) {
      throw new PincerError(
        `Pincer has not been allowed to connect to ${endpoint.origin} (pincer.remote.${role}.url). Confirm it when VS Code asks, or run \`pincer remote allow ${url}\`.`,
        "not-available",
      );
    }
    const key = `${endpoint.origin}|${endpoint.base}|${model}`;
    let engine = this.engines.get(key);
    if (!engine) {
      engine = RemoteEngine.connect(new OpenAiClient(endpoint, consent.apiKey), model, signal);
      this.engines.set(key, engine);
      engine.catch(() => {
        if (this.engines.get(key) === engine) this.engines.delete(key);
      });
    }
    return engine;
  }

  dispose(): void {
    for (const consent of this.consents.values()) consent.close();
    this.consents.clear();
    this.engines.clear();
  }
}

/** The roles' hosts as the status bar shows them ("gpu.lan:8443"; the port only when not the scheme's). */
function hostsOf(settings: PincerSettings, include: (endpoint: RemoteEndpoint) => boolean): string[] {
  const hosts = new Set<string>();
  for (const role of REMOTE_ROLES) {
    const url = settings.remote[role].url;
    if (!url) continue;
    try {
      const endpoint = parseEndpoint(url);
      if (include(endpoint)) hosts.add(endpoint.port === 443 || endpoint.port === 80 ? endpoint.host : `${endpoint.host}:${endpoint.port}`);
    } catch {
      // an invalid URL is reported when the role is used
    }
  }
  return [...hosts];
}
