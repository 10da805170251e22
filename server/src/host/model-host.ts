// Owns the one warm model: resolves the `model` setting, loads it (reloading when settings that
// matter change), and reports its state. Shared by every feature and by the CLI; no LSP here.
import { PincerError } from "../platform/errors";
import { promises as fs } from "node:fs";
import { Engine, type EngineMemoryOptions } from "../engine/engine";
import { errorText, ModelFileError } from "../engine/model-check";
import type { SequenceSlot } from "../engine/sequence";
import type { ThreadCalibrationStore } from "../engine/thread-policy";
import { downloadTarget, parseModelSpec } from "../models/model-spec";
import { resolveModelsDir } from "../models/models-dir";
import { abortable } from "../platform/abortable";
import type { Logger } from "../platform/log";
import type { PincerSettings, StatusParams } from "../protocol";
import { messagesFor, type Messages } from "../platform/messages";

const CHAT_FORMAT_SOURCES = { "gguf-template": "the GGUF's template", "published-template": "the family's published template; the GGUF has none", none: "no template in the GGUF" } as const;

export type HostStatus = Omit<StatusParams, "trusted">;

export interface LoadProgressListener {
  (event: { kind: "begin" | "report" | "end"; fraction: number; message: string }): void;
}

/** No model is chosen, downloaded or loadable: a state the person changes (Select Model…, --model). */
export class NoModelError extends PincerError {
  override name = "NoModelError";
  constructor(message: string) {
    super(message, "not-available");
  }
}

/** The engine's memory options from the settings (shared with the CLI's loads). */
export function engineMemoryOptions(settings: Pick<PincerSettings, "completion" | "memory">): EngineMemoryOptions {
  return {
    completionContextSize: settings.completion.contextSize,
    kvCacheType: settings.memory.kvCacheType,
    idleReleaseMs: settings.memory.idleReleaseMinutes * 60_000,
  };
}

export class ModelHost {
  private engine: Engine | undefined;
  private loading: { key: string; controller: AbortController; done: Promise<Engine | undefined> } | undefined;
  private loadedKey: string | undefined;
  private readonly messages: Messages = (id, ...args) => (this.options.messages?.() ?? messagesFor(undefined))(id, ...args);
  private current: HostStatus;

  constructor(
    private readonly options: {
      log: Logger;
      calibrationStore?: ThreadCalibrationStore;
      onStatus?: (status: HostStatus) => void;
      onLoadProgress?: LoadProgressListener;
      /** Features the loaded model serves (default: completion, chat, agent); a function reads them from the settings. */
      slots?: readonly SequenceSlot[] | ((settings: PincerSettings) => readonly SequenceSlot[]);
      /** What "no model is selected" tells the person to do in this host (default: the VS Code command). */
      noModelMessage?: string;
      /** The person's messages in their UI language (default: English). */
      messages?: () => Messages;
      /** Log a failed load as an error (the server's only report of it); the CLI throws it to its caller instead. */
      logLoadErrors?: boolean;
    },
  ) {
    this.current = { state: "loading", message: this.messages("host.starting") };
  }

  get status(): HostStatus {
    return this.current;
  }

  /** Apply settings: load, reload or unload the model as needed. Resolves when that settles. */
  async configure(settings: PincerSettings): Promise<void> {
    let modelPath: string;
    try {
      modelPath = await this.resolveModelPath(settings);
    } catch (error) {
      this.loading?.controller.abort(); // a load in progress is for a model that is no longer set
      await this.unload();
      this.setStatus({ state: error instanceof NoModelError ? "no-model" : "error", message: errorText(error) });
      return;
    }
    const slots = typeof this.options.slots === "function" ? this.options.slots(settings) : this.options.slots;
    // A change of features reloads too: each feature is a context of its own size.
    const key = JSON.stringify([modelPath, settings.gpu, settings.gpuLayers, settings.threads, settings.contextSize, settings.completion.contextSize, settings.memory, slots ?? null]);
    if (key === this.loadedKey && this.engine) return;
    if (this.loading?.key === key) {
      await this.loading.done;
      return;
    }
    this.loading?.controller.abort();
    await this.load(key, modelPath, settings, slots);
  }

  /** The loaded engine, waiting for a load in progress (until `signal` aborts); a clear error when there is none. */
  async requireEngine(signal: AbortSignal): Promise<Engine> {
    signal.throwIfAborted();
    if (this.loading) await abortable(this.loading.done, signal);
    if (this.engine) return this.engine;
    throw new NoModelError(this.current.message ?? "No model is loaded.");
  }

