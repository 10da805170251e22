// `pincer.api.enabled`: the OpenAI-compatible API (api/http-api-server.ts) on 127.0.0.1 inside the
// language server, over the editor's warm models: started and stopped as the settings change, and
// stopped with the server. Loopback only and without the workspace routes (an editor's workspace is
// not a headless one); the token file is the one `pincer serve --http` uses.
import { ensureApiToken } from "../api/api-credentials";
import { DEFAULT_API_LIMITS, startApiServer, type ApiServer } from "../api/http-api-server";
import type { ApiDeps } from "../api/openai-routes";
import { completionModel } from "../completion/completion-service";
import { apiTokenFilePath } from "../platform/config-path";
import type { ApiSettings, StatusParams } from "../protocol";
import { chatModelFor } from "../remote/role-models";
import type { ServerContext } from "./context";

export class LspApiHost {
  private server: ApiServer | undefined;
  private port: number | undefined;
  private error: string | undefined;
  /** Changes run one after another: a quick off-on must not start two servers. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: Pick<ServerContext, "host" | "completionHost" | "settings" | "remote" | "log">,
    private readonly onChange: () => void,
  ) {}

  /** What the status bar says about the API (absent while it is off). */
  get status(): StatusParams["api"] {
    if (this.server) return { url: `${this.server.url}/v1`, tokenFile: apiTokenFilePath() };
    return this.error ? { tokenFile: apiTokenFilePath(), error: this.error } : undefined;
  }

  apply(settings: ApiSettings): Promise<void> {
    this.queue = this.queue.then(() => this.applyNow(settings));
    return this.queue;
  }

  dispose(): Promise<void> {
    return this.apply({ enabled: false, port: 0 });
  }

  private async applyNow(settings: ApiSettings): Promise<void> {
    if (this.server && settings.enabled && settings.port === this.port) return;
    if (this.server) {
      await this.server.close();
      this.server = undefined;
      this.port = undefined;
      this.context.log("info", "Pincer API stopped.");
    }
    this.error = undefined;
    if (!settings.enabled) {
      this.onChange();
      return;
    }
    try {
      const tokenFile = apiTokenFilePath();
      const token = await ensureApiToken(tokenFile);
      this.server = await startApiServer({
        host: "127.0.0.1",
        port: settings.port,
        token,
        loopback: true,
        allowedNames: [],
        limits: DEFAULT_API_LIMITS,
        deps: this.deps(),
        log: this.context.log,
      });
      this.port = settings.port;
      this.context.log("info", `Pincer API (OpenAI-compatible) on ${this.server.url}/v1; bearer token in ${tokenFile}.`);
    } catch (error) {
      this.error = (error as NodeJS.ErrnoException).code === "EADDRINUSE" ? `port ${settings.port} on 127.0.0.1 is in use (pincer.api.port)` : (error as Error).message;
      this.context.log("error", `Pincer API not started: ${this.error}.`);
    }
    this.onChange();
  }

  private deps(): ApiDeps {
    const { host, completionHost, remote } = this.context;
    return {
      modelName: () => host.status.model ?? "pincer",
      chat: (signal) => chatModelFor(this.context.settings(), remote, (s) => host.requireEngine(s), signal),
      completionEngine: (signal) => (completionModel(this.context.settings()).separate ? completionHost : host).requireEngine(signal),
    };
  }
}