  async resolveModelPath(settings: PincerSettings): Promise<string> {
    if (settings.model === "") {
      throw new NoModelError(this.options.noModelMessage ?? this.messages("host.noModel"));
    }
    const spec = parseModelSpec(settings.model);
    if (spec.kind === "path") return spec.path;
    const target = downloadTarget(spec, resolveModelsDir(settings.modelsDir));
    const present = await fs.stat(target).then((s) => s.isFile(), () => false);
    if (!present) {
      throw new NoModelError(this.messages("host.notDownloaded", spec.uri));
    }
    return target;
  }

  async dispose(): Promise<void> {
    this.loading?.controller.abort();
    await this.loading?.done;
    await this.unload();
  }

  private async load(key: string, modelPath: string, settings: PincerSettings, slots: readonly SequenceSlot[] | undefined): Promise<void> {
    const controller = new AbortController();
    const progress = this.options.onLoadProgress ?? (() => undefined);
    const displayName = modelPath.split(/[\\/]/).pop()?.replace(/\.gguf$/i, "");
    this.setStatus({ state: "loading", model: displayName, modelPath, message: this.messages("host.loading") });
    progress({ kind: "begin", fraction: 0, message: `Loading ${displayName}` });
    const started = performance.now();
    // Unloading happens inside `done`, which is registered as this.loading before the first await,
    // so a configure with the same settings arriving meanwhile waits for this load instead of
    // starting a second one (whose engine would replace, and leak, this one's).
    const done = this.unload().then(() => {
      controller.signal.throwIfAborted();
      return Engine.load({
        modelPath,
        settings,
        log: this.options.log,
        calibrationStore: this.options.calibrationStore,
        slots,
        memory: engineMemoryOptions(settings),
        // A window created or released changes what the status bar's tooltip says.
        onMemoryChange: () => {
          if (this.engine && (this.current.state === "ready" || this.current.state === "busy")) this.setStatus({ ...this.readyStatus(this.engine), state: this.current.state });
        },
        signal: controller.signal,
        onProgress: (fraction, message) => progress({ kind: "report", fraction, message }),
        onActivity: (active) => {
          if (this.engine) this.setStatus({ ...this.readyStatus(this.engine), state: active > 0 ? "busy" : "ready" });
        },
      });
    }).then(
      (engine) => {
        if (controller.signal.aborted) {
          void engine.dispose();
          return undefined;
        }
        this.engine = engine;
        this.loadedKey = key;
        const seconds = ((performance.now() - started) / 1000).toFixed(2);
        this.options.log(
          "info",
          `Loaded ${engine.facts.name} on ${engine.backend.backend} in ${seconds}s: ${engine.gpuLayers}/${engine.facts.layers} layers on the GPU, ` +
            `${engine.threads.threads} thread(s) (${engine.threads.source}; prompt ${engine.threads.promptThreads}, generation ${engine.threads.generationThreads}), context ${engine.contextSize} tokens, ` +
            `chat format ${engine.chatFormat.wrapper.wrapperName} (${CHAT_FORMAT_SOURCES[engine.chatFormat.source]}).`,
        );
        this.setStatus(this.readyStatus(engine));
        return engine;
      },
      (error: unknown) => {
        if (controller.signal.aborted) return undefined;
        const message = error instanceof ModelFileError ? error.message : `Could not load ${modelPath}: ${errorText(error)}`;
        if (this.options.logLoadErrors !== false) this.options.log("error", message);
        this.setStatus({ state: "error", model: displayName, modelPath, message });
        return undefined;
      },
    );
    this.loading = { key, controller, done };
    try {
      await done;
    } finally {
      if (this.loading?.done === done) this.loading = undefined;
      progress({ kind: "end", fraction: 1, message: this.current.message ?? this.current.state });
    }
  }

  private readyStatus(engine: Engine): HostStatus {
    return { state: "ready", model: engine.facts.name, modelPath: engine.facts.path, backend: engine.backend.backend, message: undefined, memory: engine.memoryReport() };
  }

  private async unload(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    this.loadedKey = undefined;
    await engine?.dispose();
  }

  private setStatus(status: HostStatus): void {
    this.current = status;
    this.options.onStatus?.(status);
  }
}
